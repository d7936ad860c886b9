"""Evaluation of a classify task: accuracy, macro and per-class precision/recall/F1, confusion matrix.

Every system (the base model, and the adapter when given) answers the test split
by label-likelihood scoring (``--free`` instead lets it generate, and counts any
answer outside the label set as wrong). Problems in the data stop the evaluation
with the record named (a gold answer outside the label set) or are reported as
warnings beside the numbers (a test label never seen in training, test examples
the adapter was trained on), so no metric is silently wrong.
"""
from __future__ import annotations

import time
from pathlib import Path

from engine import atomic
from engine.errors import UserError
from engine.tasks import calibration, evals_store
from engine.tasks.classify_head import is_head
from engine.tasks.classify_metrics import OUTSIDE, bootstrap_ci, statistic_for, summary
from engine.i18n import tr

MAIN_METRIC = "macro_f1"


def gold_cases(engine, task, dataset: str, version: int, split: str, limit: int | None) -> list[dict]:
    """The split's examples as {id, prompt, system, gold}; an answer outside the label set is an error."""
    from engine.tasks.evaluate import prompt_and_reference
    spec = task.classify
    cases = []
    for example in engine.data.iter_examples(dataset, version=version, split=split):
        found = prompt_and_reference(example)
        if found is None:
            continue
        prompt, reference, system = found
        gold = spec.parse(reference)
        if gold is None:
            raise UserError(tr("dataset {dataset} version {version} record {id} ({split}): answer '{value}' is not a "
                               "label of task {name}", dataset=dataset, version=version, id=example['id'], split=split, value=reference.strip()[:60], name=task.name),
                            hint="correct the record's output, or add the label to the task: "
                                 + ", ".join(spec.names))
        cases.append({"id": example["id"], "prompt": prompt, "system": system, "gold": gold})
        if limit and len(cases) >= limit:
            break
    return cases


def _train_keys_and_labels(engine, task, dataset_ref: str, version: int | None) -> tuple[set, dict]:
    """(prompt, answer) keys and label counts of the examples a model trains on (every split but test)."""
    from engine.tasks.evaluate import prompt_and_reference
    from engine.text.data import load_examples
    rows, _ = load_examples(engine, dataset_ref, version)
    keys, labels = set(), {}
    for row in rows:
        if (row.get("split") or "train") == "test":
            continue
        found = prompt_and_reference(row)
        if found is None:
            continue
        keys.add((found[0].strip(), found[1].strip()))
        if (row.get("split") or "train") == "train":
            for label in task.classify.parse(found[1]) or []:
                labels[label] = labels.get(label, 0) + 1
    return keys, labels


def data_warnings(engine, task, dataset: str, ref: dict, cases: list[dict], adapter) -> list[str]:
    """Test labels never seen in training; test examples an adapter was trained on (leakage)."""
    warnings = []
    lineage = getattr(adapter, "lineage", None) or {}
    source = lineage.get("dataset") or dataset
    source_version = lineage.get("dataset_version") if adapter is not None else ref["version"]
    try:
        keys, train_labels = _train_keys_and_labels(engine, task, source, source_version)
    except UserError:
        keys, train_labels = set(), {}
        warnings.append(f"the training data of {adapter.name if adapter else 'the task'} ({source}) is no longer "
                        "available: leakage and label coverage were not checked")
        return warnings
    counts: dict[str, int] = {}
    for case in cases:
        for label in case["gold"]:
            counts[label] = counts.get(label, 0) + 1
    where = f"{source} version {source_version}" if source_version is not None else source
    for label, count in counts.items():
        if label not in train_labels:
            warnings.append(f"label '{label}' has {count} test example(s) but none in the training data ({where}): "
                            "the model cannot have learned it")
    if adapter is not None:
        leaked = sum(1 for c in cases if (c["prompt"].strip(), task.classify.join(c["gold"])) in keys
                     or any((c["prompt"].strip(), g) in keys for g in c["gold"]))
        if leaked:
            warnings.append(f"leakage: {leaked} of {len(cases)} test examples were in the training data of adapter "
                            f"{adapter.name} ({where}); its scores are inflated. Evaluate on examples it never saw "
                            "(split the dataset before training)")
    return warnings


def _predict(ctx, engine, model: str, adapter: str | None, task, cases: list[dict], free: bool,
             label: str, offset: int, total: int) -> list[dict]:
    """Decisions for every case, in batches of cases sharing a system prompt."""
    from engine.tasks.classify import classify_prompts
    spec = task.classify
    out: list[dict] = []
    start = 0
    while start < len(cases):
        system = cases[start]["system"]
        end = start + 1
        while end < len(cases) and end - start < 16 and cases[end]["system"] == system:
            end += 1
        ctx.check_cancelled()
        prompts = [c["prompt"] for c in cases[start:end]]
        if free:
            generator = engine.text.generator(model, adapter, backend="torch")   # scored by the PyTorch model
            width = max(len(generator.loaded.tokenizer(n, add_special_tokens=False)["input_ids"]) for n in spec.names)
            results = generator.generate(prompts, {"max_new_tokens": width * (len(spec.names) if spec.multi_label
                                                                              else 1) + 4,
                                                   "temperature": 0, "batch_size": 16},
                                         should_stop=ctx.cancelled, system=system)
            for r in results:
                parsed = spec.parse(str(r["text"]))
                out.append({"label": str(r["text"]).strip(), "labels": parsed or [OUTSIDE], "confidence": None,
                            "scores": None})
        else:
            out += classify_prompts(engine, model, adapter, spec, prompts, system, ctx.cancelled)
        start = end
        ctx.report((offset + start) / total, tr("{system}: example {number} of {total}", system=label, number=start, total=len(cases)))
    return out


def evaluate_classify(ctx, config, task, dataset: str, model: str) -> dict:
    from engine.tasks.classify_report import render
    engine = ctx.engine
    spec = task.classify
    ref = engine.data.version_ref(dataset)
    cases = gold_cases(engine, task, dataset, ref["version"], config.split, config.limit)
    if not cases:
        raise UserError(tr("dataset {dataset} version {version} has no '{split}' examples with a label", dataset=dataset, version=ref['version'], split=config.split),
                        hint=tr("split dataset {dataset} into train, validation and test first", dataset=dataset))
    free = bool(getattr(config, "free", False))
    systems = [(config.against or "base model", config.against)]
    if config.adapter:
        systems.append((config.adapter, config.adapter))
    base = engine.models.get(model)
    results, ids, warnings = [], [], []
    val_cases = [] if free or spec.multi_label or config.split == "val" else \
        gold_cases(engine, task, dataset, ref["version"], "val", None)
    if not free and not spec.multi_label and config.split != "val" and len(val_cases) < 2:
        warnings.append(f"dataset {dataset} version {ref['version']} has no validation examples: confidence is "
                        "not calibrated (split it with a validation share to fit a temperature)")
        val_cases = []
    per_system = len(cases) + len(val_cases)
    total = per_system * len(systems)
    for position, (label, adapter_name) in enumerate(systems):
        adapter = engine.models.get(adapter_name) if adapter_name else None
        if free and is_head(adapter):
            raise UserError(tr("{name} is a classification head; it cannot generate", name=adapter.name), hint=tr("evaluate without free generation"), options=("--free",))
        system_warnings = data_warnings(engine, task, dataset, ref, cases, adapter)
        warnings += [w for w in system_warnings if w not in warnings]
        decisions = _predict(ctx, engine, model, adapter_name, task, cases, free, label, position * per_system, total)
        gold = [c["gold"] for c in cases]
        pred = [d["labels"] for d in decisions]
        scores = summary(gold, pred, spec.names, spec.multi_label)
        if val_cases:
            val = _predict(ctx, engine, model, adapter_name, task, val_cases, False, f"{label} (validation)",
                           position * per_system + len(cases), total)
            scores["calibration"] = calibration.report(val, [c["gold"] for c in val_cases], decisions, gold,
                                                       spec.names)
        per_example = {"gold": gold, "pred": pred, "labels": spec.names, "keys": [c["id"] for c in cases]}
        ci = {m: list(bootstrap_ci(statistic_for(per_example, m), len(cases), evals_store.RESAMPLES))
              for m in ("accuracy", "macro_f1") + (("micro_f1",) if spec.multi_label else ())}
        scores["ci"] = ci
        if scores["outside"]:
            system_warnings.append(f"{label}: {scores['outside']} of {len(cases)} answers were outside the label "
                                   "set; they count as wrong")
            warnings.append(system_warnings[-1])
        if scores["unused_labels"]:
            note = ("labels with no test examples and no predictions, left out of the macro average: "
                    + ", ".join(scores["unused_labels"]))
            if note not in warnings:
                warnings.append(note)
        for step, key in enumerate(("accuracy", "macro_precision", "macro_recall", "macro_f1")):
            ctx.metric(f"{position}:{key}", scores[key], step)
        ids.append(evals_store.record(
            ctx.workspace, task=task.name, job_id=ctx.job_id, kind="classify",
            method="free" if free else "head" if is_head(adapter) else "scored",
            ref=ref, split=config.split, examples=len(cases), model=base, adapter=adapter, main_metric=MAIN_METRIC,
            main_value=scores[MAIN_METRIC], metrics={k: v for k, v in scores.items() if k != "confusion"},
            per_example=per_example, warnings=system_warnings))
        results.append({"label": label, "model": model, "adapter": adapter_name, "metrics": scores,
                        "decisions": decisions})
    report = {"task": task.name, "kind": "classify", "method": "free generation" if free else "label likelihood",
              "dataset": dataset, "dataset_version": ref["version"], "dataset_hash": ref["hash"],
              "split": config.split, "examples": len(cases), "labels": [l.__dict__ for l in spec.labels],
              "multi_label": spec.multi_label, "warnings": warnings, "created_at": time.time(),
              "systems": [{k: v for k, v in r.items() if k != "decisions"} for r in results],
              "samples": _samples(cases, results)}
    base_path = Path(config.report) if config.report else \
        ctx.workspace.folder("exports") / f"eval-{task.name}-{ctx.job_id}"
    base_path = base_path.with_suffix("") if base_path.suffix.lower() in (".html", ".md", ".json") else base_path
    paths = {}
    for fmt, suffix in (("html", ".html"), ("md", ".md")):
        path = base_path.with_name(base_path.name + suffix)
        atomic.write_text(path, render(report, fmt))
        paths[fmt] = str(path)
    atomic.write_json(base_path.with_name(base_path.name + ".json"), report)
    paths["json"] = str(base_path.with_name(base_path.name + ".json"))
    evals_store.set_report(ctx.workspace, ids, paths)
    ctx.report(1.0, tr("evaluation report written"))
    return {"task": task.name, "kind": "classify", "examples": len(cases), "dataset_version": ref["version"],
            "systems": report["systems"], "warnings": warnings, "report": paths, "eval_ids": ids}


def _samples(cases: list[dict], results: list[dict], count: int = 12) -> list[dict]:
    """The examples the last system got wrong (least confident first), then its least confident right ones."""
    last = results[-1]["decisions"]
    order = sorted(range(len(cases)), key=lambda i: (last[i]["labels"] == cases[i]["gold"],
                                                     last[i]["confidence"] if last[i]["confidence"] is not None else 0))
    return [{"prompt": cases[i]["prompt"], "gold": ", ".join(cases[i]["gold"]),
             "answers": {r["label"]: {"label": ", ".join(r["decisions"][i]["labels"]),
                                      "confidence": r["decisions"][i]["confidence"]} for r in results}}
            for i in order[:count]]
