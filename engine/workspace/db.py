"""SQLite with WAL, foreign keys and forward-only migrations keyed by PRAGMA user_version.

Migrations are the files ``migrations/NNN_name.sql``; NNN is the schema version it
brings the database to. A database newer than this program is refused, never
touched.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr


def migrations() -> list[tuple[int, str, str]]:
    found = []
    folder = resources.files("engine.workspace") / "migrations"
    for entry in folder.iterdir():
        match = re.match(r"^(\d{3})_(\w+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    found = migrations()
    return found[-1][0] if found else 0


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                              isolation_level=None, check_same_thread=False)
    else:
        con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA busy_timeout = 30000")
    return con


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the workspace database."""
    try:
        con = connect(path)
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        con.execute("PRAGMA synchronous = NORMAL")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise UserError(tr("workspace database {path} is damaged or not a database ({exc})", path=path, exc=exc),
                        hint=tr("restore it from a backup or choose another workspace")) from None
    if mode.lower() != "wal":
        raise UserError(tr("workspace database {path} cannot use WAL journaling (got {mode})", path=path, mode=mode))
    newest = latest_version()
    if version > newest:
        con.close()
        raise UserError(
            tr("workspace database {path} has schema version {version}, newer than this program supports "
               "({newest})", path=path, version=version, newest=newest),
            hint=tr("update AIGC Workbench or open another workspace"))
    for number, name, sql in migrations():
        if number <= version:
            continue
        try:
            con.execute("BEGIN IMMEDIATE")
            for statement in _split_sql(sql):
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {number}")
            con.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            con.execute("ROLLBACK")
            raise UserError(tr("could not upgrade workspace database {path} to schema {number} ({name}): {exc}", path=path, number=number, name=name, exc=exc)) from None
    return con


def _split_sql(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


@contextmanager
def transaction(con: sqlite3.Connection):
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: all or nothing."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        from engine.faults import fault_point
        try:
            fault_point("db.commit")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
