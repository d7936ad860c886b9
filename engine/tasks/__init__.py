"""Tasks: definitions, safe templates, constraint checks, batch runs and evaluations."""
from engine.tasks.api import TasksAPI
from engine.tasks.definition import Constraints, Generation, Step, TaskDef, task_from_dict

__all__ = ["Constraints", "Generation", "Step", "TaskDef", "TasksAPI", "task_from_dict"]
