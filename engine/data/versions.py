"""Version history and the difference between two versions (added, removed, changed records).

Only memberships opened or closed between the two versions are read, so a diff
costs what changed, not the size of the dataset.
"""
from __future__ import annotations

import json

from engine.data import store

ANNOTATIONS = ("label", "tags", "status", "note", "split")


def history(con, ds) -> list[dict]:
    rows = con.execute("SELECT version, hash, count, counts, message, job_id, info, created_at FROM dataset_versions "
                       "WHERE dataset_id = ? ORDER BY version", (ds["id"],))
    out = []
    for r in rows:
        info = json.loads(r["info"])
        out.append({"version": r["version"], "hash": r["hash"], "count": r["count"],
                    "counts": store.public_counts(r["counts"]),
                    "message": r["message"], "job_id": r["job_id"], "created_at": r["created_at"],
                    "report": info.get("report"), "head": r["version"] == ds["head"],
                    "draft": bool(info.get("draft")) and r["version"] == ds["head"],
                    "edits": info.get("edits", 0)})
    return out


def _snapshot(row) -> dict:
    fields = json.loads(row["fields"])
    return {**fields, "label": row["label"], "tags": json.loads(row["tags"]), "status": row["status"],
            "note": row["note"], "split": row["split"]}


def diff(con, ds, v1: int, v2: int, limit: int = 1000) -> dict:
    if v1 > v2:
        flipped = diff(con, ds, v2, v1, limit)
        flipped["added"], flipped["removed"] = flipped["removed"], flipped["added"]
        flipped["counts"]["added"], flipped["counts"]["removed"] = (flipped["counts"]["removed"],
                                                                    flipped["counts"]["added"])
        for change in flipped["changed"]:
            change["before"], change["after"] = change["after"], change["before"]
        flipped["from"], flipped["to"] = v1, v2
        return flipped
    base = "SELECT m.*, r.fields FROM members m JOIN records r ON r.hash = m.record WHERE m.dataset_id = ? "
    newer = {r["item"]: r for r in con.execute(
        base + "AND m.since > ? AND m.since <= ? AND (m.until IS NULL OR m.until > ?)", (ds["id"], v1, v2, v2))}
    older = {r["item"]: r for r in con.execute(
        base + "AND m.since <= ? AND m.until > ? AND m.until <= ?", (ds["id"], v1, v1, v2))}
    added, removed, changed = [], [], []
    for item in sorted(newer.keys() | older.keys()):
        after = _snapshot(newer[item]) if item in newer else None
        before = _snapshot(older[item]) if item in older else None
        if before is None:
            added.append({"id": item, **after})
        elif after is None:
            removed.append({"id": item, **before})
        elif before != after:
            keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
            changed.append({"id": item, "fields": keys, "before": before, "after": after})
    counts = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    return {"dataset": ds["name"], "from": v1, "to": v2, "counts": counts, "added": added[:limit],
            "removed": removed[:limit], "changed": changed[:limit], "truncated": max(counts.values()) > limit}


def ref(con, ds, version=None) -> dict:
    number = store.resolve_version(con, ds, version)
    row = con.execute("SELECT hash FROM dataset_versions WHERE dataset_id = ? AND version = ?",
                      (ds["id"], number)).fetchone()
    return {"dataset": ds["name"], "dataset_id": ds["id"], "version": number, "hash": row["hash"]}
