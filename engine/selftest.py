"""An offline end-to-end check in a fresh temporary workspace.

Each area appends checks with ``@check("name")``; a check takes the engine of
the temporary workspace and returns a dict of what it saw (or raises).
``aigc selftest`` and the packaged build's ``--selftest`` run them all with the
network guard on.
"""
from __future__ import annotations

import shutil
import socket
import tempfile
import time
from typing import Callable

from engine import offline
from engine.errors import NetworkBlocked, UserError
from engine.i18n import tr

CHECKS: list[tuple[str, Callable]] = []


def check(name: str):
    def decorate(fn):
        CHECKS.append((name, fn))
        return fn
    return decorate


@check("workspace")
def _workspace(engine) -> dict:
    digest = engine.workspace.blobs.put_bytes(b"selftest")
    assert engine.workspace.blobs.read_bytes(digest) == b"selftest"
    return {"schema_version": engine.workspace.schema_version()}


@check("offline-guard")
def _offline_guard(engine) -> dict:
    if not offline.guard_active():
        raise UserError("the network guard is off (AIGC_ALLOW_NETWORK=1?)")
    try:
        socket.create_connection(("203.0.113.1", 443), timeout=1)
    except NetworkBlocked:
        return {"blocked": True}
    raise UserError("a connection to a public address was not blocked")


@check("jobs")
def _jobs(engine) -> dict:
    job = engine.jobs.run("selftest.noop", {"steps": 3})
    if job.state.value != "succeeded":
        raise UserError(f"the job runner failed: {job.error}")
    return {"job": job.id}


from engine.jobs import job_kind  # noqa: E402


@job_kind("selftest.noop", title="Self-test job")
def _noop(ctx) -> dict:
    for step in range(int(ctx.params.get("steps", 3))):
        ctx.check_cancelled()
        ctx.metric("value", step, step)
        ctx.report((step + 1) / 3, tr("step {step}", step=step + 1))
    return {"ok": True}


def run_selftest(progress: Callable[[str], None] = lambda text: None, only: list[str] | None = None) -> dict:
    """Run every registered check in a throwaway workspace; returns a report dict."""
    from engine.api import Engine
    from engine.jobs.registry import load_areas

    load_areas()
    offline.enable()
    folder = tempfile.mkdtemp(prefix="aigc-selftest-")
    report = {"workspace": folder, "checks": [], "ok": True}
    engine = Engine.open(folder)
    try:
        for name, fn in CHECKS:
            if only and name not in only:
                continue
            started = time.monotonic()
            progress(tr("selftest: {name} ...", name=name))
            try:
                detail = fn(engine) or {}
                entry = {"name": name, "ok": True, "seconds": round(time.monotonic() - started, 2), **detail}
            except Exception as exc:  # noqa: BLE001 - the report lists every failure
                entry = {"name": name, "ok": False, "error": str(exc) or type(exc).__name__,
                         "seconds": round(time.monotonic() - started, 2)}
                report["ok"] = False
            progress(tr("selftest: {name} ok", name=name) if entry["ok"]
                     else tr("selftest: {name} FAILED: {error}", name=name, error=entry["error"]))
            report["checks"].append(entry)
    finally:
        engine.close()
        shutil.rmtree(folder, ignore_errors=True)
    return report
