"""Runs can be named and deleted by a person: names unique ignoring case, a training run never deleted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import UserError
from engine.jobs import job_kind
from engine.training.runs import create_run, get_run, list_runs, remove_run, rename_run


@job_kind("test.hold", title="Hold")
def _hold(ctx):
    import time
    while not ctx.cancelled():
        time.sleep(0.02)
    ctx.check_cancelled()


def test_rename_shows_everywhere_and_refuses_a_taken_name(eng):
    first = create_run(eng, "text", {"model": "m", "data": "d"})
    second = create_run(eng, "text", {"model": "m", "data": "d"})
    assert get_run(eng, first["id"])["name"] is None
    assert rename_run(eng, first["id"], "Ads, small LR")["name"] == "Ads, small LR"
    assert {r["id"]: r["name"] for r in list_runs(eng)}[first["id"]] == "Ads, small LR"
    with pytest.raises(UserError, match="a run named 'Ads, small LR' already exists"):
        rename_run(eng, second["id"], "ads, SMALL lr")
    with pytest.raises(UserError, match="run name"):
        rename_run(eng, second["id"], "a/b")
    assert rename_run(eng, first["id"], "Ads, small LR")["name"] == "Ads, small LR"   # its own name again
    assert rename_run(eng, first["id"], "")["name"] is None


def test_delete_removes_the_folder_but_never_a_training_run(eng):
    done = create_run(eng, "text", {"model": "m", "data": "d"})
    folder = Path(done["dir"])
    (folder / "checkpoints").mkdir()
    remove_run(eng, done["id"])
    assert not folder.exists() and all(r["id"] != done["id"] for r in list_runs(eng))

    job = eng.jobs.submit("test.hold", {})
    busy = create_run(eng, "text", {"model": "m", "data": "d"}, job_id=job.id)
    try:
        import time
        deadline = time.time() + 30
        while eng.jobs.get(job.id).state.value != "running" and time.time() < deadline:
            time.sleep(0.05)
        with pytest.raises(UserError, match="is training") as error:
            remove_run(eng, busy["id"])
        assert error.value.hint == "stop the run first, then delete it"
        assert Path(busy["dir"]).is_dir()
    finally:
        eng.jobs.cancel(job.id)
        eng.jobs.wait(job.id, timeout=30)
    remove_run(eng, busy["id"])
    assert not Path(busy["dir"]).exists()


def test_cli_rename_and_delete(tmp_path):
    def aigc(*args):
        result = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(tmp_path / "ws"), "--json", *args],
                                capture_output=True, text=True, timeout=300)
        return result.returncode, json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None
    from engine.api import Engine
    with Engine.open(tmp_path / "ws") as engine:
        run = create_run(engine, "image", {"model": "m", "data": "d"})
    assert aigc("runs", "rename", run["id"][:-2], "poster style v1") == (0, {"run": run["id"],
                                                                          "name": "poster style v1"})
    code, out = aigc("runs", "delete", run["id"])
    assert code == 0 and out["deleted"] is True and not Path(run["dir"]).exists()
    code, _ = aigc("runs", "delete", run["id"])
    assert code != 0
