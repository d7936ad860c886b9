"""Export from the Models manager: a text model (+ an adapter merged in, or the adapter alone) as a GGUF
file for llama.cpp, LM Studio or Ollama; an image model (+ a LoRA merged in) as one Stable Diffusion
checkpoint for A1111 and ComfyUI. The export runs as a job with progress and cancel."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QLabel

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of
from desktop.widgets.save_target import SaveTarget, export_layout


def base_and_adapters(dialog: QDialog, model, models, usable) -> tuple:
    """The base model of the selection, and a choice of its ``usable`` adapters (the selected one chosen)."""
    base = model if model.role == "base" else next((m for m in models if m.id == model.base_id), model)
    adapter = QComboBox()
    adapter.addItem(dialog.tr("None (the base model alone)"), None)
    for other in models:
        if other.role == "adapter" and other.base_id == base.id and usable(other):
            adapter.addItem(other.name, other.name)
    if model.role == "adapter":
        adapter.setCurrentIndex(max(0, adapter.findData(model.name)))
    return base, adapter


class GGUFExportDialog(QDialog):
    """Quantization, adapter and output file for ``models.export``; the job shows in the banner."""

    def __init__(self, page, model, models):
        super().__init__(page)
        self.setObjectName("ggufExportDialog")
        self.setWindowTitle(self.tr("Export as GGUF"))
        self.resize(600, 320)
        self.page = page
        self.engine = page.engine
        self.base, self.adapter = base_and_adapters(self, model, models, lambda other: other.kind == "text"
                                                    and (other.info or {}).get("method") != "sequence-classification")
        self.quant = QComboBox()
        for value, label in (
                ("f16", self.tr("f16: exact, half the size of fp32")),
                ("q8_0", self.tr("q8_0: about half of f16, nearly exact")),
                ("q6_k", self.tr("q6_k: llama.cpp k-quant, close to q8_0")),
                ("q5_k_m", self.tr("q5_k_m: llama.cpp k-quant")),
                ("q4_k_m", self.tr("q4_k_m: llama.cpp k-quant, the usual choice for laptops")),
                ("q4_0", self.tr("q4_0: about a quarter of f16, least exact"))):
            self.quant.addItem(label, value)
        self.adapter_only = QCheckBox(self.tr("Only the adapter (a GGUF LoRA file, used on top of the base's GGUF)"))
        self.adapter.currentIndexChanged.connect(self._adapter_changed)
        self.adapter_only.toggled.connect(lambda on: self.quant.setEnabled(not on))
        self.target = SaveTarget(self, ".gguf", self.tr("Where to write the .gguf file"), self.tr("Export as GGUF"),
                                 self.tr("GGUF files (*.gguf)"), lambda: self.adapter.currentData() or self.base.name)
        self.out = self.target.field
        form = QFormLayout()
        form.addRow(self.tr("Model"), QLabel(self.base.name))
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow("", self.adapter_only)
        form.addRow(self.tr("Quantization"), self.quant)
        form.addRow(self.tr("File"), self.target.row)
        export_layout(self, form, self.tr("The file is checked in llama.cpp against this model before it is kept."))
        self._adapter_changed()

    def _adapter_changed(self) -> None:
        has_adapter = self.adapter.currentData() is not None
        self.adapter_only.setEnabled(has_adapter)
        if not has_adapter:
            self.adapter_only.setChecked(False)

    def start(self) -> None:
        out = self.target.path()
        if not out:
            self.message.setText("⚠ " + self.tr("Choose where to write the .gguf file."))
            return
        self.export_button.setEnabled(False)
        self.message.clear()
        Op(self, self.engine.models.export_gguf, self.base.name, out, adapter=self.adapter.currentData(),
           quant=self.quant.currentData(), adapter_only=self.adapter_only.isChecked(), force=self.target.overwrite) \
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
        self.base, self.adapter = base_and_adapters(self, model, models, lambda other: other.kind == "image")
        self.scale = QDoubleSpinBox()
        self.scale.setRange(-2.0, 2.0)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(1.0)
        self.adapter.currentIndexChanged.connect(lambda *_: self.scale.setEnabled(self.adapter.currentData()
                                                                                  is not None))
        self.scale.setEnabled(self.adapter.currentData() is not None)
        self.target = SaveTarget(self, ".safetensors", self.tr("Where to write the .safetensors file"),
                                 self.tr("Export as Stable Diffusion checkpoint"),
                                 self.tr("Safetensors files (*.safetensors)"),
                                 lambda: self.adapter.currentData() or self.base.name)
        self.out = self.target.field
        form = QFormLayout()
        form.addRow(self.tr("Model"), QLabel(self.base.name))
        form.addRow(self.tr("LoRA merged in"), self.adapter)
        form.addRow(self.tr("LoRA strength"), self.scale)
        form.addRow(self.tr("File"), self.target.row)
        export_layout(self, form, self.tr("One file in the original Stable Diffusion layout, for A1111 and ComfyUI. "
                                          "It is imported back and must draw the same picture for a fixed seed "
                                          "before it is kept."))

    def start(self) -> None:
        out = self.target.path()
        if not out:
            self.message.setText("⚠ " + self.tr("Choose where to write the .safetensors file."))
            return
        self.export_button.setEnabled(False)
        self.message.clear()
        Op(self, self.engine.models.export_checkpoint, self.base.name, out, adapter=self.adapter.currentData(),
           adapter_scale=self.scale.value(), force=self.target.overwrite) \
            .success(self._started).failure(self._refused).run_in_background()

    def _refused(self, exc, details) -> None:
        self.export_button.setEnabled(True)
        self.message.setText("✕ " + reason_of(exc))

    def _started(self, job) -> None:
        self.job_row = self.page.window_.show_banner_job(job)
        self.accept()
