"""What a generation panel takes from the chosen task: its prompt template (filled with the task's example
values when it has them all) and system prompt, and the length rules an output is counted against."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("GenerationRules", text)


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


def rules_text(text: str, constraints, final: bool) -> tuple[str, bool]:
    """``"42 characters (at most 60) · 8 words"`` and whether the text keeps the task's rules so far
    (while streaming only the upper limits count; once ``final``, every rule of the task)."""
    from engine.tasks.constraints import char_count, check, word_count
    chars, words = char_count(text), word_count(text)
    parts = [_tr("%1 characters").replace("%1", str(chars)), _tr("%1 words").replace("%1", str(words))]
    if constraints is not None:
        limits = []
        if constraints.min_chars is not None:
            limits.append(_tr("at least %1").replace("%1", str(constraints.min_chars)))
        if constraints.max_chars is not None:
            limits.append(_tr("at most %1").replace("%1", str(constraints.max_chars)))
        if limits:
            parts[0] += " (" + ", ".join(limits) + ")"
        word_limits = []
        if constraints.min_words is not None:
            word_limits.append(_tr("at least %1").replace("%1", str(constraints.min_words)))
        if constraints.max_words is not None:
            word_limits.append(_tr("at most %1").replace("%1", str(constraints.max_words)))
        if word_limits:
            parts[1] += " (" + ", ".join(word_limits) + ")"
    summary = " · ".join(parts)
    if constraints is None or not text.strip():
        return summary, True
    failures = check(text, constraints)
    if not final:
        failures = [f for f in failures if f.startswith(("max_chars", "max_words", "banned_terms"))]
    if failures:
        return "⚠ " + summary + " — " + "; ".join(failures), False
    return ("✓ " if final else "") + summary, True
