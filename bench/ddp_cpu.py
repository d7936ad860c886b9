"""``python -m bench.ddp_cpu``: steps per second of a tiny LoRA run, 2 gloo processes vs 1, same effective batch.

Each setting trains twice (SHORT and LONG steps) and the difference removes the start-up (loading,
torchrun, process group): steps/s = (LONG - SHORT) / (time LONG - time SHORT). CPU seconds per step
(every process of the job, reaped children) are reported too: on a machine shared with other work
they say more than the wall clock. On a CPU the two
processes share the same cores as the one process would, so this measures the overhead of DDP
(gradient all-reduce over gloo, two model copies), not a speed-up.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests" / "text"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

SHORT, LONG = 5, 65


def main() -> None:
    os.environ.setdefault("AIGC_DEVICE", "cpu")
    import engine  # noqa: F401
    from engine.cli import main as aigc
    from text_tiny import build_model, examples, make_tokenizer, write_jsonl
    work = Path(tempfile.mkdtemp(prefix="bench-ddp-"))
    model = build_model("llama", work / "llama", make_tokenizer())
    data = write_jsonl(work / "ads.jsonl", examples(64))
    ws = work / "ws"
    assert aigc(["--workspace", str(ws), "models", "import", str(model), "--name", "m"]) == 0
    results = {}
    # one process with every core, one process with one thread (what each rank gets), two processes
    for nproc, accum, threads in ((1, 2, None), (1, 2, "1"), (2, 1, None)):
        if threads:
            os.environ["AIGC_THREADS"] = threads
        else:
            os.environ.pop("AIGC_THREADS", None)
        times, cpu = {}, {}
        for steps in (SHORT, LONG):
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            code = aigc(["--workspace", str(ws), "--json", "train", "--model", "m", "--data", str(data),
                         "--max-steps", str(steps), "--batch-size", "4", "--grad-accum", str(accum),
                         "--nproc", str(nproc), "--val-fraction", "0", "--eval-every", "1000",
                         "--save-every", "1000", "--name", f"b{nproc}-{threads}-{steps}"])
            assert code == 0
            times[steps] = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[steps] = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
        results[f"nproc={nproc} accum={accum} threads={threads or 'all'}"] = {
            "steps_per_second": round((LONG - SHORT) / (times[LONG] - times[SHORT]), 2),
            "startup_seconds": round(times[SHORT] - SHORT * (times[LONG] - times[SHORT]) / (LONG - SHORT), 1),
            "cpu_seconds_per_step": round((cpu[LONG] - cpu[SHORT]) / (LONG - SHORT), 3),
            "load_average": round(os.getloadavg()[0], 1)}
    print(json.dumps({"cores": os.cpu_count(), "effective_batch": 8, "results": results}))


if __name__ == "__main__":
    main()
