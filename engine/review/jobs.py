"""``review.export``: write reviewed outputs to a table, a .zip or a folder as a job (progress per
item, cancel, the Jobs panel). A cancelled export leaves nothing at the target."""
from __future__ import annotations

from engine.jobs import JobContext, job_kind


def _args(params: dict) -> tuple:
    return (params["out"], params.get("task"), params.get("status") or "approved", params.get("step"),
            params.get("run_id"), bool(params.get("force")))


def _check(engine, params: dict) -> None:
    engine.review._export_items(*_args(params))


@job_kind("review.export", title="Export reviewed outputs", check=_check)
def export_reviewed(ctx: JobContext) -> dict:
    out, task, status, step, run_id, force = _args(ctx.params)
    return ctx.engine.review.export(out, task, status, step, run_id, force, progress=ctx.report,
                                    check=ctx.check_cancelled)
