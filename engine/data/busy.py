"""Writes that meet a long job holding the workspace's write lock.

An import or a clean writes its whole version in one transaction, so SQLite's
write lock stays taken for minutes. An edit from the GUI must not hang behind
it for the 30-second default and then fail with a bare "database is locked":
interactive writes wait only ``INTERACTIVE_WAIT_MS`` and every busy failure
becomes one line naming the job that holds the lock.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from engine.errors import UserError
from engine.i18n import tr

INTERACTIVE_WAIT_MS = 1500
JOB_WAIT_MS = 30000


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def holder(con: sqlite3.Connection, me: str | None = None) -> str:
    """The running job (not ``me``) most likely holding the write lock, as 'job ID (title)'; reads never wait."""
    try:
        rows = con.execute("SELECT id, kind, title FROM jobs WHERE state = 'running' AND id IS NOT ? "
                           "ORDER BY (kind LIKE 'data.%') DESC, started_at", (me,)).fetchall()
    except sqlite3.Error:
        rows = []
    if not rows:
        return tr("another operation")
    job = rows[0]
    return tr("job {id} ({title})", id=job["id"], title=(job["title"] or job["kind"]).lower())


def busy_error(con: sqlite3.Connection, what: str, me: str | None = None) -> UserError:
    return UserError(tr("could not {what}: the workspace is busy with {holder}", what=what, holder=holder(con, me)),
                     hint=tr("try again when it finishes (the Jobs list shows its progress)"))


@contextmanager
def wait_limit(con: sqlite3.Connection, milliseconds: int):
    """Use a different busy timeout on this thread's connection for the duration of the block."""
    before = con.execute("PRAGMA busy_timeout").fetchone()[0]
    con.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield con
    finally:
        con.execute(f"PRAGMA busy_timeout = {int(before)}")


@contextmanager
def write(ws, what: str, interactive: bool = True, job_id: str | None = None):
    """``ws.transaction()`` whose lock failure is a one-line UserError; interactive callers fail fast."""
    con = ws.db()
    with wait_limit(con, INTERACTIVE_WAIT_MS if interactive else JOB_WAIT_MS):
        try:
            with ws.transaction() as tx:
                yield tx
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise busy_error(con, what, job_id) from None
            raise


def try_write(con: sqlite3.Connection, sql: str, args=()) -> bool:
    """A best-effort single write (e.g. a cache): skipped at once, not waited for, when the workspace is busy."""
    with wait_limit(con, 0):
        try:
            con.execute(sql, args)
            return True
        except sqlite3.OperationalError as exc:
            if is_busy(exc) or "readonly" in str(exc):  # a cache is not written beside the owner
                return False
            raise
