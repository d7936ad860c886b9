"""One import attempt with the promises every importer keeps, whatever the file holds."""
from __future__ import annotations

import itertools
from pathlib import Path

from reliability.faultkit import leftovers

_names = itertools.count(1)
TABLES = ("datasets", "records", "members", "dataset_versions", "member_tags")
tally = {"refused": 0, "imported": 0}


def counts(engine) -> tuple:
    con = engine.workspace.db()
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)


def attempt(engine, path: Path, named: str | list | None = None, **params):
    """Import ``path``: it succeeds whole, or fails with one line that names the file and writes nothing."""
    before = counts(engine)
    name = f"fuzz-{next(_names)}"
    job = engine.jobs.run("data.import", {"path": str(path), "name": name, **params})
    assert leftovers(engine.workspace.root) == []
    if job.state.value == "succeeded":
        tally["imported"] += 1
        info = next(d for d in engine.data.list() if d.name == name)
        assert info.count == job.result["count"] and job.result["imported"] > 0
        return job
    tally["refused"] += 1
    assert job.state.value == "failed", job.state
    error = job.error or ""
    assert "\n" not in error and "Traceback" not in error, error
    assert "details in the job log" not in error and "this is a defect" not in error, f"unhandled: {error}"
    places = [path.name, path.stem] if named is None else [named] if isinstance(named, str) else named
    assert any(place in error for place in places), f"the file is not named: {error}"
    assert counts(engine) == before, f"a refused import wrote rows: {error}"
    return job
