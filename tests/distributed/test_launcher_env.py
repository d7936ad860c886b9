"""torchrun settings a cluster job or a shell profile leaves in the environment do not reach a run on this machine."""
from __future__ import annotations

from conftest import aigc
from rank_diagnostics import describe
from test_rank_failure import _ended, _wait_for


def test_torchrun_settings_in_the_environment_do_not_change_a_local_run(capsys, tmp_path, tiny_llama, ads,
                                                                         monkeypatch):
    from engine.api import Engine
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    monkeypatch.setenv("PET_NNODES", "2")       # torchrun would wait for a second machine
    monkeypatch.setenv("PET_NO_PYTHON", "1")    # torchrun would refuse to run a module
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "outer-job")
    eng = Engine.open(ws)
    try:
        config = {"model": "m", "data": str(ads), "max_steps": 2, "batch_size": 2, "save_every": 100,
                  "eval_every": 100, "val_fraction": 0}
        job = eng.jobs.submit("text.train", {"config": config, "nproc": 2})
        job = _wait_for(lambda: _ended(eng, job.id), why=lambda: describe(ws, eng, job.id))
        assert job.state.value == "succeeded", describe(ws, eng, job.id)
        assert job.result["world_size"] == 2 and job.result["steps"] == 2
    finally:
        eng.close()
