"""One rank of a multi-process job, started by ``torchrun``:

    python -m engine.distributed.rank_main ENTRY EXCHANGE_FOLDER

``EXCHANGE_FOLDER/spec.json`` names the workspace, the job and its params. Every way out is written
down as an event (result, done, cancelled, error, stopped), so the job can tell a rank that died
without a word (killed) from one that failed or was stopped by the launcher.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path

import engine  # noqa: F401 - the network guard, before any model library


def _train(ctx) -> dict:
    from engine.text.setup import resolve_run
    from engine.text.trainer import train_run
    config, run, rows, _ = resolve_run(ctx)
    return train_run(ctx, config, run, rows, resumed=True)


def _task(ctx) -> dict:
    from engine.tasks.rank_run import run_rank
    return run_rank(ctx)


ENTRIES = {"train": _train, "task": _task}


def main(argv: list[str]) -> int:
    from engine.distributed.rank_context import RankContext
    from engine.distributed.ranks import Ranks, die_with_parent
    from engine.errors import Cancelled, UserError
    die_with_parent()
    entry, folder = argv[0], Path(argv[1])
    ranks = Ranks.from_env()
    spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
    threads = os.environ.get("OMP_NUM_THREADS")
    from engine.api import Engine
    eng = Engine.attach(spec["root"])
    ctx = RankContext(eng, folder, spec["job_id"], spec["params"], ranks)

    def stopped(signum, frame):   # the launcher stops the other ranks when one fails
        ctx.emit("stopped", signal=signum)
        os._exit(128 + signum)
    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the job, which cancels
    ctx.emit("started", pid=os.getpid())
    code = 0
    try:
        import torch
        if threads and threads.isdigit():
            torch.set_num_threads(int(threads))
        ranks.start()
        ctx.emit("joined", backend=ranks.backend)   # past the rendezvous: a wait after this is the work's
        result = ENTRIES[entry](ctx)
        if ranks.main:
            ctx.emit("result", result=result)
        ctx.emit("done")
    except Cancelled:
        ctx.emit("cancelled")
    except UserError as exc:
        ctx.emit("error", message=exc.message, hint=exc.hint, user=True)
        code = 1
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the job
        ctx.emit("error", message=f"{type(exc).__name__}: {exc}".splitlines()[0][:300], user=False,
                 details=traceback.format_exc())
        code = 1
    finally:
        ctx.close()
        try:
            ranks.stop()
        except Exception:  # noqa: BLE001 - a peer that died leaves nothing to tear down cleanly
            pass
        eng.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
