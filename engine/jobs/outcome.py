"""How a job ended, as plain data: the same whether it ran on a thread or in a worker process."""
from __future__ import annotations

import errno
import json
import re
import signal
import sqlite3
import traceback
from dataclasses import dataclass

from engine.errors import Cancelled, UserError
from engine.i18n import N_, tr
from engine.jobs.model import JobState

OOM_HINT = N_("try a smaller batch size, a shorter sequence length or resolution, LoRA instead of full "
              "fine-tuning, or gradient checkpointing")

# A CUDA context that has seen one of these is unusable: the worker that hit it is replaced.
POISONED = ("cuda error", "device-side assert", "cudnn_status", "cublas_status", "illegal memory access")


@dataclass
class Outcome:
    state: JobState                 # SUCCEEDED, FAILED or CANCELLED
    result_json: str | None = None  # the work function's return value, as JSON
    reason: str = ""                # one line for the person (failed / cancelled)
    details: str = ""               # for the job log (a traceback)
    recycle: bool = False           # the worker process must not run another job
    options: tuple = ()             # command-line options the reason refers to (UserError.options)

    def to_dict(self) -> dict:
        return {"state": self.state.value, "result_json": self.result_json, "reason": self.reason,
                "details": self.details, "recycle": self.recycle, "options": list(self.options)}

    @classmethod
    def from_dict(cls, data: dict) -> "Outcome":
        return cls(JobState(data["state"]), data.get("result_json"), data.get("reason", ""),
                   data.get("details", ""), bool(data.get("recycle")), tuple(data.get("options") or ()))


_DISK_ERRORS = {errno.ENOSPC: (N_("the disk is full"), N_("free some space")),
                errno.EDQUOT: (N_("the disk quota is used up"), N_("free some space")),
                errno.EFBIG: (N_("the file is larger than this disk's file system allows"), N_("use another disk")),
                errno.EIO: (N_("the disk reported an input/output error"),
                            N_("check the disk (or copy the workspace to a healthy one)"))}
_TEMP_NAME = re.compile(r"^\.(.+)\.[A-Za-z0-9_]{6,}\.tmp$")   # engine.atomic's temporary sibling of a file


def disk_reason(exc: BaseException) -> str | None:
    """One line for a write the disk refused (full, quota, too large, I/O error), or None for any other error.

    Every writer works on a temporary name that is removed on failure, so the line can promise that
    the previous file is unchanged."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        number = errno.ENOSPC if "full" in text else errno.EIO if "disk i/o" in text else None
        target = tr("the workspace database")
    elif isinstance(exc, OSError) and exc.errno in _DISK_ERRORS:
        number, target = exc.errno, ""
        if exc.filename:
            name = str(exc.filename)
            folder, _, base = name.rpartition("/")
            match = _TEMP_NAME.match(base)
            target = (f"{folder}/{match.group(1)}" if folder else match.group(1)) if match else name
    else:
        return None
    if number is None:
        return None
    what, todo = _DISK_ERRORS[number]
    if target:
        return tr("{problem} while writing {target}; nothing was half-written and the previous version is unchanged "
                  "({todo}, then run it again)", problem=tr(what), target=target, todo=tr(todo))
    return tr("{problem}; nothing was half-written and the previous version is unchanged ({todo}, then run it again)",
              problem=tr(what), todo=tr(todo))


def one_line_reason(exc: BaseException) -> str:
    """The message a person sees for a failed job."""
    if isinstance(exc, UserError):
        return str(exc)
    disk = disk_reason(exc)
    if disk:
        return disk
    if isinstance(exc, OSError) and exc.filename:  # name the file, whatever the library wrapped it in
        return tr("{error}: {file} (details in the job log)", error=exc.strerror or type(exc).__name__,
                  file=exc.filename)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "out of memory" in text.lower() or isinstance(exc, MemoryError):
        return tr("ran out of memory: {error} ({hint})", error=text[:160], hint=tr(OOM_HINT))
    return tr("{error}: {text} (details in the job log)", error=type(exc).__name__, text=text[:300])


def run_work(spec, ctx) -> Outcome:
    """Call the kind's work function. A function that returned has succeeded, even when a
    cancel arrived after its last check: its result is complete and is kept."""
    try:
        result = spec.fn(ctx)
        result_json = json.dumps(result, ensure_ascii=False, default=str)
    except Cancelled:
        return Outcome(JobState.CANCELLED, reason=tr("cancelled"))
    except BaseException as exc:  # noqa: BLE001 - every failure is recorded, none is lost
        details = traceback.format_exc()
        poisoned = any(mark in f"{type(exc).__name__}: {exc}".lower() for mark in POISONED)
        return Outcome(JobState.FAILED, reason=one_line_reason(exc), details=details, recycle=poisoned,
                       options=tuple(getattr(exc, "options", ())))
    return Outcome(JobState.SUCCEEDED, result_json=result_json)


_WINDOWS_CRASHES = {0xC0000005: N_("an access violation"), 0xC00000FD: N_("a stack overflow"),
                    0xC0000409: N_("a stack buffer overrun"), 0xC000001D: N_("an illegal instruction"),
                    0xC0000017: N_("running out of memory")}


def death_reason(exitcode: int | None, resumable: bool = False) -> str:
    """One line naming why a worker process ended in the middle of a job, and what to do."""
    then = tr("; resume the job to continue from its last checkpoint") if resumable else ""
    if exitcode is None:
        return tr("the worker process stopped answering and was stopped") + then
    if exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        named = f"signal {number} ({name})"
        if name == "SIGKILL":
            return tr("the worker process was killed by {signal} — often the system ran out of memory; {hint}",
                      signal=named, hint=tr(OOM_HINT)) + then
        if name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE"):
            return tr("the worker process crashed with {signal} in native code (a library, driver or GPU fault); "
                      "the job log has the stack at the crash", signal=named) + then
        if name == "SIGABRT":
            return tr("the worker process aborted with {signal} in native code (often a CUDA or library "
                      "assertion); details in the job log", signal=named) + then
        return tr("the worker process was stopped by {signal}", signal=named) + then
    crash = _WINDOWS_CRASHES.get(exitcode & 0xFFFFFFFF)
    if crash:
        return tr("the worker process crashed with {crash} (exit code {code}) in native code", crash=tr(crash),
                  code=f"0x{exitcode & 0xFFFFFFFF:08X}") + then
    return tr("the worker process ended unexpectedly with exit code {code}; details in the job log",
              code=exitcode) + then
