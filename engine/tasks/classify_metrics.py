"""Classification metrics and bootstrap confidence intervals, in plain Python.

Predictions are lists of label sets (one label each for single-label tasks). A
prediction outside the label set (from unconstrained generation) is the set
``{OUTSIDE}``: it counts as wrong, gets its own confusion-matrix column and is
reported, never mapped to a label. Macro averages run over the labels that
occur in the gold answers or the predictions; a label with no test examples and
no predictions has no precision or recall, so it is named, not counted as 0.
"""
from __future__ import annotations

import random

OUTSIDE = "(outside label set)"


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def per_class(gold: list[list[str]], pred: list[list[str]], labels: list[str]) -> dict:
    table = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred) if label in g and label not in p)
        precision, recall, f1 = _prf(tp, fp, fn)
        table[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn,
                        "predicted": tp + fp}
    return table


def accuracy(gold: list[list[str]], pred: list[list[str]]) -> float:
    """Share of examples whose predicted label set is exactly the gold set."""
    return sum(1 for g, p in zip(gold, pred) if sorted(g) == sorted(p)) / max(1, len(gold))


def macro_f1(gold, pred, labels) -> float:
    table = per_class(gold, pred, labels)
    used = [v for v in table.values() if v["support"] or v["predicted"]]
    return sum(v["f1"] for v in used) / max(1, len(used))


def micro_f1(gold, pred, labels) -> float:
    """F1 over every (example, label) decision pooled: frequent labels weigh more than in the macro average."""
    return _micro(gold, pred, labels)[2]


def _micro(gold, pred, labels) -> tuple[float, float, float]:
    table = per_class(gold, pred, labels)
    tp = sum(1 for g, p in zip(gold, pred) for label in labels if label in g and label in p)
    fp = sum(v["predicted"] for v in table.values()) - tp
    fn = sum(v["support"] for v in table.values()) - tp
    return _prf(tp, fp, fn)


def hamming_loss(gold, pred, labels) -> float:
    """Share of (example, label) decisions that are wrong: a label missed or a label added. An answer outside
    the label set misses all its gold labels."""
    wrong = sum(1 for g, p in zip(gold, pred) for label in labels if (label in g) != (label in p))
    return wrong / max(1, len(gold) * len(labels))


def confusion(gold: list[list[str]], pred: list[list[str]], labels: list[str]) -> dict:
    """Rows: gold label; columns: predicted label (plus OUTSIDE when any). Single-label answers only."""
    columns = list(labels) + ([OUTSIDE] if any(p == [OUTSIDE] for p in pred) else [])
    matrix = [[0] * len(columns) for _ in labels]
    for g, p in zip(gold, pred):
        matrix[labels.index(g[0])][columns.index(p[0])] += 1
    return {"rows": list(labels), "columns": columns, "matrix": matrix}


def summary(gold: list[list[str]], pred: list[list[str]], labels: list[str], multi: bool) -> dict:
    table = per_class(gold, pred, labels)
    used = [name for name, v in table.items() if v["support"] or v["predicted"]]
    macro = {key: sum(table[n][key] for n in used) / max(1, len(used)) for key in ("precision", "recall", "f1")}
    result = {
        "accuracy": round(100 * accuracy(gold, pred), 2),
        "macro_precision": round(100 * macro["precision"], 2), "macro_recall": round(100 * macro["recall"], 2),
        "macro_f1": round(100 * macro["f1"], 2),
        "per_class": {n: {k: (round(100 * v, 2) if isinstance(v, float) else v) for k, v in table[n].items()}
                      for n in labels},
        "outside": sum(1 for p in pred if OUTSIDE in p),
        "unused_labels": [n for n in labels if n not in used],
        "count": len(gold),
    }
    if multi:   # accuracy above is the subset accuracy: every label of the example right
        micro = _micro(gold, pred, labels)
        result.update({"subset_accuracy": result["accuracy"], "micro_precision": round(100 * micro[0], 2),
                       "micro_recall": round(100 * micro[1], 2), "micro_f1": round(100 * micro[2], 2),
                       "hamming_loss": round(hamming_loss(gold, pred, labels), 4),
                       "label_cardinality": round(sum(len(g) for g in gold) / max(1, len(gold)), 3)})
    else:
        result["confusion"] = confusion(gold, pred, labels)
    return result


def metric_fn(name: str):
    """The function of (gold, pred, labels) behind a main metric, on a 0-100 scale."""
    if name == "accuracy":
        return lambda g, p, labels: 100 * accuracy(g, p)
    if name == "macro_f1":
        return lambda g, p, labels: 100 * macro_f1(g, p, labels)
    if name == "micro_f1":
        return lambda g, p, labels: 100 * micro_f1(g, p, labels)
    raise ValueError(name)


def _percentiles(values: list[float], low: float = 2.5, high: float = 97.5) -> tuple[float, float]:
    values = sorted(values)

    def at(q: float) -> float:
        pos = (len(values) - 1) * q / 100
        lo, hi = int(pos), min(len(values) - 1, int(pos) + 1)
        return values[lo] + (values[hi] - values[lo]) * (pos - lo)
    return at(low), at(high)


def bootstrap_ci(statistic, n: int, resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of ``statistic(indices)`` over resamples of n examples with replacement."""
    if n == 0:
        return 0.0, 0.0
    rng = random.Random(seed)
    values = [statistic([rng.randrange(n) for _ in range(n)]) for _ in range(resamples)]
    low, high = _percentiles(values)
    return round(low, 2), round(high, 2)


def paired_difference(stat_a, stat_b, n: int, resamples: int = 1000, seed: int = 0) -> dict:
    """Bootstrap of ``stat_a - stat_b`` on the same resampled examples: interval and share of resamples > 0."""
    rng = random.Random(seed)
    diffs = []
    for _ in range(resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        diffs.append(stat_a(idx) - stat_b(idx))
    low, high = _percentiles(diffs)
    return {"low": round(low, 2), "high": round(high, 2), "better_share": round(sum(d > 0 for d in diffs) / resamples, 4),
            "significant": low > 0}


def statistic_for(per_example: dict, main_metric: str):
    """``indices -> metric`` for a stored evaluation's per-example record."""
    if "values" in per_example:
        values = per_example["values"]
        return lambda idx: sum(values[i] for i in idx) / max(1, len(idx))
    gold, pred, labels = per_example["gold"], per_example["pred"], per_example["labels"]
    fn = metric_fn(main_metric)
    return lambda idx: fn([gold[i] for i in idx], [pred[i] for i in idx], labels)
