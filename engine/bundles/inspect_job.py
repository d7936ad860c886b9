"""``bundle.inspect``: verify every file of a bundle and plan its import, as a job (progress, cancel,
the Jobs panel). It only reads the bundle and the workspace."""
from __future__ import annotations

from engine.input_paths import check_input_file
from engine.jobs import JobContext, job_kind


def _check(engine, params: dict) -> None:
    check_input_file(params.get("path", ""), "bundle")


@job_kind("bundle.inspect", title="Check bundle", check=_check)
def inspect_bundle(ctx: JobContext) -> dict:
    return ctx.engine.bundles.inspect(ctx.params["path"], ctx.params.get("renames") or None,
                                      progress=ctx.report, check=ctx.check_cancelled)
