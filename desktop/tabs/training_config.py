"""Save and load the New-run form as a training config file (the typed config a run keeps as its
``config.json``), and show the ``aigc train`` command that starts the same run, ready to copy."""
from __future__ import annotations

from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from desktop.bridge import Op


class ConfigTools(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save config…"))
        self.save_button.setToolTip(self.tr("Save these settings as a JSON file to start the same run later"))
        self.load_button = QPushButton(self.tr("Load config…"))
        self.load_button.setToolTip(self.tr("Fill the form from a saved config or a run's config.json"))
        self.command_button = QPushButton(self.tr("Command"))
        self.command_button.setCheckable(True)
        self.command_button.setToolTip(self.tr("The aigc train command that starts this run from a terminal"))
        for button in (self.save_button, self.load_button, self.command_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.command = QPlainTextEdit()
        self.command.setReadOnly(True)
        self.command.setMaximumHeight(120)
        self.copy_button = QPushButton(self.tr("Copy command"))
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.command_note = QLabel()   # what the command line cannot carry
        self.command_note.setObjectName("muted")
        self.command_note.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addWidget(self.command)
        row = QHBoxLayout()
        row.addWidget(self.command_note, 1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.save_button.clicked.connect(lambda: self.save())
        self.load_button.clicked.connect(lambda: self.load())
        self.command_button.toggled.connect(self._show_command)
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.command.toPlainText()))
        self._generation = 0
        self.note.hide()
        self._show_command(False)

    def current(self) -> tuple[str, dict] | None:
        """(kind, config) of the form, or None until a model and dataset are chosen."""
        page = self.page
        model, dataset = page.selected_model(), page.selected_dataset()
        if model is None or dataset is None:
            return None
        return ("text", page.text_config()) if model.kind == "text" else ("image", page.image_config())

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        show_error(self, exc, details)

    # -- files ------------------------------------------------------------------------
    def save(self, path: str | None = None) -> None:
        current = self.current()
        if current is None:
            self.note.setText(self.tr("Pick a model and a dataset first."))
            self.note.show()
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save training config"), "training-config.json",
                                                  self.tr("JSON files (*.json)"))
            if not path:
                return
        from engine.training.config_file import save_config
        Op(self, save_config, path, *current).success(lambda _: self._say(self.tr("Saved to %1").replace("%1", path))) \
            .failure(self._failed).run_in_background()

    def load(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Load training config"), "",
                                                  self.tr("JSON files (*.json);;All files (*)"))
            if not path:
                return
        from engine.training.config_file import load_config
        Op(self, load_config, path).success(lambda loaded: self.apply(*loaded)).failure(self._failed) \
            .run_in_background()

    def apply(self, kind: str, config: dict) -> None:
        """Choose the config's model and dataset (when this workspace has them) and fill the form."""
        page, missing = self.page, []
        for box, key in ((page.model_box, "model"), (page.data_box, "data")):
            index = box.findData(config.get(key))
            if index >= 0:
                box.setCurrentIndex(index)
            else:
                missing.append(str(config.get(key)))
        kept = page.form.apply_config(kind, config)
        page._continue_base = page.model_box.currentData()   # an init_adapter in the file fits this base
        lines = [self.tr("Loaded.")]
        if missing:
            lines.append("⚠ " + self.tr("Not in this workspace: %1").replace("%1", ", ".join(missing)))
        if kept:
            lines.append(self.tr("Also used from the file: %1").replace("%1", ", ".join(kept)))
        self._say(" ".join(lines))
        page.update_preflight()

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    # -- the command ----------------------------------------------------------------------
    def _show_command(self, shown: bool) -> None:
        self.command.setVisible(shown)
        self.copy_button.setVisible(shown)
        self.command_note.setVisible(shown)
        if shown:
            self.refresh_command()

    def refresh_command(self) -> None:
        """Rebuild the command from the form (only while it is shown)."""
        if not self.command_button.isChecked():
            return
        current = self.current()
        if current is None:
            self.command.setPlainText("")
            self.command_note.setText(self.tr("Pick a model and a dataset first."))
            return
        from engine.training.config_file import train_command
        kind, config = current
        engine = self.page.engine
        nproc = self.page.processes.value() if kind == "text" else 1
        self._generation += 1
        generation = self._generation

        def shown(result: dict) -> None:
            if generation != self._generation:
                return
            self.command.setPlainText(result["command"])
            self.command_note.setText(self.tr("Not on the command line (use a saved config): %1")
                                      .replace("%1", ", ".join(result["left_out"])) if result["left_out"] else "")
        Op(self, train_command, kind, config, nproc, engine.root if engine is not None else None) \
            .success(shown).failure(self._failed).run_in_background()
