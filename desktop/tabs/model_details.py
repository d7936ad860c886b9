"""The selected model's facts (size on disk, parameters, weights dtype or quantization, context length,
licence) and what can be done with it from the Models tab: rename, open its folder, use it in Generation
or Training."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.bridge import Op


def human_count(count: int | None) -> str:
    if not count:
        return "—"
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= size:
            return f"{count / size:.2f}".rstrip("0").rstrip(".") + unit
    return str(count)


class ModelDetails(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.model = None
        self.facts = {key: QLabel("—") for key in ("size", "parameters", "weights", "context", "license")}
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        for key, label in (("size", self.tr("Size on disk")), ("parameters", self.tr("Parameters")),
                           ("weights", self.tr("Weights")), ("context", self.tr("Context length")),
                           ("license", self.tr("Licence"))):
            self.facts[key].setObjectName("muted")
            form.addRow(label, self.facts[key])
        buttons = QHBoxLayout()
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.folder_button = QPushButton(self.tr("Open folder"))
        self.generate_button = QPushButton(self.tr("Use in Generation"))
        self.train_button = QPushButton(self.tr("Use in Training"))
        self.train_button.setToolTip(self.tr("A base model is trained on; an adapter is trained further"))
        for button in (self.rename_button, self.folder_button, self.generate_button, self.train_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.rename_button.clicked.connect(lambda: self.rename())
        self.folder_button.clicked.connect(self.open_folder)
        self.generate_button.clicked.connect(lambda: self.use("generation"))
        self.train_button.clicked.connect(lambda: self.use("training"))
        self._generation = 0
        self.show_model(None)

    def show_model(self, model) -> None:
        self.model = model
        for button in (self.rename_button, self.folder_button, self.generate_button, self.train_button):
            button.setEnabled(model is not None)
        for label in self.facts.values():
            label.setText("—")
        if model is None or self.page.engine is None:
            return
        self._generation += 1
        generation = self._generation
        Op(self, self.page.engine.models.details, model.name).success(
            lambda details: self._show(details) if generation == self._generation else None).run_in_background()

    def _show(self, details: dict) -> None:
        from desktop.tabs.bundles import human_size
        self.facts["size"].setText(self.tr("%1 in %2 files").replace("%1", human_size(details["size_bytes"]))
                                   .replace("%2", str(details["files"])))
        self.facts["parameters"].setText(human_count(details["parameters"]))
        weights = [str(details[key]) for key in ("dtype", "quantization") if details.get(key)]
        self.facts["weights"].setText(" · ".join(weights) or "—")
        context = details.get("context_length")
        self.facts["context"].setText(self.tr("%1 tokens").replace("%1", f"{int(context):,}") if context else "—")
        self.facts["license"].setText(details.get("license") or self.tr("Not stated (check with the supplier)"))

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        show_error(self, exc, details)

    def rename(self, name: str | None = None) -> None:
        model = self.model
        if model is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Rename model"), self.tr("New name:"), text=model.name)
            if not ok or not name.strip() or name == model.name:
                return
        Op(self, self.page.engine.models.rename, model.name, name).success(lambda _: self.page.refresh()) \
            .failure(self._failed).run_in_background()

    def open_folder(self) -> None:
        if self.model is not None:
            from pathlib import Path
            path = Path(self.model.path)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))

    def use(self, where: str) -> None:
        """Open Generation or Training with this model (an adapter: its base model with the adapter)."""
        model = self.model
        if model is None:
            return
        base, adapter = model, None
        if model.role == "adapter":
            base = next((m for m in self.page.models if m.id == model.base_id), None)
            adapter = model.name
            if base is None:
                return
        target = self.page.window_.show_page(where)
        target.use_model(base.name, base.kind, adapter)
