"""Settings: workspace folder, device preference, language, theme, and the workspace's bundle signature policy."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from desktop import style
from desktop.bridge import Op


def environment_report() -> dict:
    """Library versions and whether they match the lock file (importlib metadata only: no torch import)."""
    from engine.api import library_versions
    from engine.lockfile import lock_status
    return {"libraries": library_versions(), "lock": lock_status()}


def lock_text(_widget, lock) -> str:
    """Whether the installed libraries match the lock file, in one line."""
    if lock.matches is None:
        return QCoreApplication.translate("SettingsDialog", "no lock file for %1").replace("%1", lock.variant)
    if lock.matches:
        return QCoreApplication.translate("SettingsDialog", "matches the lock file %1 (%2 packages)") \
            .replace("%1", lock.variant).replace("%2", str(lock.pinned))
    differences = ", ".join(f"{n} {v['installed'] or '-'} ≠ {v['locked']}" for n, v in list(lock.mismatched.items())[:4])
    return QCoreApplication.translate("SettingsDialog", "differs from the lock file %1: %2") \
        .replace("%1", lock.variant).replace("%2", differences)


class SettingsDialog(QDialog):
    workspace_changed = Signal(str)
    device_changed = Signal(str)
    language_changed = Signal(str)

    def __init__(self, settings, parent=None, engine=None):
        super().__init__(parent)
        self.engine = engine
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self.settings = settings
        form = QFormLayout()
        form.setSpacing(12)
        self.workspace = QLineEdit(settings.workspace)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.workspace, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Workspace folder"), row)

        self.device = QComboBox()
        for value, label in (("auto", self.tr("Automatic (GPU if present)")), ("cpu", self.tr("CPU")),
                             ("cuda", self.tr("NVIDIA GPU (CUDA)")), ("mps", self.tr("Apple GPU (MPS)"))):
            self.device.addItem(label, value)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        form.addRow(self.tr("Compute device"), self.device)

        self.language = QComboBox()
        for value, label in (("system", self.tr("Follow the system")), ("en", "English"), ("zh_CN", "简体中文")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        form.addRow(self.tr("Language"), self.language)

        self.theme = QComboBox()
        for value, label in (("system", self.tr("Follow the system")), ("light", self.tr("Light")),
                             ("dark", self.tr("Dark"))):
            self.theme.addItem(label, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form.addRow(self.tr("Theme"), self.theme)

        self.require_signature = QCheckBox(self.tr("Import only bundles signed by a trusted key"))
        self.require_signature.setObjectName("requireSignature")
        self.require_signature.setToolTip(self.tr("Stored in this workspace. Trust a department's key with "
                                                  "'aigc keys trust FILE'."))
        self.require_signature.setEnabled(engine is not None)
        self.require_signature.setChecked(engine is not None and engine.keys.require_signature())
        form.addRow(self.tr("Bundles"), self.require_signature)

        self.text_backend = QComboBox()
        self.text_backend.setObjectName("textBackendSetting")
        for value, label in (("auto", self.tr("Automatic (llama.cpp on the CPU when faster)")),
                             ("llamacpp", self.tr("llama.cpp (CPU)")), ("torch", self.tr("PyTorch"))):
            self.text_backend.addItem(label, value)
        self.text_backend.setToolTip(self.tr("Stored in this workspace. Applies to generation, task runs and "
                                             "evaluations."))
        self.text_backend.setEnabled(engine is not None)
        if engine is not None:
            self.text_backend.setCurrentIndex(max(0, self.text_backend.findData(engine.text.generation_backend())))
        form.addRow(self.tr("Text generation"), self.text_backend)

        self.versions = QLabel(self.tr("Reading library versions…"))
        self.versions.setObjectName("versionsLabel")
        self.versions.setWordWrap(True)
        self.versions.setTextInteractionFlags(self.versions.textInteractionFlags()
                                              | Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Libraries"), self.versions)
        Op(self, environment_report).success(self._show_versions).run_in_background()

        note = QLabel(self.tr("The device applies to jobs started from now on. "
                              "A new language applies after a restart."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _show_versions(self, report: dict) -> None:
        names = ", ".join(f"{name} {version or '-'}" for name, version in report["libraries"].items())
        self.versions.setText(f"{names}\n{lock_text(self, report['lock'])}")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the workspace folder"), self.workspace.text())
        if folder:
            self.workspace.setText(folder)

    def accept(self) -> None:
        old_workspace, old_device, old_language = self.settings.workspace, self.settings.device, \
            self.settings.language
        self.settings.device = self.device.currentData()
        self.settings.language = self.language.currentData()
        if self.theme.currentData() != self.settings.theme:
            self.settings.theme = self.theme.currentData()
            from PySide6.QtWidgets import QApplication
            style.apply(QApplication.instance(), self.settings.theme)
        self.settings.sync()
        if self.engine is not None and self.require_signature.isChecked() != self.engine.keys.require_signature():
            self.engine.keys.set_require_signature(self.require_signature.isChecked())
        if self.engine is not None and self.text_backend.currentData() != self.engine.text.generation_backend():
            self.engine.text.set_generation_backend(self.text_backend.currentData())
        super().accept()
        if self.settings.device != old_device:
            self.device_changed.emit(self.settings.device)
        if self.settings.language != old_language:
            self.language_changed.emit(self.settings.language)
        new_workspace = self.workspace.text().strip()
        if new_workspace and new_workspace != old_workspace:
            self.workspace_changed.emit(new_workspace)
