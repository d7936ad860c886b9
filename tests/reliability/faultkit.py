"""Run the real command line in a child process with a fault rule, then inspect what it left.

``aigc`` runs through ``engine.offline.python_command`` with ``AIGC_FAULT_AT`` set
(``engine/faults.py``), so the product's own writers are killed or fail at the named point.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

from engine.offline import child_env, python_command

KILLED = -signal.SIGKILL


def aigc(workspace: Path, *args: str, fault: str | None = None, timeout: float = 180,
         extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = child_env()
    env.pop("AIGC_FAULT_AT", None)
    env.update({"AIGC_DEVICE": "cpu", "AIGC_JOB_KILL_GRACE": "2", **(extra_env or {})})
    if fault:
        env["AIGC_FAULT_AT"] = fault
    return subprocess.run(python_command(["-m", "engine", "--workspace", str(workspace), "--json", *map(str, args)]),
                          env=env, capture_output=True, text=True, timeout=timeout)


def ok(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def integrity(workspace: Path) -> str:
    con = sqlite3.connect(workspace / "workspace.db")
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def leftovers(workspace: Path) -> list[str]:
    """Temporary files and folders anywhere in the workspace (there must be none once it is opened)."""
    found = [p for p in (workspace / "tmp").iterdir()] if (workspace / "tmp").is_dir() else []
    for path in workspace.rglob("*"):
        name = path.name
        if name.endswith(".tmp") or name.startswith(".tmp-") or name.endswith(".old") or name == ".best-tmp":
            found.append(path)
    return sorted(str(p.relative_to(workspace)) for p in set(found))


def snapshot(workspace: Path) -> dict:
    """What a finished operation leaves, independent of ids and times: compared with an uninterrupted run."""
    from engine.api import Engine
    engine = Engine.open(workspace, isolate=False)
    try:
        con = engine.workspace.db()
        models = []
        for m in engine.models.list():
            check = engine.models.verify(m.name, deep=False)
            assert check["ok"], check          # nothing registered with missing or changed files
            models.append((m.name, m.kind, m.role, m.sha256))
        folders = sorted(p.name for p in (workspace / "models").iterdir())
        assert sorted(m.id for m in engine.models.list()) == folders, "a model folder without its row, or the reverse"
        datasets = sorted((d.name, d.version_hash, d.count) for d in engine.data.list())
        tasks = sorted(t.name for t in engine.tasks.list())
        blobs = sorted(p.name for p in (workspace / "blobs").rglob("*") if p.is_file())
        used = {r[0] for r in con.execute("SELECT DISTINCT json_extract(fields, '$.image') FROM records "
                                          "WHERE json_extract(fields, '$.image') IS NOT NULL")} \
            if _has_column(con, "records", "fields") else set()
        return {"models": sorted(models), "datasets": datasets, "tasks": tasks, "blobs": blobs,
                "images": sorted(used), "recovered": engine.workspace.recovered}
    finally:
        engine.close()


def _has_column(con, table: str, column: str) -> bool:
    return any(r[1] == column for r in con.execute(f"PRAGMA table_info({table})"))


def after_kill(workspace: Path, kind: str) -> dict:
    """Open the workspace as the next run of the program would; check it and the killed job."""
    state = snapshot(workspace)     # opening marks the job, tidies leftovers, checks models
    assert integrity(workspace) == "ok"
    assert leftovers(workspace) == [], leftovers(workspace)
    con = sqlite3.connect(workspace / "workspace.db")
    try:
        row = con.execute("SELECT state, message, error FROM jobs WHERE kind = ? ORDER BY created_at DESC LIMIT 1",
                          (kind,)).fetchone()
    finally:
        con.close()
    assert row is not None, f"no {kind} job recorded"
    assert row[0] in ("interrupted", "failed"), row
    assert (row[1] or row[2]), "the job says nothing about why it stopped"
    return state


def comparable(state: dict) -> dict:
    return {k: v for k, v in state.items() if k != "recovered"}


def env_with(**values) -> dict:
    return {**os.environ, **values}


def points(names: list[str], quick: int = 2) -> list:
    """The first ``quick`` points run with the quick suite, the rest under ``-m slow``."""
    import pytest
    return [name if index < quick else pytest.param(name, marks=pytest.mark.slow)
            for index, name in enumerate(names)]
