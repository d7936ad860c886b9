"""Pickers the generation panels share: base models of one kind, their adapters, and a lockable seed."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSpinBox


def fill_base_models(combo: QComboBox, models, kind: str) -> None:
    """List the base models of one kind, keeping the current choice, without firing change signals."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for model in models:
        if model.kind == kind and model.role == "base":
            combo.addItem(model.name, model.name)
    if combo.findData(keep) >= 0:
        combo.setCurrentIndex(combo.findData(keep))
    combo.blockSignals(False)


def adapters_of(models, base_name: str | None) -> list:
    """The trained adapters of the named base model (none when it is not in the list)."""
    base = next((m for m in models if m.name == base_name), None)
    return [m for m in models if m.role == "adapter" and base and m.base_id == base.id]


def seed_row() -> tuple[QSpinBox, QCheckBox, QHBoxLayout]:
    """A seed box and a Lock box beside it; the caller sets the Lock texts in its own translation context."""
    seed = QSpinBox()
    seed.setRange(0, 2**31 - 1)
    seed.setValue(42)
    lock = QCheckBox()
    lock.setChecked(True)
    row = QHBoxLayout()
    row.addWidget(seed, 1)
    row.addWidget(lock)
    return seed, lock, row
