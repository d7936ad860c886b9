"""Calibrated confidence for single-label classify tasks: temperature scaling.

A classify answer's confidence is a softmax over label scores, and a softmax is
often over- or under-confident: a model that says 0.9 may be right 60 % of the
time. Temperature scaling divides the log-probabilities by one number T, fitted
on the validation split to minimise the negative log-likelihood of the gold
labels (the argmax, and so the answer, never changes). The evaluation stores T
with the evaluated system (``task_evals.metrics.calibration``, with the expected
calibration error on the test split before and after); runs and direct answers
of the same task, model and adapter (same SHA-256) then report calibrated scores.
"""
from __future__ import annotations

import json
import math

BINS = 10
LOW, HIGH = math.log(0.01), math.log(100.0)   # search range of 1/T


def ece(confidences: list[float], correct: list[bool], bins: int = BINS) -> float:
    """Expected calibration error: over equal-width confidence bins ((k-1)/bins, k/bins] (0 falls in the first),
    the share of examples in the bin times |accuracy - mean confidence| in it, summed."""
    if not confidences:
        return 0.0
    groups: dict[int, list[tuple[float, bool]]] = {}
    for conf, ok in zip(confidences, correct):
        index = min(bins - 1, max(0, math.ceil(conf * bins) - 1))
        groups.setdefault(index, []).append((conf, ok))
    total = len(confidences)
    return sum(len(items) / total * abs(sum(ok for _, ok in items) / len(items) - sum(c for c, _ in items) / len(items))
               for items in groups.values())


def _log_softmax(logits: list[float], beta: float) -> list[float]:
    scaled = [beta * v for v in logits]
    top = max(scaled)
    norm = top + math.log(sum(math.exp(v - top) for v in scaled))
    return [v - norm for v in scaled]


def nll(logits: list[list[float]], gold: list[int], temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the gold labels under softmax(logits / T)."""
    beta = 1.0 / temperature
    return -sum(_log_softmax(row, beta)[g] for row, g in zip(logits, gold)) / max(1, len(gold))


def fit_temperature(logits: list[list[float]], gold: list[int]) -> float:
    """The T minimising ``nll``: the NLL is convex in 1/T, so a golden-section search over log(1/T) finds it."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = LOW, HIGH
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = nll(logits, gold, math.exp(-c)), nll(logits, gold, math.exp(-d))
    for _ in range(80):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = nll(logits, gold, math.exp(-c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = nll(logits, gold, math.exp(-d))
    beta = math.exp((a + b) / 2)
    return 1.0 / beta


def logits_of(decision: dict, names: list[str]) -> list[float]:
    """Log-probabilities of every label from a decision's stored scores (softmax(log p / T) = p^(1/T), renormalised)."""
    return [math.log(max(float(decision["scores"][n]), 1e-12)) for n in names]


def apply(decision: dict, names: list[str], temperature: float) -> dict:
    """The decision with its scores and confidence recalibrated by ``temperature`` (the label stays)."""
    probs = [math.exp(v) for v in _log_softmax(logits_of(decision, names), 1.0 / temperature)]
    scores = {n: round(p, 6) for n, p in zip(names, probs)}
    return {**decision, "scores": scores, "confidence": round(scores[decision["labels"][0]], 6),
            "raw_confidence": decision["confidence"], "temperature": round(temperature, 4)}


def report(val_decisions: list[dict], val_gold: list[list[str]], test_decisions: list[dict],
           test_gold: list[list[str]], names: list[str]) -> dict:
    """Fit T on the validation answers; NLL on both splits and ECE on the test split, before and after."""
    val_logits = [logits_of(d, names) for d in val_decisions]
    val_index = [names.index(g[0]) for g in val_gold]
    temperature = fit_temperature(val_logits, val_index)
    test_logits = [logits_of(d, names) for d in test_decisions]
    test_index = [names.index(g[0]) for g in test_gold]
    correct = [d["labels"] == g for d, g in zip(test_decisions, test_gold)]
    after = [apply(d, names, temperature)["confidence"] for d in test_decisions]
    return {"temperature": round(temperature, 4), "fitted_on": "val", "val_examples": len(val_gold), "bins": BINS,
            "val_nll_before": round(nll(val_logits, val_index), 4),
            "val_nll_after": round(nll(val_logits, val_index, temperature), 4),
            "test_nll_before": round(nll(test_logits, test_index), 4),
            "test_nll_after": round(nll(test_logits, test_index, temperature), 4),
            "ece_before": round(ece([d["confidence"] for d in test_decisions], correct), 4),
            "ece_after": round(ece(after, correct), 4)}


def for_system(workspace, task: str, model, adapter) -> dict | None:
    """The newest calibration evaluated for this task, model and adapter (matched by SHA-256), or None."""
    rows = workspace.db().execute(
        "SELECT id, metrics FROM task_evals WHERE task_name = ? AND kind = 'classify' AND model_sha256 IS ? "
        "AND adapter_sha256 IS ? ORDER BY created_at DESC, id DESC",
        (task, model.sha256 if model else None, adapter.sha256 if adapter else None)).fetchall()
    for row in rows:
        found = json.loads(row["metrics"]).get("calibration")
        if found and found.get("temperature"):
            return {"temperature": found["temperature"], "eval_id": row["id"]}
    return None


def calibrate(engine, task, model_name: str, adapter_name: str | None, decisions: list[dict]) -> list[dict]:
    """Decisions of a single-label task with the system's stored temperature applied (as they are when none)."""
    spec = task.classify
    if spec is None or spec.multi_label or not decisions:
        return decisions
    model = engine.models.get(model_name)
    adapter = engine.models.get(adapter_name) if adapter_name else None
    found = for_system(engine.workspace, task.name, model, adapter)
    if found is None:
        return decisions
    return [{**apply(d, spec.names, found["temperature"]), "calibration_eval": found["eval_id"]} for d in decisions]
