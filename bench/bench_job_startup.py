"""What does running a job in a worker process cost?

    .venv/bin/python bench/bench_job_startup.py [--repeat 5]

Times submit-to-finished for a job that does nothing, on the runner's thread and in a
worker process: the first isolated job pays for starting the worker (a fresh interpreter
that imports the engine and attaches to the workspace), later ones reuse it. A second kind
imports torch, which the first isolated job of a program pays for wherever it runs.
Prints JSON (milliseconds; medians over ``--repeat`` fresh engines), with the process CPU
time beside the wall clock because a busy machine inflates the latter.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


from engine.jobs import job_kind  # noqa: E402 - after the path setup


@job_kind("bench.noop", title="Nothing", isolated=True)
def noop(ctx):
    ctx.report(1.0, "done")
    return {"pid": os.getpid()}


@job_kind("bench.torch", title="Import torch", isolated=True)
def uses_torch(ctx):
    import torch
    return {"pid": os.getpid(), "torch": torch.__version__}


def timed_run(eng, kind: str) -> float:
    started = time.perf_counter()
    job = eng.jobs.run(kind)
    assert job.state.value == "succeeded", job.error
    return (time.perf_counter() - started) * 1000


def measure(isolate: bool, repeat: int) -> dict:
    from engine.api import Engine
    first, warm, first_torch = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="aigc-bench-") as folder:
            with Engine.open(Path(folder) / "ws", isolate=isolate, workers=1) as eng:
                first.append(timed_run(eng, "bench.noop"))
                warm.extend(timed_run(eng, "bench.noop") for _ in range(5))
            with Engine.open(Path(folder) / "ws2", isolate=isolate, workers=1) as eng:
                first_torch.append(timed_run(eng, "bench.torch"))
    return {"first_job_ms": round(statistics.median(first), 1), "warm_job_ms": round(statistics.median(warm), 1),
            "first_torch_job_ms": round(statistics.median(first_torch), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import engine  # noqa: F401
    # the kinds must be registered from an importable module for a worker to find them, not __main__
    import bench_job_startup
    cpu = time.process_time()
    isolated = bench_job_startup.measure(True, args.repeat)
    isolated_cpu = time.process_time() - cpu
    # on a thread, torch is imported once per program: each in-process sample is a fresh program
    import subprocess
    samples = [json.loads(subprocess.run([sys.executable, __file__, "--inprocess-only"], capture_output=True,
                                         text=True, check=True).stdout) for _ in range(args.repeat)]
    inprocess = {key: round(statistics.median(s[key] for s in samples), 1) for key in samples[0]}
    print(json.dumps({"in_worker": isolated, "on_thread": inprocess, "owner_cpu_s_isolated": round(isolated_cpu, 2),
                      "cpu_cores": os.cpu_count(), "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inprocess-only"]:
        import engine  # noqa: F401
        import bench_job_startup
        print(json.dumps(bench_job_startup.measure(False, 1)))
        sys.exit(0)
    sys.exit(main())
