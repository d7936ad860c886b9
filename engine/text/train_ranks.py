"""``text.train`` on several processes: the job hands its run to ``torchrun`` ranks and keeps the books.

The run (row, folder, config) is made here exactly as for one process; each rank then opens it as a
resume of that run, so rank 0 picks up a checkpoint if there is one. A failure leaves the run as one
process would: deleted when nothing was trained in a new run, else ``failed`` and resumable.
"""
from __future__ import annotations

from engine.errors import Cancelled
from engine.training import checkpoints as ck
from engine.training import runs
from engine.i18n import tr


def train_on_ranks(ctx, run: dict, resumed: bool, nproc: int) -> dict:
    from engine.distributed.launch import run_ranks
    ctx.log(tr("run {id}: starting {nproc} processes (torchrun, DDP)", id=run['id'], nproc=nproc))
    ctx.report(0.01, tr("starting {count} processes", count=nproc))
    try:
        result = run_ranks(ctx, "train", {"resume": run["id"]}, nproc)
    except Cancelled:
        current = runs.get_run(ctx.engine, run["id"])
        if current["state"] != "cancelled":
            runs.update_run(ctx.engine, run["id"], state="cancelled")
        raise
    except BaseException:
        if not resumed and ck.latest_checkpoint(run["dir"]) is None:
            runs.delete_run(ctx.engine, run["id"])   # nothing trained: leave nothing behind
        else:
            runs.update_run(ctx.engine, run["id"], state="failed")
        raise
    ctx.report(1.0, tr("training finished"))
    return result
