"""Classification tasks: a label set, single- or multi-label, answered by label-likelihood scoring.

A ``classify`` task is a text task whose answer is one label (or, multi-label, a
set of labels) from a fixed list. Its dataset holds the rendered input as the
instruction and the label(s) as the output, so the ordinary LoRA training
teaches the model to write the label. At run and evaluation time the model does
not generate: every label is scored as the answer to the prompt (mean
log-probability per token, ``engine.tasks.label_scoring``) and the scores go
through a softmax, so the answer is always inside the label set and carries a
confidence.

Multi-label answers list the labels in label-set order joined by ``separator``;
each label's score is then its share of the probability as the start of the
answer, and every label scoring at least ``threshold`` is predicted (the best
one always is).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.errors import UserError
from engine.i18n import tr

METHODS = ("generative", "sequence-classification")  # how the task's adapters are trained


@dataclass
class Label:
    name: str
    description: str = ""


@dataclass
class ClassifySpec:
    labels: list[Label] = field(default_factory=list)
    multi_label: bool = False
    method: str = "generative"       # generative LoRA scored label by label, or a sequence-classification head
    threshold: float = 0.3           # multi-label: labels whose score reaches this are predicted
    separator: str = ", "

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def parse(self, text: str) -> list[str] | None:
        """The labels a text names (exact, then case-insensitive), or None when any part is outside the set."""
        text = (text or "").strip()
        parts = [p.strip() for p in text.split(self.separator.strip() or ",")] if self.multi_label else [text]
        lookup = {n.casefold(): n for n in self.names}
        found = []
        for part in parts:
            name = part if part in self.names else lookup.get(part.casefold())
            if name is None:
                return None
            if name not in found:
                found.append(name)
        return sorted(found, key=self.names.index) if found else None

    def join(self, labels: list[str]) -> str:
        return self.separator.join(sorted(labels, key=self.names.index))


def classify_from_dict(data, where: str) -> ClassifySpec | None:
    """Validate a task's ``classify`` object: labels unique, non-empty, known method."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise UserError(tr("{where} must be an object with a 'labels' list", where=where))
    known = set(ClassifySpec.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(tr("{where}: unknown field '{unknown}'", where=where, unknown=unknown[0]), hint=tr("allowed: {items}", items=", ".join(sorted(known))))
    raw = data.get("labels")
    if not isinstance(raw, list) or len(raw) < 2:
        raise UserError(tr("{where}.labels must list at least two labels", where=where),
                        hint=tr("e.g. [\"refund\", \"delivery\"] or [{{\"name\": \"refund\", \"description\": \"...\"}}]"))
    labels: list[Label] = []
    for index, item in enumerate(raw):
        lwhere = f"{where}.labels[{index}]"
        if isinstance(item, dict):
            extra = sorted(set(item) - {"name", "description"})
            if extra:
                raise UserError(tr("{lwhere}: unknown field '{extra}'", lwhere=lwhere, extra=extra[0]), hint=tr("use name and description"))
            name, description = item.get("name"), item.get("description") or ""
        else:
            name, description = item, ""
        if not isinstance(name, str) or not name.strip():
            raise UserError(tr("{lwhere} is empty", lwhere=lwhere), hint=tr("give every label a name"))
        if not isinstance(description, str):
            raise UserError(tr("{lwhere}.description must be text", lwhere=lwhere))
        name = name.strip()
        if any(label.name.casefold() == name.casefold() for label in labels):
            raise UserError(tr("{lwhere}: label '{name}' is listed twice", lwhere=lwhere, name=name), hint=tr("remove the duplicate"))
        labels.append(Label(name, description.strip()))
    spec = ClassifySpec(labels=labels, multi_label=bool(data.get("multi_label", False)),
                        method=str(data.get("method") or "generative"),
                        threshold=data.get("threshold", 0.3), separator=str(data.get("separator") or ", "))
    if spec.method not in METHODS:
        raise UserError(tr("{where}.method '{method}' is not supported", where=where, method=spec.method), hint=tr("use {items}", items=", ".join(METHODS)))
    if not isinstance(spec.threshold, (int, float)) or isinstance(spec.threshold, bool) \
            or not 0 < spec.threshold <= 1:
        raise UserError(tr("{where}.threshold must be a number above 0 and at most 1, got {threshold!r}", where=where, threshold=spec.threshold))
    sep = spec.separator.strip() or ","
    if spec.multi_label and any(sep in n for n in spec.names):
        bad = next(n for n in spec.names if sep in n)
        raise UserError(tr("{where}: label '{bad}' contains the separator '{sep}'", where=where, bad=bad, sep=sep),
                        hint=tr("rename the label or set another separator"))
    return spec


def check_task(task) -> None:
    """A classify task is one text step served by a model (no composite steps)."""
    spec = getattr(task, "classify", None)
    if spec is None:
        return
    where = f"task {task.name}"
    if task.steps:
        raise UserError(tr("{where}: a classify task cannot have steps", where=where), hint=tr("make it a single-step task"))
    if task.modality != "text":
        raise UserError(tr("{where}: a classify task must be a text task", where=where))


def softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def decide(spec: ClassifySpec, loglik: list[float]) -> dict:
    """Label(s), confidence and every label's score from per-label mean log-likelihoods."""
    probs = softmax(loglik)
    scores = {name: round(p, 6) for name, p in zip(spec.names, probs)}
    best = max(range(len(probs)), key=probs.__getitem__)
    if spec.multi_label:
        chosen = [n for n, p in zip(spec.names, probs) if p >= spec.threshold] or [spec.names[best]]
        if spec.names[best] not in chosen:
            chosen.append(spec.names[best])
        chosen = sorted(chosen, key=spec.names.index)
        confidence = min(scores[n] for n in chosen)
    else:
        chosen, confidence = [spec.names[best]], scores[spec.names[best]]
    return {"label": spec.join(chosen), "labels": chosen, "confidence": round(confidence, 6), "scores": scores}


def decide_probabilities(spec: ClassifySpec, probs: list[float]) -> dict:
    """Like ``decide`` for a classification head's probabilities (softmax, or per-label sigmoid if multi-label)."""
    scores = {name: round(float(p), 6) for name, p in zip(spec.names, probs)}
    best = max(range(len(probs)), key=probs.__getitem__)
    if spec.multi_label:
        chosen = [n for n, p in zip(spec.names, probs) if p >= 0.5] or [spec.names[best]]
    else:
        chosen = [spec.names[best]]
    return {"label": spec.join(chosen), "labels": sorted(chosen, key=spec.names.index),
            "confidence": round(min(scores[n] for n in chosen), 6), "scores": scores}


def classify_prompts(engine, model: str, adapter: str | None, spec: ClassifySpec, prompts: list[str],
                     system: str | None = None, should_stop=None) -> list[dict]:
    """One decision per prompt: a classification head's probabilities when the adapter is one, else every
    label scored by the model (+ adapter) as the answer (see ``decide``)."""
    from engine.tasks.label_scoring import score_answers
    if adapter:
        from engine.tasks.classify_head import classify_with_head, is_head
        entry = engine.models.get(adapter)
        if is_head(entry):
            return classify_with_head(engine, model, entry, spec, prompts, should_stop)
    generator = engine.text.generator(model, adapter, backend="torch")   # label scores need the PyTorch model
    loglik = score_answers(generator, prompts, spec.names, system=system, complete=not spec.multi_label,
                           should_stop=should_stop)
    return [decide(spec, row) for row in loglik]
