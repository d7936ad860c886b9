"""Thread count and priority: every core for the CLI and workers, one spare in the window's process."""
from __future__ import annotations

import os
import subprocess
import sys

from engine import devices


def test_cli_uses_every_core_and_the_window_leaves_one(monkeypatch):
    monkeypatch.delenv("AIGC_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    try:
        devices.set_interactive(False)
        assert devices.cpu_threads() == 4
        devices.set_interactive(True)
        assert devices.cpu_threads() == 3
        monkeypatch.setenv("AIGC_THREADS", "2")
        assert devices.cpu_threads() == 2
    finally:
        devices.set_interactive(False)


def test_background_worker_runs_below_normal_priority():
    code = ("import os; from engine import devices; before = os.nice(0); devices.become_background_worker(); "
            "print(before, os.nice(0), devices.cpu_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "AIGC_THREADS": ""}).stdout.split()
    before, after, threads = map(int, out)
    assert after > before
    assert threads == (os.cpu_count() or 1)


def _spinners(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def test_programs_started_a_moment_ago_leave_fewer_idle_cores_at_once(monkeypatch):
    """llama.cpp's spinning threads must not be more than the idle cores; the one-minute load average
    would only notice these programs a minute later."""
    import time
    from engine.deploy.fast_generate import llama_threads
    monkeypatch.delenv("AIGC_THREADS", raising=False)
    cores = os.cpu_count() or 1
    busy = _spinners(cores)
    try:
        time.sleep(0.3)
        assert devices.idle_cores() < 1.0          # every core has a spinning program on it
        assert llama_threads() == 1
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert 0.0 <= devices.idle_cores() <= cores
