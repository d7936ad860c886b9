"""Retrain with feedback: a training run on the newest version of a task's dataset.

The run starts from the latest adapter trained on that dataset (or the task's
own adapter) when the training config of the model's kind accepts an
``init_adapter``; otherwise it trains a fresh adapter on the whole new version,
which holds the original examples plus the approved feedback. The returned
job's params say which it was.
"""
from __future__ import annotations

from engine.errors import UserError
from engine.tasks.store import get_task
from engine.i18n import tr


def latest_adapter(engine, dataset: str, kind: str, fallback: str | None, base: str | None = None) -> str | None:
    """The newest adapter of ``base`` whose lineage names ``dataset``, else ``fallback``."""
    base_id = engine.models.get(base).id if base else None
    adapters = [a for a in engine.models.list(kind=kind, role="adapter") if a.lineage.get("dataset") == dataset
                and (base_id is None or a.base_id == base_id)]
    if adapters:
        return max(adapters, key=lambda a: a.created_at).name
    return fallback


def _accepts(kind: str, field_name: str) -> bool:
    if kind == "text":
        from engine.text.config import TrainConfig as Config
    else:
        from engine.image.train_config import ImageTrainConfig as Config
    return field_name in Config.__dataclass_fields__


def retrain_plan(engine, task_name: str, **overrides) -> dict:
    """What a retrain would run: kind, the training config, and the adapter it starts from."""
    task = get_task(engine.workspace, task_name)
    step = next((s for s in task.effective_steps() if s.name == task.dataset_step()), None)
    dataset = task.step_dataset(step) if step is not None else None
    if step is None or not dataset or not step.model:
        raise UserError(tr("task {name} has no model-served step with a dataset to retrain", name=task.name),
                        hint=tr("give the task a model and a dataset"))
    ref = engine.data.version_ref(dataset)
    start = latest_adapter(engine, dataset, step.modality, step.adapter, step.model)
    warm = bool(start) and _accepts(step.modality, "init_adapter")
    output = f"{task.name}-feedback-v{ref['version']}"
    if step.modality == "text":
        config = {"model": step.model, "data": dataset, "data_version": ref["version"], "output_name": output,
                  "system": task.step_system(step) or None}
    else:
        config = {"model": step.model, "data": dataset, "data_version": ref["version"], "output_name": output}
    if warm:
        config["init_adapter"] = start
    config.update({k: v for k, v in overrides.items() if v is not None})
    return {"kind": step.modality, "config": config, "dataset": ref, "latest_adapter": start, "warm_start": warm}


def retrain_with_feedback(engine, task_name: str, **overrides):
    task = get_task(engine.workspace, task_name)
    title = f"Retrain {task_name} with feedback"
    if task.classify is not None and task.classify.method == "sequence-classification":
        version = engine.data.version_ref(task.dataset)["version"] if task.dataset else None
        params = {"task": task.name, "output_name": f"{task.name}-feedback-v{version}"}
        params.update({k: v for k, v in overrides.items() if k in ("max_steps", "learning_rate") and v is not None})
        return engine.jobs.submit("classify.train_head", params, title=title)
    plan = retrain_plan(engine, task_name, **overrides)
    if plan["kind"] == "text":
        return engine.jobs.submit("text.train", {"config": plan["config"]}, title=title)
    return engine.jobs.submit("image.train", plan["config"], title=title)
