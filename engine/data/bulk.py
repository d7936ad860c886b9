"""Large writes of a whole version: secondary indexes built once at the end instead of row by row.

Keeping five ``members`` indexes up to date while a million rows go in costs more than
sorting the finished table once. ``deferred_indexes`` drops them inside the writer's own
transaction and builds them again before it commits: a kill or a failure rolls the drop
back with everything else, so the workspace is never seen without them.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

# indexes a bulk insert into members / member_tags would otherwise update row by row
DEFERRABLE = ("members_head", "members_head_status", "members_head_split", "members_item", "members_since",
              "member_tags_member")
# below this many new rows the per-row updates are cheaper than a rebuild
MIN_ROWS = 20_000


def _existing_members(con: sqlite3.Connection) -> int:
    """Rows a rebuild would also have to sort (the largest id is a cheap upper bound)."""
    return con.execute("SELECT coalesce(max(id), 0) FROM members").fetchone()[0]


def worth_deferring(con: sqlite3.Connection, new_rows: int) -> bool:
    """A rebuild sorts every row of the table: only worth it when the new rows are at least as many."""
    return new_rows >= MIN_ROWS and new_rows >= _existing_members(con)


@contextmanager
def deferred_indexes(con: sqlite3.Connection, new_rows: int):
    """Inside an open transaction: drop the secondary indexes for a bulk insert of about ``new_rows``
    rows and recreate them when the block ends normally. On an exception nothing is recreated: the
    caller's transaction rolls back and with it the drop (the caller must not commit after an error).
    Yields whether the indexes were dropped."""
    if not con.in_transaction:
        raise RuntimeError("deferred_indexes needs an open transaction")
    if not worth_deferring(con, new_rows):
        yield False
        return
    names = ",".join("?" * len(DEFERRABLE))
    saved = con.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({names})",
                        DEFERRABLE).fetchall()
    for name, _ in saved:
        con.execute(f'DROP INDEX "{name}"')
    yield True
    for _, sql in saved:
        con.execute(sql)
