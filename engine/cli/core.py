"""aigc init | status | selftest | jobs list|show|cancel|resume"""
from __future__ import annotations

import time
from engine.cli.words import job_title, word
from engine.i18n import tr


def register(sub) -> None:
    p = sub.add_parser("init", help="create the workspace and load the sample content")
    p.add_argument("--no-samples", action="store_true", help="create an empty workspace")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("status", help="workspace, schema, device and library versions")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("selftest", help="quick offline end-to-end check in a temporary workspace")
    p.add_argument("--only", nargs="*", help="run only these checks")
    p.set_defaults(handler=cmd_selftest)

    jobs = sub.add_parser("jobs", help="background jobs").add_subparsers(dest="jobs_command", metavar="ACTION")
    jobs.required = True
    p = jobs.add_parser("list", help="recent jobs")
    p.add_argument("--state", action="append", help="only jobs in this state (repeatable)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=cmd_jobs_list)
    p = jobs.add_parser("show", help="one job with its log tail")
    p.add_argument("id")
    p.set_defaults(handler=cmd_jobs_show)
    p = jobs.add_parser("cancel", help="cancel a queued or running job")
    p.add_argument("id")
    p.set_defaults(handler=cmd_jobs_cancel)
    p = jobs.add_parser("resume", help="resume an interrupted or cancelled job")
    p.add_argument("id")
    p.set_defaults(handler=cmd_jobs_resume)


def cmd_init(args, out) -> dict:
    engine = out.open_engine(args)
    result = {"workspace": str(engine.root), "schema_version": engine.workspace.schema_version(), "samples": None}
    if not args.no_samples:
        job = out.run_job("samples.install", {})
        result["samples"] = job.result
        result["job"] = job.id
    result["_text"] = tr("workspace ready at {folder}", folder=engine.root)
    return result


def cmd_status(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    status = engine.status()
    device = status["device"]
    jobs = tr(", ").join(tr("{label}: {value}", label=word(k, "state"), value=v)
                         for k, v in status["jobs"].items()) or tr("none")
    lines = [
        tr("workspace       {value}", value=status["workspace"]),
        tr("schema version  {version} (latest {latest})", version=status["schema_version"],
           latest=status["schema_latest"]),
        tr("device          {kind} · {name} · {memory} GiB · dtype {dtype}", kind=device["kind"], name=device["name"],
           memory=f"{device['total_memory'] / 2**30:.1f}", dtype=device["dtype"]),
        tr("offline guard   {value}", value=tr("on") if status["offline"] else tr("OFF")),
        tr("jobs            {value}", value=jobs),
        tr("libraries       {value}", value=", ".join(f"{k} {v or '-'}" for k, v in status["libraries"].items())),
        tr("lock            {value}", value=_lock_line(status["lock"])),
    ]
    status["_text"] = "\n".join(lines)
    return status


def _lock_line(lock: dict) -> str:
    from engine.lockfile import LockStatus
    return LockStatus.from_dict(lock).summary()


def cmd_selftest(args, out) -> dict:
    from engine.selftest import run_selftest
    report = run_selftest(progress=out.info, only=args.only)
    if not report["ok"]:
        failed = [c for c in report["checks"] if not c["ok"]]
        report["_exit_code"] = 1
        out.fail(tr("selftest failed: {checks}", checks="; ".join(f"{c['name']}: {c['error']}" for c in failed)))
    report["_text"] = "\n".join(tr("{flag} {name} ({seconds}s)", flag=tr("ok  ") if c["ok"] else tr("FAIL"),
                                    name=c["name"], seconds=c["seconds"]) for c in report["checks"])
    return report


def _fmt_time(ts) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "-"


def cmd_jobs_list(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    jobs = engine.jobs.list(limit=args.limit, states=args.state)
    rows = [f"{j.id}  {word(j.state.value, 'state'):<11} {j.progress * 100:5.1f}%  {j.kind:<16} {job_title(j.title)}  {j.message}"
            for j in jobs]
    return {"jobs": [j.to_dict() for j in jobs], "_text": "\n".join(rows) or tr("no jobs")}


def cmd_jobs_show(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    job = engine.jobs.get(args.id)
    data = job.to_dict()
    try:
        with open(job.log_path, encoding="utf-8") as handle:
            data["log_tail"] = handle.read()[-4000:]
    except OSError:
        data["log_tail"] = ""
    data["metrics"] = len(engine.jobs.metrics(job.id))
    data["_text"] = "\n".join([
        tr("job       {id} ({kind}) {title}", id=job.id, kind=job.kind, title=job_title(job.title)),
        tr("state     {state}  {progress}%  {message}", state=word(job.state.value, "state"),
           progress=f"{job.progress * 100:.1f}", message=job.message),
        tr("created   {created}  started {started}  finished {finished}", created=_fmt_time(job.created_at),
           started=_fmt_time(job.started_at), finished=_fmt_time(job.finished_at)),
        tr("log       {path}", path=job.log_path),
    ] + ([tr("error     {error}", error=job.error)] if job.error else []) + ["", data["log_tail"]])
    return data


def cmd_jobs_cancel(args, out) -> dict:
    engine = out.open_engine(args)
    job = engine.jobs.cancel(args.id)
    return {"id": job.id, "state": job.state.value, "_text": tr("job {id}: {state}", id=job.id, state=word(job.state.value, "state"))}


def cmd_jobs_resume(args, out) -> dict:
    out.open_engine(args)
    job = out.run_job("", {}, resume_of=args.id)
    return {"id": job.id, "resumed_from": job.resumed_from, "state": job.state.value, "result": job.result,
            "_text": tr("job {id} resumed {previous}: {state}", id=job.id, previous=job.resumed_from,
                       state=word(job.state.value, "state"))}
