"""Saved prompts and settings: pick one to fill the panel, save the panel under a name, delete one.
The presets live in the workspace (``engine.presets``) so every user of the workspace sees the same ones."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QToolButton, QWidget

from desktop import icons
from desktop.bridge import Op


class PresetBar(QWidget):
    """``values()`` reads the panel, ``apply(values)`` fills it; ``kind`` is "text" or "image"."""

    def __init__(self, panel, kind: str, values, apply):
        super().__init__()
        self.panel, self.kind, self.values, self.apply = panel, kind, values, apply
        self.presets: dict[str, dict] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setToolTip(self.tr("Saved prompts and settings of this workspace"))
        self.save_button = QToolButton()
        self.save_button.setIcon(icons.icon("add"))
        self.save_button.setToolTip(self.tr("Save the prompt and settings as a preset"))
        self.delete_button = QToolButton()
        self.delete_button.setIcon(icons.icon("delete"))
        self.delete_button.setToolTip(self.tr("Delete the chosen preset"))
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self.combo.currentIndexChanged.connect(self._picked)
        self.save_button.clicked.connect(lambda: self.save())
        self.delete_button.clicked.connect(self.delete)
        self._fill({})

    def engine(self):
        return self.panel.page.engine

    def reload(self) -> None:
        engine = self.engine()
        if engine is not None:
            Op(self, engine.presets.list, self.kind).success(self._fill).failure(self._failed).run_in_background()

    def _fill(self, presets: dict) -> None:
        keep = self.combo.currentData()
        self.presets = dict(presets)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("Presets…") if presets else self.tr("No saved presets"), None)
        for name in presets:
            self.combo.addItem(name, name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(keep)) if keep else 0)
        self.combo.blockSignals(False)
        self.delete_button.setEnabled(self.combo.currentData() is not None)

    def _picked(self, index: int) -> None:
        name = self.combo.itemData(index)
        self.delete_button.setEnabled(name is not None)
        if name is not None:
            self.apply(self.presets.get(name) or {})

    def save(self, name: str | None = None) -> None:
        """Save under ``name``, or ask for one (the chosen preset's name is offered)."""
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Save preset"), self.tr("Preset name:"),
                                            text=self.combo.currentData() or "")
            if not ok or not name.strip():
                return
        values, engine = self.values(), self.engine()

        def saved(result) -> None:
            self.combo.blockSignals(True)
            self.combo.addItem(result["name"], result["name"])
            self.combo.setCurrentIndex(self.combo.count() - 1)
            self.combo.blockSignals(False)
            self.reload()
        Op(self, engine.presets.save, self.kind, name, values).success(saved).failure(self._failed) \
            .run_in_background()

    def delete(self) -> None:
        name = self.combo.currentData()
        if name is not None:
            Op(self, self.engine().presets.remove, self.kind, name).success(lambda _: self.reload()) \
                .failure(self._failed).run_in_background()

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        show_error(self, exc, details)
