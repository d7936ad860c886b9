"""Run monitoring: what each task run did, per output and in total, and when a run needs attention.

Everything is computed from ``task_outputs`` (each output keeps its attempts,
final failures, seconds spent and, for classify tasks, confidence) and
``task_runs``, so a stopped, failed or resumed run has statistics too. A task's
``alerts`` thresholds turn a run's numbers into flags.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, fields

from engine.errors import NotFound, UserError
from engine.i18n import N_, tr

LOW_CONFIDENCE = 0.5
ENDED = ("finished", "stopped")


@dataclass
class RunAlerts:
    min_pass_rate: float | None = None       # %, outputs passing every rule after retries
    max_error_rate: float | None = None      # %, items a run that ended never finished
    max_retry_rate: float | None = None      # %, outputs that needed more than one attempt
    min_confidence: float | None = None      # classify tasks: mean confidence of the answers (0-1)
    max_seconds_per_item: float | None = None
    min_approval_rate: float | None = None   # %, reviewed final outputs approved
    min_accuracy: float | None = None        # classify tasks: %, answers matching the label reviewers approved

    def is_empty(self) -> bool:
        return self == RunAlerts()


def alerts_from_dict(data, where: str) -> RunAlerts:
    if data is None:
        return RunAlerts()
    if not isinstance(data, dict):
        raise UserError(tr("{where} must be an object, e.g. {{\"min_pass_rate\": 80}}", where=where))
    known = {f.name for f in fields(RunAlerts)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(tr("{where}: unknown field '{unknown}'", where=where, unknown=unknown[0]), hint=tr("allowed: {items}", items=", ".join(sorted(known))))
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UserError(tr("{where}.{key} must be a number >= 0, got {value!r}", where=where, key=key, value=value))
        if (key.endswith("_rate") or key == "min_accuracy") and value > 100:
            raise UserError(tr("{where}.{key} is a percentage (0-100), got {value!r}", where=where, key=key, value=value))
        if key == "min_confidence" and value > 1:
            raise UserError(tr("{where}.min_confidence is a probability (0-1), got {value!r}", where=where, value=value))
    return RunAlerts(**data)


def _rules(constraints) -> list[str]:
    """The rule names a step is checked against (the prefixes of its failure strings)."""
    names = []
    for key in ("min_chars", "max_chars", "min_words", "max_words", "regex", "language"):
        if getattr(constraints, key, None) is not None:
            names.append(key)
    for key in ("required_terms", "banned_terms"):
        if getattr(constraints, key, None):
            names.append(key)
    return names


def _run_row(workspace, run_id: str):
    row = workspace.db().execute(
        "SELECT task_runs.*, jobs.state AS job_state, jobs.error AS job_error FROM task_runs "
        "LEFT JOIN jobs ON jobs.id = task_runs.job_id WHERE task_runs.id = ?", (run_id,)).fetchone()
    if row is None:
        raise NotFound(tr("no task run '{run_id}'", run_id=run_id), hint=tr("'aigc task runs' lists them"))
    return row


def _state(row) -> str:
    """The run's state; a run whose job died or failed while 'running' ended too."""
    if row["state"] == "running" and row["job_state"] in ("failed", "cancelled", "interrupted"):
        return "failed" if row["job_state"] == "failed" else "stopped"
    return row["state"]


def run_stats(workspace, run_id: str, task=None) -> dict:
    """Throughput, error and pass rates, retries, failures by cause, per-rule and per-step numbers of one run."""
    from engine.tasks.constraints import failure_kinds
    from engine.tasks.definition import task_from_dict
    row = _run_row(workspace, run_id)
    if task is None:
        from engine.tasks.runner import run_dir
        saved = run_dir(workspace, row["id"]) / "run.json"
        task = task_from_dict(json.loads(saved.read_text(encoding="utf-8"))["task"], where=f"task run {row['id']}") \
            if saved.is_file() else None
    outputs = [dict(r) for r in workspace.db().execute(
        "SELECT step, step_index, attempts, failures, passed, elapsed, confidence, created_at FROM task_outputs "
        "WHERE run_id = ? ORDER BY id", (row["id"],))]
    state = _state(row)
    total = int(row["total_items"])
    last_index = max((o["step_index"] for o in outputs), default=0)
    if task is not None:
        last_index = len(task.effective_steps()) - 1
    finished = [o for o in outputs if o["step_index"] == last_index]
    ended = state in ENDED or state == "failed"
    unfinished = max(0, total - len(finished)) if ended else 0
    end_time = row["finished_at"] or max((o["created_at"] for o in outputs), default=row["created_at"])
    wall = max(1e-9, end_time - row["created_at"])
    passed = sum(1 for o in outputs if o["passed"])
    causes: Counter = Counter()
    for o in outputs:
        causes.update(failure_kinds(json.loads(o["failures"])))
    if unfinished:
        causes["error" if state == "failed" else "not finished"] += unfinished
    steps = {}
    for o in outputs:
        steps.setdefault(o["step"], []).append(o)
    per_step, per_rule = {}, {}
    step_defs = {s.name: s for s in task.effective_steps()} if task is not None else {}
    for name, items in steps.items():
        times = [o["elapsed"] for o in items if o["elapsed"] is not None]
        per_step[name] = {"outputs": len(items), "mean_seconds": round(statistics.fmean(times), 4) if times else None,
                          "max_seconds": round(max(times), 4) if times else None,
                          "retries": sum(o["attempts"] - 1 for o in items)}
        rules = _rules(task.step_constraints(step_defs[name])) if name in step_defs else []
        failing = Counter()
        for o in items:
            failing.update(failure_kinds(json.loads(o["failures"])))
        for rule in sorted(set(rules) | set(failing)):
            entry = per_rule.setdefault(rule, {"checked": 0, "failed": 0})
            entry["checked"] += len(items)
            entry["failed"] += failing[rule]
    for entry in per_rule.values():
        entry["pass_rate"] = round(100 * (1 - entry["failed"] / max(1, entry["checked"])), 2)
    confidences = [o["confidence"] for o in outputs if o["confidence"] is not None]
    times = [o["elapsed"] for o in finished if o["elapsed"] is not None]
    stats = {
        "run_id": row["id"], "task": row["task_name"], "state": state, "created_at": row["created_at"],
        "items": total, "finished_items": len(finished), "outputs": len(outputs),
        "seconds": round(wall, 3), "items_per_minute": round(60 * len(finished) / wall, 3),
        "pass_rate": round(100 * passed / len(outputs), 2) if outputs else None,
        "error_rate": round(100 * unfinished / max(1, total), 2),
        "retries": sum(o["attempts"] - 1 for o in outputs),
        "retry_rate": round(100 * sum(1 for o in outputs if o["attempts"] > 1) / len(outputs), 2) if outputs else None,
        "failures_by_cause": dict(causes.most_common()),
        "rules": per_rule, "steps": per_step,
        "seconds_per_item": round(statistics.fmean(times), 4) if times else None,
        "error": row["job_error"] if state == "failed" else None,
    }
    stats.update(review_quality(workspace, row["id"], last_index, task))
    if confidences:
        stats["mean_confidence"] = round(statistics.fmean(confidences), 4)
        stats["low_confidence"] = sum(1 for c in confidences if c < LOW_CONFIDENCE)
    found = breaches(stats, task.alerts if task is not None else RunAlerts())
    stats["flags"], stats["flagged"] = [why for _, why in found], [key for key, _ in found]
    return stats


def review_quality(workspace, run_id: str, last_index: int, task) -> dict:
    """Quality of a run's final outputs as judged in review: the approval rate; for a classify task also
    accuracy and macro-F1 against the labels reviewers approved or corrected (rejected ones name no label)."""
    rows = workspace.db().execute(
        "SELECT status, output_text, edited_text FROM task_outputs WHERE run_id = ? AND step_index = ? "
        "AND status != 'pending'", (run_id, last_index)).fetchall()
    quality = {"reviewed": len(rows),
               "approval_rate": round(100 * sum(r["status"] == "approved" for r in rows) / len(rows), 2)
               if rows else None}
    spec = getattr(task, "classify", None)
    if spec is None:
        return quality
    gold, pred = [], []
    for r in rows:
        if r["status"] != "approved":
            continue
        said = spec.parse(r["output_text"] or "")
        right = spec.parse(r["edited_text"]) if r["edited_text"] else said
        if said is not None and right is not None:
            gold.append(right)
            pred.append(said)
    quality["labelled"] = len(gold)
    if gold:
        from engine.tasks.classify_metrics import summary
        scores = summary(gold, pred, spec.names, spec.multi_label)
        quality["accuracy"], quality["macro_f1"] = scores["accuracy"], scores["macro_f1"]
    return quality


def breaches(stats: dict, alerts: RunAlerts) -> list[tuple[str, str]]:
    """``(measure, why)`` for each of the task's thresholds a run is outside, ``why`` in the message
    language (the measure is the stats key, for whoever groups the flags)."""
    checks = ((N_("pass rate"), "pass_rate", alerts.min_pass_rate, "<", "%"),
              (N_("error rate"), "error_rate", alerts.max_error_rate, ">", "%"),
              (N_("retry rate"), "retry_rate", alerts.max_retry_rate, ">", "%"),
              (N_("mean confidence"), "mean_confidence", alerts.min_confidence, "<", ""),
              (N_("seconds per item"), "seconds_per_item", alerts.max_seconds_per_item, ">", "s"),
              (N_("approval rate"), "approval_rate", alerts.min_approval_rate, "<", "%"),
              (N_("accuracy"), "accuracy", alerts.min_accuracy, "<", "%"))
    found = []
    for label, key, limit, op, unit in checks:
        value = stats.get(key)
        if value is None or limit is None:
            continue
        if (value < limit) if op == "<" else (value > limit):
            found.append((key, f"{tr(label)} {value:g}{unit} {op} {limit:g}{unit}"))
    return found


def flags(stats: dict, alerts: RunAlerts) -> list[str]:
    """Why a run needs attention under the task's thresholds (empty: it does not)."""
    return [why for _key, why in breaches(stats, alerts)]


def task_trends(workspace, task_name: str, limit: int | None = None) -> dict:
    """Every run of a task (oldest first) with its stats, the slowest steps and the most-failed rules."""
    from engine.tasks.store import get_task
    task = get_task(workspace, task_name)
    ids = [r[0] for r in workspace.db().execute(
        "SELECT id FROM task_runs WHERE task_name = ? ORDER BY created_at DESC" + (" LIMIT ?" if limit else ""),
        (task.name, limit) if limit else (task.name,))]
    runs = []
    for run_id in reversed(ids):
        stats = run_stats(workspace, run_id)
        found = breaches(stats, task.alerts)   # today's thresholds apply to old runs too
        stats["flags"], stats["flagged"] = [why for _, why in found], [key for key, _ in found]
        runs.append(stats)
    step_times: dict[str, list[float]] = {}
    rule_fails: Counter = Counter()
    rule_checked: Counter = Counter()
    for stats in runs:
        for name, entry in stats["steps"].items():
            if entry["mean_seconds"] is not None:
                step_times.setdefault(name, []).extend([entry["mean_seconds"]] * entry["outputs"])
        for rule, entry in stats["rules"].items():
            rule_fails[rule] += entry["failed"]
            rule_checked[rule] += entry["checked"]
    slowest = sorted(({"step": k, "mean_seconds": round(statistics.fmean(v), 4), "outputs": len(v)}
                      for k, v in step_times.items()), key=lambda e: -e["mean_seconds"])
    failed_rules = [{"rule": k, "failed": n, "checked": rule_checked[k],
                     "pass_rate": round(100 * (1 - n / max(1, rule_checked[k])), 2)}
                    for k, n in rule_fails.most_common() if n]
    trend = {}
    for key in ("pass_rate", "items_per_minute", "error_rate", "mean_confidence", "approval_rate", "accuracy",
                "seconds_per_item"):
        values = [r[key] for r in runs if r.get(key) is not None]
        if len(values) >= 2:
            trend[key] = round(values[-1] - values[0], 4)
    return {"task": task.name, "classify": task.classify is not None, "alerts": {k: v for k, v in task.alerts.__dict__.items() if v is not None},
            "runs": runs, "slowest_steps": slowest, "most_failed_rules": failed_rules,
            "flagged_runs": [r["run_id"] for r in runs if r["flags"]], "trend": trend}
