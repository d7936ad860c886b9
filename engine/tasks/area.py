"""The tasks and review area as the engine sees it: job kinds, the sample installer, the self-test check.

Listed in ``AREA_MODULES``; importing it registers everything and stays cheap (no torch).
"""
from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from engine.errors import UserError
from engine.samples import installer, samples_dir
from engine.selftest import check
from engine.tasks import classify_head, evaluate, runner  # noqa: F401 - registers task.run, task.eval, classify.train_head
from engine.tasks import selftest_check  # noqa: F401,E402 - registers the "classify" self-test check
from engine.tasks import store
from engine.i18n import tr


def sample_inputs_path(task) -> Path | None:
    """A task's sample input file: relative paths are inside the sample folder."""
    if not task.inputs:
        return None
    path = Path(task.inputs)
    return path if path.is_absolute() else samples_dir() / path


def in_language(task):
    """A sample task as a workspace in the current language gets it: ``tasks.<lang>.json`` gives its
    department and the prompts the starter model was trained on in that language (names stay ids)."""
    from engine import i18n
    overlay_path = samples_dir() / f"tasks.{i18n.language()}.json"
    if i18n.language() == "en" or not overlay_path.is_file():
        return task
    import json
    overlay = json.loads(overlay_path.read_text(encoding="utf-8")).get(task.name) or {}
    if overlay.get("department"):
        task.department = overlay["department"]
    if overlay.get("template"):
        task.template = overlay["template"]
    for step in task.steps:
        if step.name in (overlay.get("steps") or {}):
            step.template = overlay["steps"][step.name]
    return task


@installer("tasks")
def install_sample_tasks(engine, ctx) -> dict:
    """Load ``resources/samples/tasks.json``; tasks already in the workspace are left as they are."""
    path = samples_dir() / "tasks.json"
    if not path.is_file():
        return {"added": [], "skipped": [], "note": f"{path} not found"}
    tasks = [in_language(t) for t in store.read_task_file(path)]
    existing = {t.name for t in store.list_tasks(engine.workspace)}
    new = [t for t in tasks if t.name not in existing]
    if new:
        store.save_tasks(engine.workspace, new)
    return {"added": [t.name for t in new], "skipped": sorted(existing & {t.name for t in tasks})}


@check("tasks")
def _tasks_check(engine) -> dict:
    """A two-step template task over three rows, reviewed, exported and read back."""
    task = engine.tasks.create({
        "name": "selftest-task", "template": "Ad for {product}",
        "constraints": {"max_chars": 20, "banned_terms": ["MegaMart"]},
        "steps": [{"name": "copy", "template": "{product}: 好用又实惠"},
                  {"name": "caption", "template": "poster of {steps.copy.output}"}]})
    with tempfile.TemporaryDirectory(prefix="aigc-selftest-tasks-") as folder:
        inputs = Path(folder) / "inputs.csv"
        with open(inputs, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([["product"], ["水杯"], ["MegaMart bag"], ["台灯"]])
        job = engine.jobs.wait(engine.tasks.run(task.name, inputs).id)
        if job.state.value != "succeeded":
            raise UserError(tr("task run failed: {error}", error=job.error))
        items = engine.review.list(task=task.name, step="copy")
        failed = [i.row_index for i in items if not i.passed]
        if len(items) != 3 or failed != [1]:
            raise UserError(tr("expected 3 copy outputs with row 1 failing its constraints, got {count} / {failed}", count=len(items), failed=failed))
        engine.review.approve(items[0].id)
        engine.review.edit(items[2].id, "台灯: 护眼又明亮")
        out = Path(folder) / "approved.csv"
        engine.review.export(out, task=task.name)
        with open(out, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if [r["output"] for r in rows] != ["水杯: 好用又实惠", "台灯: 护眼又明亮"] or rows[0]["product"] != "水杯":
            raise UserError(tr("the export does not hold exactly the approved outputs: {rows}", rows=rows))
    return {"run": job.result["run_id"], "outputs": job.result["outputs"]}
