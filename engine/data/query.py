"""Pages of records for the GUI and the CLI, filtered by text, tag, status and split.

Queries on the newest version walk the ``(dataset, until, status|split, item)``
indexes and tag lookups use ``member_tags``, so a page of 200 from a million
rows reads about 200 rows.
"""
from __future__ import annotations

import json

from engine.data import store


def _filters(ds, version: int, search=None, tag=None, status=None, split=None) -> tuple[str, list]:
    where, args = store.in_version(ds, version)
    clauses = [where]
    if status:
        clauses.append("m.status = ?")
        args.append(status)
    if split:
        clauses.append("m.split = ?")
        args.append(split)
    if tag:
        clauses.append("m.id IN (SELECT member_id FROM member_tags WHERE tag = ?)")
        args.append(tag)
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("EXISTS (SELECT 1 FROM records r2 WHERE r2.hash = m.record AND r2.fields LIKE ? ESCAPE '\\')")
        args.append(f"%{escaped}%")
    return " AND ".join(clauses), args


def row_to_dict(row, workspace=None) -> dict:
    fields = json.loads(row["fields"])
    out = {"id": row["item"], **fields, "label": row["label"], "tags": json.loads(row["tags"]),
           "status": row["status"], "note": row["note"], "split": row["split"], "origin": row["origin"],
           "line": row["line"], "record": row["record"]}
    if "image" in fields and workspace is not None:
        out["image_path"] = str(workspace.blobs.path_for(fields["image"]))
    return out


def records(con, ds, version: int, offset: int = 0, limit: int = 200, workspace=None, **filters) -> list[dict]:
    where, args = _filters(ds, version, **filters)
    # page over the members index alone, then join the 200 records of the page
    sql = (f"SELECT m.*, r.fields FROM members m JOIN records r ON r.hash = m.record WHERE m.id IN "
           f"(SELECT m.id FROM members m WHERE {where} ORDER BY m.item LIMIT ? OFFSET ?) ORDER BY m.item")
    return [row_to_dict(r, workspace) for r in con.execute(sql, [*args, int(limit), int(offset)])]


def count(con, ds, version: int, **filters) -> int:
    where, args = _filters(ds, version, **filters)
    return con.execute(f"SELECT count(*) FROM members m WHERE {where}", args).fetchone()[0]


def iter_members(con, ds, version: int, split=None, exclude_rejected: bool = False, batch: int = 2000):
    """Stream (member row + fields) of a version in item order, in batches (keyset pagination)."""
    where, args = store.in_version(ds, version)
    if split:
        where += " AND m.split = ?"
        args.append(split)
    if exclude_rejected:
        where += " AND m.status != 'rejected'"
    last = 0
    while True:
        rows = con.execute(f"SELECT m.*, r.fields FROM members m JOIN records r ON r.hash = m.record "
                           f"WHERE {where} AND m.item > ? ORDER BY m.item LIMIT ?", [*args, last, batch]).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1]["item"]
