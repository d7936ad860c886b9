"""Named fault points, so the reliability suite can kill or fail the program where it matters.

The writers call ``fault_point("atomic.replace")`` and the like at the moments a crash or a
full disk would hurt most. Normally this is one lookup in an empty dict. With
``AIGC_FAULT_AT`` set (tests only) a point can end the process with SIGKILL or raise the
error the operating system would have raised there::

    AIGC_FAULT_AT="atomic.replace@3"          # SIGKILL at the third atomic replace of this process
    AIGC_FAULT_AT="blob.write=enospc"         # the first blob write fails: no space left on device
    AIGC_FAULT_AT="db.commit@2=eio,model.copy" # several rules, comma separated

Actions: ``kill`` (default), ``enospc``, ``eio``, ``efbig``. Counts are per process.
"""
from __future__ import annotations

import errno
import os
import signal

ENV = "AIGC_FAULT_AT"
_ERRORS = {"enospc": errno.ENOSPC, "eio": errno.EIO, "efbig": errno.EFBIG}


def _parse(spec: str) -> dict[str, tuple[int, str]]:
    rules: dict[str, tuple[int, str]] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        where, _, action = part.partition("=")
        name, _, nth = where.partition("@")
        action = action.strip().lower() or "kill"
        if action != "kill" and action not in _ERRORS:
            raise ValueError(f"{ENV}: unknown action '{action}' in '{part}'")
        rules[name.strip()] = (int(nth) if nth.strip() else 1, action)
    return rules


_rules = _parse(os.environ.get(ENV, ""))
_seen: dict[str, int] = {}


def fault_point(name: str, path: str | os.PathLike | None = None) -> None:
    """Nothing, unless ``AIGC_FAULT_AT`` names this point and its count has come."""
    rule = _rules.get(name)
    if rule is None:
        return
    count = _seen[name] = _seen.get(name, 0) + 1
    if count != rule[0]:
        return
    if rule[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    number = _ERRORS[rule[1]]
    if name.startswith("db."):
        import sqlite3
        raise sqlite3.OperationalError("database or disk is full" if number == errno.ENOSPC else "disk I/O error")
    raise OSError(number, os.strerror(number), None if path is None else os.fspath(path))


def configure(spec: str) -> None:
    """Set the rules of this process (tests in one process); an empty spec turns every point off."""
    global _rules
    _rules = _parse(spec)
    _seen.clear()
