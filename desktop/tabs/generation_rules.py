"""What a generation panel takes from the chosen task: its prompt template (filled with the task's example
values when it has them all) and system prompt, and the length rules an output is counted against."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def task_prompt(engine, name: str) -> dict:
    """The task, its prompt (rendered with its examples, else the bare template) and system prompt."""
    from engine.errors import UserError
    task = engine.tasks.get(name)
    step = next((s for s in task.effective_steps() if s.name == task.checked_step()), task.effective_steps()[0])
    try:
        prompt = engine.tasks.preview(name, dict(task.examples))[0]["prompt"] if task.examples else step.template
    except UserError:
        prompt = step.template
    return {"task": task, "prompt": prompt, "system": task.step_system(step) or "",
            "constraints": task.step_constraints(step)}


def _words() -> dict[str, str]:
    translate = QCoreApplication.translate
    return {"chars": translate("GenerationRules", "%1 characters"), "words": translate("GenerationRules", "%1 words"),
            "min": translate("GenerationRules", "at least %1"), "max": translate("GenerationRules", "at most %1")}


def _failure_names() -> dict[str, str]:
    translate = QCoreApplication.translate
    return {"min_chars": translate("GenerationRules", "too short"),
            "max_chars": translate("GenerationRules", "too long"),
            "min_words": translate("GenerationRules", "too few words"),
            "max_words": translate("GenerationRules", "too many words"),
            "required_terms": translate("GenerationRules", "missing a required term"),
            "banned_terms": translate("GenerationRules", "has a banned term"),
            "regex": translate("GenerationRules", "does not match the pattern"),
            "language": translate("GenerationRules", "wrong language")}


def failure_text(failure: str) -> str:
    """``"max_chars: 72 > 60"`` as ``"too long (72 > 60)"`` in the interface language."""
    kind, _, detail = failure.partition(":")
    name = _failure_names().get(kind.strip())
    return f"{name} ({detail.strip()})" if name and detail.strip() else (name or failure)


def _limits(words: dict, low, high) -> str:
    limits = [words[key].replace("%1", str(value)) for key, value in (("min", low), ("max", high)) if value is not None]
    return " (" + ", ".join(limits) + ")" if limits else ""


def rules_text(text: str, constraints, final: bool) -> tuple[str, bool]:
    """``"42 characters (at most 60) · 8 words"`` and whether the text keeps the task's rules so far
    (while streaming only the upper limits count; once ``final``, every rule of the task)."""
    from engine.tasks.constraints import char_count, check, word_count
    words = _words()
    chars = words["chars"].replace("%1", str(char_count(text)))
    count = words["words"].replace("%1", str(word_count(text)))
    if constraints is not None:
        chars += _limits(words, constraints.min_chars, constraints.max_chars)
        count += _limits(words, constraints.min_words, constraints.max_words)
    summary = chars + " · " + count
    if constraints is None or not text.strip():
        return summary, True
    failures = check(text, constraints)
    if not final:
        failures = [f for f in failures if f.startswith(("max_chars", "max_words", "banned_terms"))]
    if failures:
        return "⚠ " + summary + " — " + "; ".join(failure_text(f) for f in failures), False
    return ("✓ " if final else "") + summary, True
