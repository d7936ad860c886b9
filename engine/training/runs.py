"""Training runs: one row in ``runs`` and one folder under ``runs/<id>/`` per run.

A run outlives the job that started it: a cancelled or killed job leaves the run
and its checkpoints behind, and a resumed job picks the same run up again. The
folder holds ``config.json`` (the typed config the run was started with),
``checkpoints/step-NNNNNN/`` and whatever the trainer produces (``final/``).
Model-agnostic: text and image training both use it.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from engine import atomic
from engine.errors import NotFound
from engine.i18n import tr

RUN_STATES = ("created", "running", "cancelled", "failed", "interrupted", "succeeded")
_JSON_FIELDS = ("config", "result")
_FIELDS = ("state", "job_id", "model_id", "step", "total_steps", "best_metric", "config", "result")


def _workspace(engine):
    return getattr(engine, "workspace", engine)


_SELECT = "SELECT runs.*, jobs.state AS job_state FROM runs LEFT JOIN jobs ON jobs.id = runs.job_id"


def _row_to_dict(row) -> dict:
    data = dict(row)
    for key in _JSON_FIELDS:
        data[key] = json.loads(data[key] or "{}")
    data["name"] = _read_name(data["dir"])
    # a run whose job died with the process (SIGKILL, power cut) still says "running"
    if data["state"] in ("created", "running") and data.get("job_state") in ("interrupted", "failed", "cancelled"):
        data["state"] = "interrupted"
    return data


def create_run(engine, kind: str, config: dict, job_id: str | None = None) -> dict:
    """Make a new run (row + folder with config.json); returns the run dict incl. ``id`` and ``dir``."""
    ws = _workspace(engine)
    run_id = time.strftime("run-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    run_dir = ws.folder("runs", run_id)
    atomic.write_json(run_dir / "config.json", config)
    now = time.time()
    ws.db().execute(
        "INSERT INTO runs(id, kind, state, dir, config, job_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
        (run_id, kind, "created", str(run_dir), json.dumps(config, ensure_ascii=False, default=str), job_id, now, now))
    return get_run(engine, run_id)


def get_run(engine, run_id: str) -> dict:
    """A run by id or unique id prefix; ``dir`` is a string path."""
    con = _workspace(engine).db()
    row = con.execute(f"{_SELECT} WHERE runs.id = ?", (run_id,)).fetchone()
    if row is None:
        rows = con.execute(f"{_SELECT} WHERE runs.id LIKE ? ORDER BY runs.created_at DESC", (run_id + "%",)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        raise NotFound(tr("no training run '{run_id}'", run_id=run_id), hint=tr("the list of training runs shows them"))
    return _row_to_dict(row)


def list_runs(engine, kind: str | None = None) -> list[dict]:
    sql, args = _SELECT, []
    if kind:
        sql += " WHERE runs.kind = ?"
        args.append(kind)
    sql += " ORDER BY runs.created_at DESC"
    return [_row_to_dict(r) for r in _workspace(engine).db().execute(sql, args)]


def update_run(engine, run_id: str, **fields) -> dict:
    """Set some of: state, job_id, model_id, step, total_steps, best_metric, config, result."""
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValueError(f"unknown run fields: {sorted(unknown)}")
    if "state" in fields and fields["state"] not in RUN_STATES:
        raise ValueError(f"unknown run state {fields['state']!r}")
    sets, values = ["updated_at = ?"], [time.time()]
    for key, value in fields.items():
        if key in _JSON_FIELDS:
            value = json.dumps(value, ensure_ascii=False, default=str)
        sets.append(f"{key} = ?")
        values.append(value)
    values.append(run_id)
    _workspace(engine).db().execute(f"UPDATE runs SET {', '.join(sets)} WHERE id = ?", values)
    if "config" in fields:
        atomic.write_json(Path(get_run(engine, run_id)["dir"]) / "config.json", fields["config"])
    return get_run(engine, run_id)


def delete_run(engine, run_id: str) -> None:
    """Forget a run and its folder (a run that failed before its first step leaves nothing behind)."""
    import shutil
    run = get_run(engine, run_id)
    _workspace(engine).db().execute("DELETE FROM runs WHERE id = ?", (run["id"],))
    shutil.rmtree(run["dir"], ignore_errors=True)


NAME_FILE = "name.json"   # the name a person gave the run (the id stays the run's key)


def _read_name(folder: str) -> str | None:
    try:
        value = json.loads((Path(folder) / NAME_FILE).read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def rename_run(engine, run_id: str, name: str | None) -> dict:
    """Give a run a name shown instead of its id (unique ignoring case); an empty name clears it."""
    from engine.names import check_new_name
    run = get_run(engine, run_id)
    path = Path(run["dir"]) / NAME_FILE
    if not (name or "").strip():
        if path.exists():
            path.unlink()
        return get_run(engine, run["id"])
    others = [r["name"] for r in list_runs(engine) if r["name"] and r["id"] != run["id"]]
    name = check_new_name(name, others, "run")
    atomic.write_json(path, {"name": name})
    return get_run(engine, run["id"])


def remove_run(engine, run_id: str) -> dict:
    """Delete a run and its folder (checkpoints, logs) at a person's request: refused while it trains. The
    adapter it produced stays in Models."""
    from engine.errors import UserError
    run = get_run(engine, run_id)
    if run.get("job_state") in ("queued", "running"):
        raise UserError(f"run {run['name'] or run['id']} is training (job {run['job_id']})",
                        hint="stop the run first, then delete it")
    delete_run(engine, run["id"])
    return run


def run_dir(engine, run_id: str) -> Path:
    return Path(get_run(engine, run_id)["dir"])
