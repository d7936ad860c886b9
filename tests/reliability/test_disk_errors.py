"""ENOSPC and EIO raised where the operating system raises them, inside the real writers.

``engine.faults`` makes the write of a blob, a database commit, an export file, a checkpoint
or an adapter fail with the OSError (or SQLite error) a full or failing disk gives. Each time:
the job fails with one line that says what happened and where, the previous file is intact,
and no temporary or partial file is left. ``test_full_volume.py`` does the same on a real full
file system.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine import faults
from reliability.faultkit import leftovers

_DATA = Path(__file__).resolve().parents[1] / "data"
if str(_DATA) not in sys.path:
    sys.path.insert(0, str(_DATA))

ERRORS = {"enospc": "the disk is full", "eio": "the disk reported an input/output error"}


@pytest.fixture
def fault():
    """Set a fault rule for this process; always cleared afterwards."""
    yield faults.configure
    faults.configure("")


def _failed(job, error: str, where: str) -> str:
    assert job.state.value == "failed", job.result
    assert "\n" not in job.error and "Traceback" not in job.error
    assert job.error.startswith(ERRORS[error]), job.error
    assert where in job.error and "nothing was half-written" in job.error, job.error
    return job.error


def _images(folder: Path) -> Path:
    from data_files import png_bytes
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.png").write_bytes(png_bytes((60 * i, 10, 10)))
        (folder / f"p{i}.txt").write_text(f"caption {i}")
    return folder


def _jsonl(path: Path, n: int = 10, tag: str = "") -> Path:
    path.write_text("".join(json.dumps({"instruction": f"q{i}{tag}", "output": f"a{i}{tag}"}) + "\n"
                            for i in range(n)))
    return path


@pytest.mark.parametrize("error", ["enospc", "eio"])
def test_blob_write(inproc, tmp_path, fault, error):
    fault(f"blob.write@2={error}")
    job = inproc.jobs.run("data.import", {"path": str(_images(tmp_path / "img")), "name": "posters"})
    _failed(job, error, str(inproc.workspace.root / "blobs"))
    fault("")
    assert inproc.data.list() == []
    assert list((inproc.workspace.root / "blobs").glob("*.tmp")) == []
    assert inproc.jobs.run("data.import", {"path": str(tmp_path / "img"), "name": "posters"}).state.value == "succeeded"


@pytest.mark.parametrize("error", ["enospc", "eio"])
def test_database_commit(inproc, tmp_path, fault, error):
    first = inproc.jobs.run("data.import", {"path": str(_jsonl(tmp_path / "a.jsonl")), "name": "ads"})
    assert first.state.value == "succeeded"
    before = [(d.name, d.version_hash, d.count) for d in inproc.data.list()]
    fault(f"db.commit={error}")
    job = inproc.jobs.run("data.import", {"path": str(_jsonl(tmp_path / "b.jsonl", tag="b")), "name": "ads",
                                          "append": True})
    _failed(job, error, "the workspace database")
    fault("")
    assert [(d.name, d.version_hash, d.count) for d in inproc.data.list()] == before
    assert inproc.workspace.db().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("error", ["enospc", "eio"])
def test_export_keeps_the_previous_file(inproc, tmp_path, fault, error):
    assert inproc.jobs.run("data.import", {"path": str(_jsonl(tmp_path / "a.jsonl")), "name": "ads"}).state.value \
        == "succeeded"
    out = tmp_path / "out" / "ads.jsonl"
    assert inproc.jobs.wait(inproc.data.export("ads", "alpaca", out).id).state.value == "succeeded"
    previous = out.read_bytes()
    assert inproc.jobs.run("data.import", {"path": str(_jsonl(tmp_path / "b.jsonl", tag="b")), "name": "ads",
                                           "append": True}).state.value == "succeeded"
    fault(f"atomic.write={error}")
    job = inproc.jobs.wait(inproc.data.export("ads", "alpaca", out, force=True).id)
    _failed(job, error, str(out))          # the file the person named, not a temporary name
    assert out.read_bytes() == previous
    assert sorted(p.name for p in out.parent.iterdir()) == ["ads.jsonl"]


@pytest.mark.parametrize("error", ["enospc", "eio"])
def test_bundle_export_leaves_no_file(inproc, tmp_path, fault, error):
    assert inproc.jobs.run("data.import", {"path": str(_jsonl(tmp_path / "a.jsonl")), "name": "ads"}).state.value \
        == "succeeded"
    out = tmp_path / "stick" / "b.zip"
    out.parent.mkdir()
    fault(f"bundle.export.write={error}")
    job = inproc.jobs.wait(inproc.bundles.export(out, datasets=["ads"]).id)
    assert job.state.value == "failed" and "\n" not in job.error
    assert ("is full" in job.error) if error == "enospc" else job.error.startswith(ERRORS[error]), job.error
    assert list(out.parent.iterdir()) == []


TRAIN = dict(model="base", max_steps=6, batch_size=4, save_every=2, learning_rate=5e-3, output_name="out")


@pytest.fixture
def trained_setup(inproc, tiny_llama_dir, text_data):
    assert inproc.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state.value == "succeeded"
    return inproc, text_data


@pytest.mark.parametrize("point,error", [("checkpoint.write@2", "enospc"),
                                         pytest.param("checkpoint.write@3", "eio", marks=pytest.mark.slow),
                                         pytest.param("adapter.write", "enospc", marks=pytest.mark.slow)])
def test_training_writes(trained_setup, fault, point, error):
    from engine.training import checkpoints as ck
    engine, data = trained_setup
    fault(f"{point}={error}")
    job = engine.jobs.run("text.train", {"config": {**TRAIN, "data": str(data)}})
    _failed(job, error, "")
    fault("")
    run = engine.text.runs()[0]
    run_dir = engine.workspace.root / "runs" / run["id"]
    saved = ck.list_checkpoints(run_dir)
    expected = {"checkpoint.write@2": [2], "checkpoint.write@3": [2, 4], "adapter.write": [4, 6]}[point]   # two kept
    assert [int(p.name.split("-")[1]) for p in saved] == expected     # the earlier checkpoints are whole
    for path in saved:
        assert ck.load_state(path)["step"] == int(path.name.split("-")[1])
    assert [p.name for p in (run_dir / "checkpoints").iterdir() if p.name.startswith(".")] == []
    assert [m.name for m in engine.models.list()] == ["base"]          # no adapter half-registered
    assert sorted(p.name for p in (engine.workspace.root / "models").iterdir()) == [engine.models.get("base").id]
    assert leftovers(engine.workspace.root) == []
    resumed = engine.jobs.wait(engine.jobs.resume(job.id).id, timeout=300)   # room again: it finishes
    assert resumed.state.value == "succeeded", resumed.error
    assert engine.models.get("out").lineage["run_id"] == run["id"]
