"""One rank's share of a multi-process task run.

The job made the run (its row snapshot and ``task_runs`` row) and split nothing: each rank opens the
same run, sees the same chunks of pending items (``batch_size`` rows each, exactly the batches one
process would send) and does every ``world``-th chunk. Seeds come from the row, candidate and step
(``item_seed``), so an output does not depend on which rank made it; every output is committed to
``task_outputs`` as its step ends, so a killed rank's rows are simply still pending on resume.
"""
from __future__ import annotations

import json

from engine.distributed.shard import take
from engine.errors import Cancelled


def run_rank(ctx) -> dict:
    from engine.tasks.runner import TaskRun, config_from_params, run_dir
    from engine.distributed.rank_context import cancel_file
    ctx.cancelled = lambda: cancel_file(ctx.folder).exists()   # no collectives here: each rank stops alone

    def check() -> None:
        if ctx.cancelled():
            raise Cancelled()
    ctx.check_cancelled = check
    run_id = ctx.params["run_id"]
    config = config_from_params(ctx.params)
    runner = TaskRun(ctx, config, run_id)
    rows = json.loads((run_dir(ctx.workspace, run_id) / "inputs.json").read_text(encoding="utf-8"))
    runner.open(run_id, rows)
    mine = take(runner.chunks, ctx.ranks.rank, ctx.ranks.world)
    runner.work(mine)
    return {"chunks": len(mine)}
