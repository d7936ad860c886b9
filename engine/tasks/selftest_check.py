"""``aigc selftest`` check for classify tasks: evaluate, calibrate and run a small label set on the starter model.

What it proves on the machine it runs on: label-likelihood scoring answers inside
the label set with every label scored, an evaluation stores its metrics, intervals
and a temperature fitted on the validation split, a run applies that temperature,
and a multi-label task scores every label too.
"""
from __future__ import annotations

import csv
import json

from engine.errors import UserError
from engine.selftest import check

LABELS = ["tea", "shoes", "lamp"]
PHRASES = ["Fresh {p} for busy people.", "The {p} arrived today.", "I love this {p}.", "Is the {p} in stock?"]
TEMPLATE = "Which product is this about?\n\n{text}"


def _rows() -> list[dict]:
    rows = []
    for i, phrase in enumerate(PHRASES):
        for label in LABELS:
            split = "test" if i == 0 else "val" if i == 1 else "train"
            rows.append({"instruction": TEMPLATE.format(text=phrase.format(p=label)), "input": "", "output": label,
                         "split": split})
    return rows


def _finished(engine, job):
    job = engine.jobs.wait(job.id)
    if job.state.value != "succeeded":
        raise UserError(f"{job.kind} failed: {job.error}")
    return job


@check("classify")
def _classify(engine) -> dict:
    from engine.text.starter import NAME, install_into
    added = install_into(engine)
    if added.get("reason"):
        raise UserError(added["reason"])
    folder = engine.workspace.folder("tmp")
    data = folder / "selftest-classify.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in _rows()), encoding="utf-8")
    _finished(engine, engine.data.import_file(data, "selftest-classify"))
    engine.tasks.create({"name": "selftest-classify", "template": TEMPLATE, "model": NAME,
                         "dataset": "selftest-classify", "classify": {"labels": LABELS}})
    evaluated = _finished(engine, engine.tasks.evaluate("selftest-classify")).result
    metrics = evaluated["systems"][0]["metrics"]
    calibration = metrics.get("calibration")
    if evaluated["examples"] != 3 or not calibration or not 0 <= calibration["ece_after"] <= 1:
        raise UserError(f"the classify evaluation is incomplete: {evaluated['examples']} examples, "
                        f"calibration {calibration}")
    if calibration["val_nll_after"] > calibration["val_nll_before"] + 1e-6:
        raise UserError(f"temperature fitting raised the validation NLL: {calibration}")
    inputs = folder / "selftest-classify.csv"
    with open(inputs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text"], ["A lamp for the desk."], ["Green tea, please."]])
    _finished(engine, engine.tasks.run("selftest-classify", inputs))
    for item in engine.review.list(task="selftest-classify"):
        if item.output_text not in LABELS or set(item.scores or {}) != set(LABELS):
            raise UserError(f"classify output {item.output_text!r} is outside the label set or not every label "
                            f"was scored: {item.scores}")
        if abs(sum(item.scores.values()) - 1) > 1e-3 or item.params.get("temperature_scaling") != \
                calibration["temperature"]:
            raise UserError(f"classify scores are not calibrated probabilities: {item.scores}, {item.params}")
    engine.tasks.create({"name": "selftest-tags", "template": TEMPLATE, "model": NAME,
                         "classify": {"labels": LABELS, "multi_label": True}})
    tags = engine.tasks.classify("selftest-tags", [{"text": "Tea and a lamp."}])[0]
    if set(tags["scores"]) != set(LABELS) or not set(tags["labels"]) <= set(LABELS):
        raise UserError(f"multi-label answer not inside the label set with every label scored: {tags}")
    engine.text.unload()
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
            "temperature": calibration["temperature"], "ece_before": calibration["ece_before"],
            "ece_after": calibration["ece_after"], "multi_label": tags["label"]}
