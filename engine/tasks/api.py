"""``engine.tasks``: the facade for task definitions, batch runs and evaluations."""
from __future__ import annotations

import json
from pathlib import Path

from engine.errors import UserError
from engine.tasks import constraints as checks
from engine.tasks import store
from engine.tasks.definition import TaskDef, task_from_dict
from engine.tasks.template import render
from engine.i18n import N_, tr


class TasksAPI:
    def __init__(self, engine):
        self.engine = engine
        self.ws = engine.workspace

    # -- definitions ------------------------------------------------------------
    def list(self, archived: bool | None = None) -> list[TaskDef]:
        """Every task by default; ``archived=False`` only active ones, ``True`` only archived ones."""
        return store.list_tasks(self.ws, archived)

    def archive(self, name: str) -> dict:
        """Hide a task from the task list; its runs, outputs and reviews stay. Undo with ``unarchive``."""
        task = self.get(name)
        return {"task": task.name, "archived": True, "changed": store.set_archived(self.ws, task.name, True)}

    def unarchive(self, name: str) -> dict:
        task = self.get(name)
        return {"task": task.name, "archived": False, "changed": store.set_archived(self.ws, task.name, False)}

    def archived(self) -> set[str]:
        """Names of the archived tasks."""
        return store.archived_names(self.ws)

    def get(self, name: str) -> TaskDef:
        return store.get_task(self.ws, name)

    def create(self, definition: dict | TaskDef, replace: bool = False) -> TaskDef:
        task = definition if isinstance(definition, TaskDef) else task_from_dict(definition)
        store.save_tasks(self.ws, [task], replace=replace)
        return self.get(task.name)

    def rename(self, old: str, definition: dict | TaskDef) -> TaskDef:
        """Save an edited task under a new name; its runs and reviewed outputs follow it."""
        task = definition if isinstance(definition, TaskDef) else task_from_dict(definition)
        store.rename_task(self.ws, old, task)
        return self.get(task.name)

    def remove(self, name: str) -> None:
        store.remove_task(self.ws, name)

    def import_file(self, path: str | Path, replace: bool = False) -> dict:
        """Tasks from a JSON file (an exported bundle or a plain list); all or nothing."""
        return store.save_tasks(self.ws, store.read_task_file(path), replace=replace)

    def export_file(self, path: str | Path, names: list[str] | None = None, force: bool = False) -> dict:
        from engine.output_paths import check_output_file
        path = check_output_file(path, force, N_("task file"))
        tasks = [self.get(n) for n in names] if names else self.list()
        if not tasks:
            raise UserError(tr("there are no tasks to export"), hint=tr("create or import a task first"))
        store.write_task_file(tasks, path)
        return {"path": str(path), "tasks": [t.name for t in tasks]}

    # -- helpers for editors ------------------------------------------------------
    def preview(self, name: str, row: dict) -> list[dict]:
        """Each step's rendered prompt for one input row; earlier outputs shown as placeholders."""
        task = self.get(name)
        outputs, previews = {}, []
        for step in task.effective_steps():
            prompt = render(step.template, row, outputs, where=f"task {task.name} step {step.name}")
            outputs[step.name] = prompt if step.model is None else f"<{step.name} output>"
            previews.append({"step": step.name, "modality": step.modality, "prompt": prompt,
                             "system": task.step_system(step)})
        return previews

    def check_text(self, name: str, text: str, step: str | None = None) -> list[str]:
        task = self.get(name)
        steps = {s.name: s for s in task.effective_steps()}
        target = steps.get(step or task.checked_step() or "")
        return checks.check(text, task.step_constraints(target) if target else task.constraints)

    # -- runs -------------------------------------------------------------------
    def run(self, name: str, inputs: str | Path, limit: int | None = None, candidates: int = 1,
            batch_size: int = 4, seed: int | None = None, max_retries: int | None = None, nproc: int = 1):
        """Start a batch run (job ``task.run``); the inputs are checked here first for a quick answer."""
        from engine.tasks.inputs import check_columns, read_rows
        from engine.tasks.runner import check_params
        task = self.get(name)
        path = Path(inputs).expanduser().resolve()
        columns, _ = read_rows(path)
        check_columns(path, columns, task.input_variables(), task.name)
        params = {"task": task.name, "inputs": str(path), "limit": limit, "candidates": candidates,
                  "batch_size": batch_size, "seed": seed, "max_retries": max_retries}
        if nproc and nproc > 1:
            params["nproc"] = nproc   # rows split across processes (engine.distributed)
        check_params(self.engine, params)
        return self.engine.jobs.submit("task.run", params, title=f"Run task {task.name}")

    def runs(self, name: str | None = None) -> list[dict]:
        sql = "SELECT * FROM task_runs" + (" WHERE task_name = ?" if name else "") + " ORDER BY created_at DESC"
        rows = []
        for r in self.ws.db().execute(sql, (name,) if name else ()):
            row = dict(r)
            row["state"] = self._effective_state(row)
            row["config"] = json.loads(row["config"])
            row["outputs"] = self.ws.db().execute("SELECT count(*) FROM task_outputs WHERE run_id = ?",
                                                  (row["id"],)).fetchone()[0]
            rows.append(row)
        return rows

    def _effective_state(self, run: dict) -> str:
        """A run left 'running' by a job that is no longer running (killed, failed) says what happened."""
        if run["state"] != "running" or not run.get("job_id"):
            return run["state"]
        job = self.ws.db().execute("SELECT state FROM jobs WHERE id = ?", (run["job_id"],)).fetchone()
        if job is not None and job["state"] in ("running", "queued"):
            return "running"
        state = {"cancelled": "stopped", "failed": "failed"}.get(job["state"] if job else "", "interrupted")
        if not getattr(self.ws, "read_only", False):
            self.ws.db().execute("UPDATE task_runs SET state = ? WHERE id = ? AND state = 'running'",
                                 (state, run["id"]))
        return state

    def evaluate(self, name: str, adapter: str | None = None, against: str | None = None,
                 split: str = "test", limit: int | None = None, report: str | None = None,
                 max_new_tokens: int | None = None, free: bool = False, force: bool = False):
        """Start an evaluation (job ``task.eval``): the base model alone, base vs adapter, or adapter vs ``against``.

        Classify tasks score the labels (``free=True``: let the model generate, answers outside the label set
        count as wrong). Every evaluated system is kept for ``leaderboard``.
        """
        from engine.tasks.evaluate import report_paths
        task = self.get(name)
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise UserError(tr("the example limit must be a whole number >= 1, got {limit!r}", limit=limit), options=("--limit",))
        report_paths(report, force)
        params = {"task": task.name, "adapter": adapter, "against": against, "split": split, "limit": limit,
                  "report": str(report) if report else None, "max_new_tokens": max_new_tokens, "free": free,
                  "force": force}
        return self.engine.jobs.submit("task.eval", params, title=f"Evaluate task {task.name}")

    def train_head(self, name: str, **options):
        """Train a sequence-classification head (LoRA) for a classify task (job ``classify.train_head``)."""
        from engine.tasks.classify_head import HeadConfig
        task = self.get(name)
        if task.classify is None:
            raise UserError(tr("task {name} is not a classify task", name=task.name), hint=tr("give it a classify label set first"))
        params = {"task": task.name, **{k: v for k, v in options.items() if v is not None}}
        HeadConfig(**params).validate()
        return self.engine.jobs.submit("classify.train_head", params, title=f"Train a head for {task.name}")

    def evals(self, name: str, version: int | None = None) -> list[dict]:
        """Every stored evaluation of a task (one row per evaluated system), oldest first."""
        from engine.tasks.evals_store import list_evals
        return list_evals(self.ws, self.get(name).name, version)

    def leaderboard(self, name: str, version: int | None = None, split: str = "test") -> dict:
        """Systems evaluated on one dataset version, with bootstrap intervals and the newest one's verdict."""
        from engine.tasks.evals_store import leaderboard
        return leaderboard(self.engine, name, version, split)

    # -- monitoring ------------------------------------------------------------------
    def run_stats(self, run_id: str) -> dict:
        """One run's throughput, error and pass rates, retries, failures by cause, per rule and step, flags."""
        from engine.tasks.monitor import run_stats
        return run_stats(self.ws, run_id)

    def trends(self, name: str, limit: int | None = None) -> dict:
        """Every run of a task with its stats, the slowest steps, the most-failed rules, flagged runs."""
        from engine.tasks.monitor import task_trends
        return task_trends(self.ws, name, limit)

    def classify(self, name: str, texts: list[dict], adapter: str | None = None) -> list[dict]:
        """Answer a classify task for input rows directly (no run, no review): label, confidence, scores."""
        from engine.tasks.classify import classify_prompts
        task = self.get(name)
        if task.classify is None:
            raise UserError(tr("task {name} is not a classify task", name=task.name), hint=tr("use 'aigc task run' instead"))
        if not task.model:
            raise UserError(tr("task {name} has no model", name=task.name), hint=tr("set the task's model"))
        prompts = [render(task.template, row, {}, where=f"task {task.name} row {i + 1}") for i, row in enumerate(texts)]
        from engine.tasks.calibration import calibrate
        decisions = classify_prompts(self.engine, task.model, adapter or task.adapter, task.classify, prompts,
                                     task.system_prompt or None)
        return calibrate(self.engine, task, task.model, adapter or task.adapter, decisions)
