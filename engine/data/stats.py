"""Dataset statistics: counts per split and status, length histogram, labels, duplicate ratio.

A version never changes, so its statistics are computed once and kept with it.
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


def compute(con, ds, version: int) -> dict:
    where, args = store.in_version(ds, version)
    live = where + " AND m.status != 'rejected'"
    lengths = con.execute(f"SELECT m.chars AS chars, count(*) AS n FROM members m "
                          f"WHERE {live} GROUP BY m.chars ORDER BY m.chars", args).fetchall()
    histogram = {f"{lo}-{hi - 1}": 0 for lo, hi in zip(EDGES, EDGES[1:])}
    histogram[f"{EDGES[-1]}+"] = 0
    total = sum(r["n"] for r in lengths)
    running, median, p95 = 0, None, None
    for row in lengths:
        histogram[_bucket(row["chars"])] += row["n"]
        running += row["n"]
        if median is None and running >= total / 2:
            median = row["chars"]
        if p95 is None and running >= total * 0.95:
            p95 = row["chars"]
    labels = {(r[0] if r[0] is not None else "(none)"): r[1] for r in con.execute(
        f"SELECT m.label, count(*) FROM members m WHERE {live} GROUP BY m.label ORDER BY count(*) DESC", args)}
    distinct = con.execute(f"SELECT count(DISTINCT m.record) FROM members m WHERE {live}", args).fetchone()[0]
    tags = {r[0]: r[1] for r in con.execute(
        f"SELECT t.tag, count(*) FROM member_tags t JOIN members m ON m.id = t.member_id WHERE {where} "
        f"GROUP BY t.tag ORDER BY count(*) DESC LIMIT 50", args)}
    row = con.execute("SELECT count, counts FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], version)).fetchone()
    counts = json.loads(row["counts"])
    return {"dataset": ds["name"], "modality": ds["modality"], "version": version, "count": row["count"],
            "usable": total, "split": counts.get("split", {}), "status": counts.get("status", {}),
            "length": {"unit": "characters", "histogram": histogram,
                       "min": lengths[0]["chars"] if lengths else 0, "max": lengths[-1]["chars"] if lengths else 0,
                       "mean": round(sum(r["chars"] * r["n"] for r in lengths) / total, 1) if total else 0,
                       "median": median or 0, "p95": p95 or 0},
            "labels": labels, "tags": tags,
            "duplicate_ratio": round(1 - distinct / total, 4) if total else 0.0}


def get(con, ds, version: int) -> dict:
    row = con.execute("SELECT stats FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], version)).fetchone()
    if row and row["stats"]:
        return json.loads(row["stats"])
    result = compute(con, ds, version)
    busy.try_write(con, "UPDATE dataset_versions SET stats = ? WHERE dataset_id = ? AND version = ?",
                   (json.dumps(result, ensure_ascii=False), ds["id"], version))
    return result
