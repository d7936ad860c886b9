"""One-off outputs sent to review from the Generation tab (or ``aigc review add``).

They are rows of ``task_outputs`` without a run: the text or the image (copied
into the blob store byte for byte, so its PNG provenance chunks travel with it),
the model and adapter with their manifest hashes, the parameters, the seed and
the prompt. A task is optional; with one, the output is checked against the
task's rules and, once approved, flows back into the task's dataset like any
batch output.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from engine.errors import NotFound, UserError
from engine.review.queue import ReviewItem, get_item, os_user
from engine.i18n import N_, tr

MODALITIES = ("text", "image")
ONEOFF_STEP = "output"


def _model_hash(engine, name: str | None, given: str | None, field: str) -> str | None:
    """The manifest digest of a catalog model; a name the catalog does not know keeps the given hash."""
    if given or not name:
        return given
    try:
        return engine.models.get(name).sha256
    except NotFound:
        raise UserError(tr("field '{field}': no model named '{name}' in the catalog", field=field, name=name),
                        hint=tr("'aigc models list' shows the models; pass its hash instead")) from None


def _step_for(task, modality: str):
    """The task step a one-off output stands for: the dataset step when it has this modality."""
    steps = task.effective_steps()
    wanted = task.dataset_step()
    for step in steps:
        if step.name == wanted and step.modality == modality:
            return step
    for step in steps:
        if step.modality == modality:
            return step
    raise UserError(tr("task {name} has no {modality} step", name=task.name, modality=modality), hint=tr("send it without a task, or pick a task that produces {modality}", modality=modality))


def check_history(history, modality: str) -> list[dict]:
    """A chat's earlier turns as [{"role", "content"}]: user and assistant taking turns, user first."""
    if not history:
        return []
    if modality != "text":
        raise UserError(tr("field 'history': an image output has no conversation"), hint=tr("send the prompt alone"))
    if not isinstance(history, list):
        raise UserError(tr("field 'history': expected a list of chat turns"))
    turns = []
    for index, turn in enumerate(history):
        expected = "user" if index % 2 == 0 else "assistant"
        if not isinstance(turn, dict) or turn.get("role") != expected or not isinstance(turn.get("content"), str):
            raise UserError(tr("field 'history' turn {index}: expected {{\"role\": \"{role}\", \"content\": text}}",
                               index=index + 1, role=expected),
                            hint=tr("earlier turns alternate user and assistant, starting with the user"))
        turns.append({"role": expected, "content": turn["content"]})
    if len(turns) % 2:
        raise UserError(tr("field 'history': the last earlier turn is the user's, without an answer"),
                        hint=tr("earlier turns alternate user and assistant, starting with the user"))
    return turns


def add_output(engine, modality: str, prompt: str, text: str | None = None, image_path: str | None = None,
               model: str | None = None, adapter: str | None = None, params: dict | None = None,
               seed: int | None = None, task: str | None = None, system: str | None = None,
               model_sha256: str | None = None, adapter_sha256: str | None = None,
               history: list[dict] | None = None) -> ReviewItem:
    """Queue one output for review; every check runs before anything is written."""
    from engine.tasks import constraints as checks
    from engine.tasks.store import get_task
    ws = engine.workspace
    if modality not in MODALITIES:
        raise UserError(tr("field 'modality': '{modality}' is not one of {items}", modality=modality, items=', '.join(MODALITIES)))
    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError(tr("field 'prompt': the prompt is empty"), hint=tr("send the prompt that produced the output"))
    source: Path | None = None
    if modality == "text":
        if not isinstance(text, str) or not text.strip():
            raise UserError(tr("field 'text': the output text is empty"), hint=tr("generate something first"))
        if image_path:
            raise UserError(tr("field 'image_path': a text output has no image"), hint=tr("use modality 'image'"))
    else:
        if not image_path:
            raise UserError(tr("field 'image_path': an image output needs its image file"))
        from engine.input_paths import check_input_file
        source = check_input_file(image_path, N_("image file"))
        from PIL import Image, UnidentifiedImageError
        try:
            with Image.open(source) as probe:
                probe.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise UserError(tr("image file {source} is not a readable image ({exc})", source=source, exc=exc)) from None
    try:
        json.dumps(params or {})
    except (TypeError, ValueError) as exc:
        raise UserError(tr("field 'params': not JSON-compatible ({exc})", exc=exc)) from None
    history = check_history(history, modality)
    if seed is not None and not isinstance(seed, int):
        raise UserError(tr("field 'seed': expected a whole number, got {seed!r}", seed=seed))
    model_sha256 = _model_hash(engine, model, model_sha256, "model")
    adapter_sha256 = _model_hash(engine, adapter, adapter_sha256, "adapter")
    task_def = get_task(ws, task) if task else None
    step_name, failures = ONEOFF_STEP, []
    if task_def is not None:
        step = _step_for(task_def, modality)
        step_name = step.name
        if modality == "text":
            failures = checks.check(text, task_def.step_constraints(step))
        system = system if system is not None else (task_def.step_system(step) or None)

    image_sha = stored = None
    if source is not None:
        image_sha = ws.blobs.put_file(source)
        stored = str(ws.blobs.path_for(image_sha))
    user, now = os_user(), time.time()
    record = {
        "run_id": None, "task_name": task_def.name if task_def else None, "row_index": 0, "candidate": 0,
        "step": step_name, "step_index": 0, "modality": modality, "prompt": prompt, "system_prompt": system or None,
        "output_text": text if modality == "text" else None, "image_path": stored, "image_sha256": image_sha,
        "input_row": "{}", "model": model, "model_sha256": model_sha256, "adapter": adapter,
        "adapter_sha256": adapter_sha256, "params": json.dumps(params or {}, ensure_ascii=False),
        "history": json.dumps(history, ensure_ascii=False) if history else None, "seed": seed, "attempts": 1, "failures": json.dumps(failures, ensure_ascii=False),
        "passed": int(not failures), "created_by": user, "created_at": now,
    }
    columns = list(record)
    with ws.transaction() as con:
        cursor = con.execute(f"INSERT INTO task_outputs({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             [record[c] for c in columns])
        item_id = cursor.lastrowid
        con.execute("INSERT INTO review_audit(output_id, action, user, at, comment, before, after) "
                    "VALUES (?, 'add', ?, ?, NULL, NULL, ?)",
                    (item_id, user, now, json.dumps({"status": "pending"})))
    return get_item(ws, item_id)
