"""Every evaluation is kept (``task_evals``), and a task's leaderboard is read from them.

A leaderboard compares the systems (base model, adapters) evaluated on the same
dataset version and split: each system's latest evaluation there, its main
metric with a 95 % bootstrap interval, and whether the newest system is
significantly better than the best of the others (paired bootstrap on the same
examples; only when both were evaluated on exactly the same examples).
"""
from __future__ import annotations

import json
import time

from engine.errors import UserError
from engine.tasks.classify_metrics import bootstrap_ci, paired_difference, statistic_for
from engine.i18n import tr

RESAMPLES = 1000


def record(workspace, *, task: str, job_id: str | None, kind: str, method: str, ref: dict, split: str,
           examples: int, model, adapter, main_metric: str, main_value: float, metrics: dict,
           per_example: dict, warnings: list[str], report: dict | None = None) -> int:
    """Store one evaluated system; returns its id. ``model``/``adapter`` are catalog entries (adapter may be None)."""
    cur = workspace.db().execute(
        "INSERT INTO task_evals(task_name, job_id, kind, method, dataset, dataset_version, dataset_hash, split, "
        "examples, model, model_sha256, adapter, adapter_sha256, main_metric, main_value, metrics, per_example, "
        "warnings, report, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (task, job_id, kind, method, ref["dataset"], ref.get("version"), ref.get("hash"), split, examples,
         model.name, model.sha256, adapter.name if adapter else None, adapter.sha256 if adapter else None,
         main_metric, float(main_value), json.dumps(metrics, ensure_ascii=False),
         json.dumps(per_example, ensure_ascii=False), json.dumps(warnings, ensure_ascii=False),
         json.dumps(report) if report else None, time.time()))
    return int(cur.lastrowid)


def set_report(workspace, ids: list[int], report: dict) -> None:
    workspace.db().executemany("UPDATE task_evals SET report = ? WHERE id = ?", [(json.dumps(report), i) for i in ids])


def _row(r) -> dict:
    row = dict(r)
    for key in ("metrics", "per_example", "warnings", "report"):
        row[key] = json.loads(row[key]) if row[key] else None
    return row


def list_evals(workspace, task: str, version: int | None = None) -> list[dict]:
    sql, args = "SELECT * FROM task_evals WHERE task_name = ?", [task]
    if version is not None:
        sql += " AND dataset_version = ?"
        args.append(version)
    return [_row(r) for r in workspace.db().execute(sql + " ORDER BY created_at, id", args)]


def _system(row: dict) -> str:
    return f"{row['model']} + {row['adapter']}" if row["adapter"] else f"{row['model']} (base)"


def leaderboard(engine, task_name: str, version: int | None = None, split: str = "test",
                method: str | None = None) -> dict:
    """Systems evaluated on one dataset version (default: the newest version with evaluations)."""
    from engine.tasks.store import get_task
    task = get_task(engine.workspace, task_name)
    rows = [r for r in list_evals(engine.workspace, task.name) if r["split"] == split
            and (method is None or r["method"] == method)]
    if not rows:
        raise UserError(tr("task {name} has no '{split}' evaluations yet", name=task.name, split=split),
                        hint=tr("evaluate task {name} first (with an adapter to include it)", name=task.name))
    versions = sorted({r["dataset_version"] for r in rows if r["dataset_version"] is not None})
    if version is None:
        version = max(versions) if versions else None
    elif version not in versions:
        raise UserError(tr("task {name} has no evaluations on dataset version {version}", name=task.name, version=version),
                        hint=tr("evaluated versions: {items}", items=", ".join(map(str, versions)) or tr("none")))
    rows = [r for r in rows if r["dataset_version"] == version]
    latest: dict[tuple, dict] = {}
    for row in rows:   # oldest first, so the last one per system wins
        latest[(row["model"], row["adapter"], row["method"])] = row
    entries = []
    for row in latest.values():
        stat = statistic_for(row["per_example"], row["main_metric"])
        low, high = bootstrap_ci(stat, row["examples"], RESAMPLES)
        entries.append({"system": _system(row), "model": row["model"], "adapter": row["adapter"],
                        "method": row["method"], "eval_id": row["id"], "created_at": row["created_at"],
                        "examples": row["examples"], "metric": row["main_metric"], "value": round(row["main_value"], 2),
                        "ci": [low, high], "metrics": {k: v for k, v in row["metrics"].items()
                                                       if isinstance(v, (int, float))},
                        "warnings": row["warnings"], "_row": row})
    entries.sort(key=lambda e: -e["value"])
    newest = max(entries, key=lambda e: (e["created_at"], e["eval_id"]))
    verdict = _compare(newest, [e for e in entries if e is not newest])
    for e in entries:
        e.pop("_row")
    return {"task": task.name, "dataset": rows[0]["dataset"], "dataset_version": version, "split": split,
            "metric": entries[0]["metric"], "entries": entries, "newest": newest["system"], "comparison": verdict,
            "versions": versions}


def _same_examples(a: dict, b: dict) -> bool:
    pa, pb = a["per_example"], b["per_example"]
    if a["examples"] != b["examples"] or a["main_metric"] != b["main_metric"]:
        return False
    if "gold" in pa and "gold" in pb:
        return pa["gold"] == pb["gold"] and pa.get("keys") == pb.get("keys")
    return pa.get("keys") == pb.get("keys")


def _compare(newest: dict, others: list[dict]) -> dict:
    if not others:
        return {"against": None, "text": f"{newest['system']} is the only system evaluated on this version"}
    best = max(others, key=lambda e: e["value"])
    a, b = newest["_row"], best["_row"]
    if not _same_examples(a, b):
        return {"against": best["system"], "significant": None,
                "text": f"{newest['system']} and {best['system']} were evaluated on different examples "
                        "(another example limit or split); no paired comparison"}
    diff = paired_difference(statistic_for(a["per_example"], a["main_metric"]),
                             statistic_for(b["per_example"], b["main_metric"]), a["examples"], RESAMPLES)
    delta = round(newest["value"] - best["value"], 2)
    if diff["significant"]:
        text = (f"newest {newest['system']} is significantly better than {best['system']}: "
                f"{a['main_metric']} {delta:+g} (95% CI of the difference {diff['low']:+g} to {diff['high']:+g})")
    elif diff["high"] < 0:
        text = (f"newest {newest['system']} is significantly worse than {best['system']}: {a['main_metric']} "
                f"{delta:+g} (95% CI {diff['low']:+g} to {diff['high']:+g})")
    else:
        text = (f"newest {newest['system']} is not significantly better than {best['system']}: {a['main_metric']} "
                f"{delta:+g} (95% CI {diff['low']:+g} to {diff['high']:+g})")
    return {"against": best["system"], "difference": delta, "ci": [diff["low"], diff["high"]],
            "better_share": diff["better_share"], "significant": diff["significant"], "text": text}
