"""The feedback loop: approved outputs (edits as the target) become new dataset examples.

Each step's outputs flow to that step's dataset (the task's dataset for its
checked step). Examples are added through ``engine.data.add_examples`` as one
new version per dataset, deduplicated against what is already there. Items
that were fed back remember the dataset version, so asking twice adds nothing.
"""
from __future__ import annotations

import json

from engine.errors import UserError
from engine.review.queue import ReviewItem, list_items
from engine.tasks.store import get_task
from engine.i18n import tr


def example_for(item: ReviewItem) -> dict:
    """The dataset example an approved output teaches: the prompt it answered and the accepted result; a chat
    answer, the whole conversation as a ``messages`` example."""
    if item.modality == "image":
        return {"image_path": item.image_path, "caption": item.prompt}
    if item.history:
        return {"system": item.system_prompt or "", "messages": item.messages()}
    return {"system": item.system_prompt or "", "instruction": item.prompt, "input": "", "output": item.final_text}


def collect(workspace, task_name: str, include_fed_back: bool = False) -> dict[str, list[ReviewItem]]:
    """Approved items of a task grouped by the dataset they flow to."""
    task = get_task(workspace, task_name)
    steps = {s.name: s for s in task.effective_steps()}
    groups: dict[str, list[ReviewItem]] = {}
    for item in list_items(workspace, task=task.name, status="approved"):
        if item.fed_back and not include_fed_back:
            continue
        step = steps.get(item.step)
        dataset = task.step_dataset(step) if step is not None else None
        if dataset:
            groups.setdefault(dataset, []).append(item)
    return groups


def feed_back(engine, task_name: str) -> dict:
    """Add every approved, not yet fed back output of a task to its dataset(s) as a new version."""
    task = get_task(engine.workspace, task_name)
    groups = collect(engine.workspace, task.name)
    if not groups:
        raise UserError(tr("task {name} has no approved outputs waiting to be fed back", name=task.name),
                        hint="approve or edit outputs in the review queue first"
                        if task.dataset or any(s.dataset for s in task.steps)
                        else "give the task a dataset first")
    results = []
    for dataset, items in groups.items():
        modality = items[0].modality
        examples = [example_for(i) for i in items]
        added = engine.data.add_examples(
            dataset, examples, message=f"feedback from task {task.name}: {len(items)} approved output(s)",
            dedupe=True, modality=modality)
        marker = json.dumps({"dataset": dataset, "version": added["version"]})
        with engine.workspace.transaction() as con:
            con.executemany("UPDATE task_outputs SET fed_back = ? WHERE id = ?", [(marker, i.id) for i in items])
        results.append({"dataset": dataset, "version": added["version"], "added": added["added"],
                        "skipped": added["skipped"], "items": [i.id for i in items]})
    return {"task": task.name, "datasets": results}
