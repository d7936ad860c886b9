"""The memory preflight reasons per device: N processes on the CPU share its memory; CUDA needs a GPU each."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine.errors import UserError


def test_cpu_processes_share_memory_and_cuda_needs_a_gpu_per_process(eng, tiny_llama):
    from engine import devices
    from engine.text.config import TrainConfig
    from engine.text.preflight import preflight_training
    from engine.training.memory import HEADROOM
    job = eng.jobs.run("models.import", {"path": str(tiny_llama), "name": "m", "kind": "text", "copy": False})
    assert job.state.value == "succeeded", job.error
    config = TrainConfig(model="m", data="x.jsonl", max_length=64).validate()
    need = preflight_training(eng, config)["total"]
    cpu = replace(devices.detect(), kind="cpu", free_memory=int(need / HEADROOM * 1.5))
    assert preflight_training(eng, config, device=cpu)["fits"]
    with pytest.raises(UserError, match="per process of 2"):
        preflight_training(eng, config, device=cpu, nproc=2)
    gpu = replace(cpu, kind="cuda", free_memory=10 * need)
    with pytest.raises(UserError, match=r"2 processes: this machine has \d+ GPU\(s\)"):
        preflight_training(eng, config, device=gpu, nproc=max(2, devices.gpu_count() + 1))
