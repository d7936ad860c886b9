"""Export from the Models manager: a text model (+ an adapter merged in, or the adapter alone) as a GGUF
file for llama.cpp, LM Studio or Ollama; an image model (+ a LoRA merged in) as one Stable Diffusion
checkpoint for A1111 and ComfyUI. The export runs as a job with progress and cancel."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout)

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of


class GGUFExportDialog(QDialog):
    """Quantization, adapter and output file for ``models.export``; the job shows in the banner."""

    def __init__(self, page, model, models):
        super().__init__(page)
        self.setObjectName("ggufExportDialog")
        self.setWindowTitle(self.tr("Export as GGUF"))
        self.resize(600, 320)
        self.page = page
        self.engine = page.engine
        self.overwrite = False
        base = model if model.role == "base" else next((m for m in models if m.id == model.base_id), model)
        self.base = base
        self.quant = QComboBox()
        for value, label in (
                ("f16", self.tr("f16: exact, half the size of fp32")),
                ("q8_0", self.tr("q8_0: about half of f16, nearly exact")),
                ("q6_k", self.tr("q6_k: llama.cpp k-quant, close to q8_0")),
                ("q5_k_m", self.tr("q5_k_m: llama.cpp k-quant")),
                ("q4_k_m", self.tr("q4_k_m: llama.cpp k-quant, the usual choice for laptops")),
                ("q4_0", self.tr("q4_0: about a quarter of f16, least exact"))):
            self.quant.addItem(label, value)
        self.adapter = QComboBox()
        self.adapter.addItem(self.tr("None (the base model alone)"), None)
        for other in models:
            if other.role == "adapter" and other.base_id == base.id and other.kind == "text" \
                    and (other.info or {}).get("method") != "sequence-classification":
                self.adapter.addItem(other.name, other.name)
        if model.role == "adapter":
            self.adapter.setCurrentIndex(max(0, self.adapter.findData(model.name)))
        self.adapter_only = QCheckBox(self.tr("Only the adapter (a GGUF LoRA file, used on top of the base's GGUF)"))
        self.adapter.currentIndexChanged.connect(self._adapter_changed)
        self.adapter_only.toggled.connect(lambda on: self.quant.setEnabled(not on))
        self.out = QLineEdit()
        self.out.setPlaceholderText(self.tr("Where to write the .gguf file"))
        self.out.textEdited.connect(lambda *_: setattr(self, "overwrite", False))
        browse = QPushButton(self.tr("Save as…"))
        browse.clicked.connect(self._pick)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Model"), QLabel(base.name))
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow("", self.adapter_only)
        form.addRow(self.tr("Quantization"), self.quant)
        form.addRow(self.tr("File"), row)
        self.note = QLabel(self.tr("The file is checked in llama.cpp against this model before it is kept."))
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setProperty("primary", True)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._adapter_changed()

    def _adapter_changed(self) -> None:
        has_adapter = self.adapter.currentData() is not None
        self.adapter_only.setEnabled(has_adapter)
        if not has_adapter:
            self.adapter_only.setChecked(False)

    def _pick(self) -> None:
        suggested = (self.adapter.currentData() or self.base.name) + ".gguf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export as GGUF"), suggested,
                                              self.tr("GGUF files (*.gguf)"))
        if path:
            self.out.setText(path if path.lower().endswith(".gguf") else path + ".gguf")
            self.overwrite = True  # the save dialog already asked about replacing an existing file

    def start(self) -> None:
        out = self.out.text().strip()
        if not out:
            self.message.setText("⚠ " + self.tr("Choose where to write the .gguf file."))
            return
        if not out.lower().endswith(".gguf"):
            out += ".gguf"
        self.export_button.setEnabled(False)
        self.message.clear()
        Op(self, self.engine.models.export_gguf, self.base.name, out, adapter=self.adapter.currentData(),
           quant=self.quant.currentData(), adapter_only=self.adapter_only.isChecked(), force=self.overwrite) \
            .success(self._started).failure(self._refused).run_in_background()

    def _refused(self, exc, details) -> None:
        self.export_button.setEnabled(True)
        self.message.setText("✕ " + reason_of(exc))

    def _started(self, job) -> None:
        self.job_row = self.page.window_.show_banner_job(job)
        self.accept()


class CheckpointExportDialog(QDialog):
    """An image model (+ a LoRA merged in at a chosen strength) as one Stable Diffusion .safetensors file
    in the original layout A1111 and ComfyUI load; the engine re-imports it and compares a fixed-seed
    picture before keeping it."""

    def __init__(self, page, model, models):
        super().__init__(page)
        self.setObjectName("checkpointExportDialog")
        self.setWindowTitle(self.tr("Export as Stable Diffusion checkpoint"))
        self.resize(600, 300)
        self.page = page
        self.engine = page.engine
        self.overwrite = False
        base = model if model.role == "base" else next((m for m in models if m.id == model.base_id), model)
        self.base = base
        self.adapter = QComboBox()
        self.adapter.addItem(self.tr("None (the base model alone)"), None)
        for other in models:
            if other.role == "adapter" and other.base_id == base.id and other.kind == "image":
                self.adapter.addItem(other.name, other.name)
        if model.role == "adapter":
            self.adapter.setCurrentIndex(max(0, self.adapter.findData(model.name)))
        self.scale = QDoubleSpinBox()
        self.scale.setRange(-2.0, 2.0)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(1.0)
        self.adapter.currentIndexChanged.connect(lambda *_: self.scale.setEnabled(self.adapter.currentData()
                                                                                  is not None))
        self.scale.setEnabled(self.adapter.currentData() is not None)
        self.out = QLineEdit()
        self.out.setPlaceholderText(self.tr("Where to write the .safetensors file"))
        self.out.textEdited.connect(lambda *_: setattr(self, "overwrite", False))
        browse = QPushButton(self.tr("Save as…"))
        browse.clicked.connect(self._pick)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Model"), QLabel(base.name))
        form.addRow(self.tr("LoRA merged in"), self.adapter)
        form.addRow(self.tr("LoRA strength"), self.scale)
        form.addRow(self.tr("File"), row)
        self.note = QLabel(self.tr("One file in the original Stable Diffusion layout, for A1111 and ComfyUI. It is "
                                   "imported back and must draw the same picture for a fixed seed before it is kept."))
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setProperty("primary", True)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def _pick(self) -> None:
        suggested = (self.adapter.currentData() or self.base.name) + ".safetensors"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export as Stable Diffusion checkpoint"), suggested,
                                              self.tr("Safetensors files (*.safetensors)"))
        if path:
            self.out.setText(path if path.lower().endswith(".safetensors") else path + ".safetensors")
            self.overwrite = True  # the save dialog already asked about replacing an existing file

    def start(self) -> None:
        out = self.out.text().strip()
        if not out:
            self.message.setText("⚠ " + self.tr("Choose where to write the .safetensors file."))
            return
        if not out.lower().endswith(".safetensors"):
            out += ".safetensors"
        self.export_button.setEnabled(False)
        self.message.clear()
        Op(self, self.engine.models.export_checkpoint, self.base.name, out, adapter=self.adapter.currentData(),
           adapter_scale=self.scale.value(), force=self.overwrite) \
            .success(self._started).failure(self._refused).run_in_background()

    def _refused(self, exc, details) -> None:
        self.export_button.setEnabled(True)
        self.message.setText("✕ " + reason_of(exc))

    def _started(self, job) -> None:
        self.job_row = self.page.window_.show_banner_job(job)
        self.accept()
