"""SIGKILL of the training worker at named points of checkpoint and adapter writing, through ``aigc train``.

The worker process dies as under the out-of-memory killer; the job fails naming SIGKILL and saying to
resume. Afterwards the database is intact, no half-written checkpoint or adapter folder is left, no
adapter is registered, every checkpoint on disk is whole, and ``aigc jobs resume`` ends with the same
catalog as an uninterrupted run. All under ``-m slow`` (a worker start and a training per point).
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reliability.faultkit import after_kill, aigc, comparable, ok, points, snapshot

TRAIN = ["train", "--model", "base", "--data", "ads", "--max-steps", "6", "--batch-size", "4", "--save-every", "2",
         "--learning-rate", "5e-3", "--seed", "3", "--name", "out"]
POINTS = ["checkpoint.write@2", "atomic.replace_dir@1", "adapter.write@1", "checkpoint.write@1",
          "checkpoint.write@3", "atomic.replace_dir@2", "atomic.replace_dir@3", "atomic.replace_dir@4",
          "atomic.write@2", "atomic.write@4"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, tiny_llama_dir):
    import sys
    text = Path(__file__).resolve().parents[1] / "text"
    sys.path.insert(0, str(text))
    from text_tiny import examples, write_jsonl
    folder = tmp_path_factory.mktemp("kill-train")
    data = write_jsonl(folder / "ads.jsonl", examples(40))
    base = folder / "base"
    ok(aigc(base, "models", "import", tiny_llama_dir, "--name", "base"))
    ok(aigc(base, "data", "import", data, "--name", "ads"))
    reference = folder / "reference"
    import shutil
    shutil.copytree(base, reference)
    ok(aigc(reference, *TRAIN))
    return {"base": base, "reference": comparable(snapshot(reference))}


def _last_job(ws: Path) -> tuple[str, str, str]:
    con = sqlite3.connect(ws / "workspace.db")
    try:
        return con.execute("SELECT id, state, error FROM jobs WHERE kind = 'text.train' ORDER BY created_at DESC "
                           "LIMIT 1").fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("point", points(POINTS, quick=0))
def test_training_worker_killed(prepared, tmp_path, point):
    import shutil

    from engine.training import checkpoints as ck
    ws = tmp_path / "ws"
    shutil.copytree(prepared["base"], ws)
    proc = aigc(ws, *TRAIN, fault=point)
    assert proc.returncode != 0
    job_id, job_state, error = _last_job(ws)
    assert job_state == "failed" and "SIGKILL" in (error or ""), f"{point} was never reached: {job_state} {error}"
    assert "resume" in error and "\n" not in error
    state = after_kill(ws, "text.train")
    assert [m[0] for m in state["models"]] == ["base"]                 # no adapter half-registered
    for run in (ws / "runs").iterdir():
        for checkpoint in ck.list_checkpoints(run):
            assert ck.load_state(checkpoint)["step"] == int(checkpoint.name.split("-")[1])
            assert (checkpoint / "adapter" / "adapter_model.safetensors").is_file()
    resumed = ok(aigc(ws, "jobs", "resume", job_id))
    assert json.dumps(resumed)
    final = comparable(snapshot(ws))
    assert [m[:3] for m in final["models"]] == [m[:3] for m in prepared["reference"]["models"]]
    assert final["datasets"] == prepared["reference"]["datasets"]
