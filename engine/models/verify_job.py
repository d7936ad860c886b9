"""``models.verify``: re-hash a model's files against its manifest as a job, so a large model can be
followed in the Jobs panel and cancelled. It only reads: a cancel leaves everything as it was."""
from __future__ import annotations

from engine.i18n import tr
from engine.jobs import JobContext, job_kind


def _check(engine, params: dict) -> None:
    engine.models.get(str(params.get("name", "")))


@job_kind("models.verify", title="Verify model", check=_check)
def verify_model(ctx: JobContext) -> dict:
    name = ctx.params["name"]
    ctx.report(0.0, tr("verifying {name}", name=name))
    report = ctx.engine.models.verify(name, deep=bool(ctx.params.get("deep", True)),
                                      progress=lambda fraction, rel: ctx.report(fraction * 0.95, tr("checking {name}", name=rel)),
                                      check=ctx.check_cancelled)
    ctx.report(1.0, tr("every file matches") if report.get("ok") else tr("files differ from the manifest"))
    return report
