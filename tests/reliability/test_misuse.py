"""Careless use: a second process writing to an open workspace, a training started or resumed twice,
a model removed while a job uses it, a cancel arriving while a checkpoint is saved.

(Closing the window with jobs running: tests/gui/test_shell.py; read-only commands beside the owner
and a task run killed mid-way: tests/contract/test_reproducers.py.)
"""
from __future__ import annotations

import threading

import pytest

from engine.errors import UserError
from reliability.faultkit import aigc

TRAIN = dict(model="base", max_steps=6, batch_size=4, save_every=2, learning_rate=5e-3, output_name="out")


def test_a_second_process_cannot_write_to_an_open_workspace(eng, workspace_dir, text_data):
    proc = aigc(workspace_dir, "data", "import", text_data, "--name", "ads")
    assert proc.returncode != 0
    error = proc.stderr.strip()
    assert error.startswith("error:") and "\n" not in error and "Traceback" not in error, error
    assert "workspace" in error and ("in use" in error or "open" in error or "pid" in error), error
    assert eng.data.list() == []
    assert eng.jobs.list() == []          # the other process did not even record a job here


@pytest.fixture
def held(inproc, tiny_llama_dir, text_data):
    """A training that stays running (its first loss event waits) until the test lets it go."""
    assert inproc.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state.value == "succeeded"
    reached, release = threading.Event(), threading.Event()

    def hold(event):
        if event.type == "metric" and event.data.get("name") == "loss":
            reached.set()
            release.wait(120)
    unsubscribe = inproc.jobs.subscribe(hold)
    params = {"config": {**TRAIN, "data": str(text_data)}}
    job = inproc.jobs.submit("text.train", params)
    assert reached.wait(180), "the training never started"
    yield inproc, job, params
    release.set()
    unsubscribe()
    inproc.jobs.wait(job.id, timeout=300)


def test_the_same_training_started_twice_is_refused(held):
    engine, job, params = held
    before = len(engine.jobs.list())
    with pytest.raises(UserError, match=f"job {job.id} (with the same settings|is already training)"):
        engine.jobs.submit("text.train", params)                      # a double click on Start
    with pytest.raises(UserError, match="is already training a model of that name"):
        engine.jobs.submit("text.train", {"config": {**params["config"], "learning_rate": 1e-3}})
    assert len(engine.jobs.list()) == before          # no row for either refusal


def test_a_model_a_running_job_uses_cannot_be_removed(held):
    engine, job, _ = held
    with pytest.raises(UserError, match=f"model 'base' is in use by job {job.id}"):
        engine.models.remove("base")
    assert engine.models.get("base").name == "base"
    assert engine.models.verify("base", deep=False)["ok"]


def test_resuming_twice_starts_one_job(inproc, tiny_llama_dir, text_data):
    assert inproc.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state.value == "succeeded"
    cancel_at_2 = inproc.jobs.subscribe(
        lambda e: e.type == "metric" and e.data.get("name") == "loss" and e.data.get("step") == 3
        and inproc.jobs.cancel(e.job_id))
    first = inproc.jobs.run("text.train", {"config": {**TRAIN, "data": str(text_data)}})
    cancel_at_2()
    assert first.state.value == "cancelled"
    reached, release = threading.Event(), threading.Event()

    def hold(event):
        if event.type == "metric" and event.data.get("name") == "loss":
            reached.set()
            release.wait(120)
    unsubscribe = inproc.jobs.subscribe(hold)
    again = inproc.jobs.resume(first.id)
    assert reached.wait(180)
    with pytest.raises(UserError, match=f"job {again.id} (with the same settings|is already training)"):
        inproc.jobs.resume(first.id)                   # a double click on Resume
    release.set()
    unsubscribe()
    assert inproc.jobs.wait(again.id, timeout=300).state.value == "succeeded"


def test_cancel_arriving_while_a_checkpoint_is_saved(inproc, tiny_llama_dir, text_data):
    """The cancel lands at the step that saves: the checkpoint is whole, the job is cancelled, resume finishes."""
    from engine.training import checkpoints as ck
    assert inproc.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state.value == "succeeded"
    unsubscribe = inproc.jobs.subscribe(
        lambda e: e.type == "metric" and e.data.get("name") == "loss" and e.data.get("step") == 4
        and inproc.jobs.cancel(e.job_id))
    job = inproc.jobs.run("text.train", {"config": {**TRAIN, "data": str(text_data)}})
    unsubscribe()
    assert job.state.value == "cancelled", job.error
    run = inproc.text.runs()[0]
    run_dir = inproc.workspace.root / "runs" / run["id"]
    saved = ck.list_checkpoints(run_dir)
    assert saved and all(ck.load_state(p)["step"] == int(p.name.split("-")[1]) for p in saved)
    assert [p.name for p in (run_dir / "checkpoints").iterdir() if p.name.startswith(".")] == []
    assert [m.name for m in inproc.models.list()] == ["base"]
    resumed = inproc.jobs.wait(inproc.jobs.resume(job.id).id, timeout=300)
    assert resumed.state.value == "succeeded", resumed.error
    assert inproc.models.get("out").lineage["run_id"] == run["id"]
