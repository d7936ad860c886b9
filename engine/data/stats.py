"""Dataset statistics: counts per split and status, length histogram, labels, duplicate ratio.

Counts, lengths and labels come from the aggregates every version keeps up to
date as it is made (``store.NewVersion``), so stats cost what the histogram
holds, not what the dataset holds; the exact-duplicate ratio is measured by the
jobs that read every record anyway (import, clean) and carried by the versions
made after them. Lengths of 8192 characters and more are kept to the nearest 256
below. A version never changes, so its statistics are also cached.
"""
from __future__ import annotations

import json

from engine.data import busy, store

EDGES = (0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)


def _bucket(length: int) -> str:
    for low, high in zip(EDGES, EDGES[1:]):
        if length < high:
            return f"{low}-{high - 1}"
    return f"{EDGES[-1]}+"


def _lengths(pairs: list[tuple[int, int]]) -> tuple[dict, int]:
    """(length, how many) sorted by length -> the 'length' block and the number of records."""
    histogram = {f"{lo}-{hi - 1}": 0 for lo, hi in zip(EDGES, EDGES[1:])}
    histogram[f"{EDGES[-1]}+"] = 0
    total = sum(n for _, n in pairs)
    running, median, p95 = 0, None, None
    for chars, n in pairs:
        histogram[_bucket(chars)] += n
        running += n
        if median is None and running >= total / 2:
            median = chars
        if p95 is None and running >= total * 0.95:
            p95 = chars
    return ({"unit": "characters", "histogram": histogram, "min": pairs[0][0] if pairs else 0,
             "max": pairs[-1][0] if pairs else 0,
             "mean": round(sum(c * n for c, n in pairs) / total, 1) if total else 0,
             "median": median or 0, "p95": p95 or 0}, total)


def _tags(con, ds, version: int) -> dict:
    where, args = store.in_version(ds, version)
    # tagged memberships are few: start from the tags, not from every membership of the version
    return {r[0]: r[1] for r in con.execute(
        f"SELECT t.tag, count(*) FROM member_tags t CROSS JOIN members m ON m.id = t.member_id WHERE {where} "
        f"GROUP BY t.tag ORDER BY count(*) DESC LIMIT 50", args)}


IN_MEMORY_SORT_ROWS = 1_000_000  # about 40 MB of sort; larger versions sort through a temporary file


def distinct_live(con, ds_id: int, rows: int) -> int:
    """Distinct contents among the non-rejected memberships of the newest version (one sort of ``rows``)."""
    con.execute(f"PRAGMA temp_store = {'MEMORY' if rows <= IN_MEMORY_SORT_ROWS else 'FILE'}")
    try:
        return con.execute("SELECT count(DISTINCT record) FROM members WHERE dataset_id = ? AND until IS NULL "
                           "AND status != 'rejected'", (ds_id,)).fetchone()[0]
    finally:
        con.execute("PRAGMA temp_store = DEFAULT")


def from_aggregates(con, ds, version: int, count: int, counts: dict) -> dict:
    live = counts[store.LIVE]
    length, total = _lengths(sorted((int(k), n) for k, n in live["chars"].items()))
    labels = dict(sorted(live["labels"].items(), key=lambda kv: -kv[1]))
    measured = live.get("duplicates") or {}
    return {"dataset": ds["name"], "modality": ds["modality"], "version": version, "count": count,
            "usable": total, "split": counts.get("split", {}), "status": counts.get("status", {}),
            "length": length, "labels": labels, "tags": _tags(con, ds, version),
            "duplicate_ratio": measured.get("ratio", 0.0), "duplicates_measured_at": measured.get("version")}


def compute(con, ds, version: int) -> dict:
    """Statistics by scanning the version's memberships (for versions without aggregates)."""
    where, args = store.in_version(ds, version)
    live = where + " AND m.status != 'rejected'"
    pairs = [tuple(r) for r in con.execute(f"SELECT m.chars, count(*) FROM members m WHERE {live} "
                                           f"GROUP BY m.chars ORDER BY m.chars", args)]
    length, total = _lengths(pairs)
    labels = {(r[0] if r[0] is not None else store.NO_LABEL): r[1] for r in con.execute(
        f"SELECT m.label, count(*) FROM members m WHERE {live} GROUP BY m.label ORDER BY count(*) DESC", args)}
    distinct = con.execute(f"SELECT count(DISTINCT m.record) FROM members m WHERE {live}", args).fetchone()[0]
    row = con.execute("SELECT count, counts FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], version)).fetchone()
    counts = store.public_counts(row["counts"])
    return {"dataset": ds["name"], "modality": ds["modality"], "version": version, "count": row["count"],
            "usable": total, "split": counts.get("split", {}), "status": counts.get("status", {}),
            "length": length, "labels": labels, "tags": _tags(con, ds, version),
            "duplicate_ratio": round(1 - distinct / total, 4) if total else 0.0, "duplicates_measured_at": version}


def get(con, ds, version: int) -> dict:
    row = con.execute("SELECT stats, count, counts FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], version)).fetchone()
    if row and row["stats"]:
        return json.loads(row["stats"])
    counts = json.loads(row["counts"])
    if store.LIVE in counts:
        result = from_aggregates(con, ds, version, row["count"], counts)
    else:  # a version made before the aggregates were kept: scan it once
        result = compute(con, ds, version)
    busy.try_write(con, "UPDATE dataset_versions SET stats = ? WHERE dataset_id = ? AND version = ?",
                   (json.dumps(result, ensure_ascii=False), ds["id"], version))
    return result
