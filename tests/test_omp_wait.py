"""``import engine`` makes torch's OpenMP threads sleep while they wait (GOMP_SPINCOUNT 0), unless the
user chose a policy: spinning threads on a shared machine burn the CPU share their partners need."""
from __future__ import annotations

import os
import subprocess
import sys

CODE = "import engine, torch; from engine import omp_wait; torch.ones(64).sum(); print(omp_wait.set_here)"


def _run(extra: dict) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env.update(OMP_DISPLAY_ENV="VERBOSE", **extra)     # libgomp prints its settings when it starts
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=120,
                          check=True)
    return proc.stdout.strip().splitlines()[-1], proc.stderr


def test_torch_threads_loaded_after_import_engine_sleep_while_waiting():
    set_here, display = _run({})
    assert set_here == "True"
    assert "GOMP_SPINCOUNT = '0'" in display, display[-2000:]


def test_a_policy_the_user_set_stays():
    set_here, display = _run({"OMP_WAIT_POLICY": "ACTIVE"})
    assert set_here == "False"
    assert "OMP_WAIT_POLICY = 'ACTIVE'" in display and "GOMP_SPINCOUNT = '0'" not in display, display[-2000:]
    set_here, display = _run({"GOMP_SPINCOUNT": "1000"})
    assert set_here == "False" and "GOMP_SPINCOUNT = '1000'" in display, display[-2000:]
