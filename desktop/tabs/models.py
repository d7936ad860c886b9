"""The Models manager: base models and adapters with lineage; import with a verification
report first; verify and remove; offline bundles in and out (desktop.tabs.bundles)."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.tabs.model_details import ModelDetails
from desktop.widgets.buttons import primary_button
from desktop.widgets.dialog_parts import check_import_buttons, path_row
from desktop.widgets.empty_state import EmptyState, empty_stack
from desktop.widgets.error_dialog import reason_of


def check_model_folder(path: str, kind: str | None, trainable: bool = False) -> dict:
    """The verification the import job will do, run first so the user sees the report."""
    from pathlib import Path

    from engine.models.importer import detect_kind
    src = Path(path).expanduser().resolve()
    if src.suffix.lower() == ".gguf" and src.is_file():
        from engine.deploy.gguf_file import read_gguf
        from engine.deploy.gguf_import import check_gguf
        info = check_gguf(src)
        if trainable:
            from engine.deploy.gguf_trainable import check_trainable
            check_trainable(src, read_gguf(src))
        return {"kind": "text", "format": "gguf", **info}
    kind = kind or detect_kind(src)
    if kind == "text":
        from engine.models.text_check import verify_text_folder
        return {"kind": kind, **verify_text_folder(src)}
    from engine.image.verify import verify_pipeline_folder
    if src.is_file():
        return {"kind": kind, "single_file": src.name, "size": src.stat().st_size}
    return {"kind": kind, **verify_pipeline_folder(src)}


class ModelImportDialog(QDialog):
    def __init__(self, engine, parent=None, path: str = ""):
        super().__init__(parent)
        self.setObjectName("modelImportDialog")
        self.setWindowTitle(self.tr("Import a model"))
        self.resize(640, 460)
        self.engine = engine
        self.path = QLineEdit(path)
        self.path.setPlaceholderText(self.tr("A model folder, a single .safetensors checkpoint or a .gguf file"))
        row = path_row(self.path, (self.tr("Folder…"), self._pick_folder), (self.tr("File…"), self._pick_file))
        self.name = QLineEdit()
        self.kind = QComboBox()
        for value, label in (("", self.tr("Detect")), ("text", self.tr("Text model")),
                             ("image", self.tr("Image model"))):
            self.kind.addItem(label, value)
        form = QFormLayout()
        form.addRow(self.tr("Source"), row)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        self.trainable = QCheckBox(self.tr("Make it trainable: dequantize the GGUF file into a new PyTorch model"))
        self.trainable.setToolTip(self.tr("A GGUF model generates through llama.cpp; to fine-tune it, the "
                                          "Workbench converts it into a new model that remembers the file"))
        self.path.textChanged.connect(self._path_changed)
        self.trainable.toggled.connect(lambda checked: self.import_button.setEnabled(False))
        form.addRow("", self.trainable)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(self.tr("Press Check to verify the files before anything is imported."))
        buttons = check_import_buttons(self, self.tr("Check"), self.tr("Import"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.report, 1)
        layout.addWidget(buttons)
        self._path_changed(path)

    def _path_changed(self, text: str) -> None:
        is_gguf = text.strip().lower().endswith(".gguf")
        self.trainable.setEnabled(is_gguf)
        if not is_gguf:
            self.trainable.setChecked(False)

    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the model folder"))
        if path:
            self.path.setText(path)

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a checkpoint"), "",
                                              "Safetensors / GGUF (*.safetensors *.gguf)")
        if path:
            self.path.setText(path)

    def check(self) -> None:
        from pathlib import Path
        path = self.path.text().strip()
        if not path:
            return
        if not self.name.text().strip():
            self.name.setText(Path(path).stem if Path(path).is_file() else Path(path).name)
        self.report.setPlainText(self.tr("Checking the files…"))
        self.import_button.setEnabled(False)
        Op(self, check_model_folder, path, self.kind.currentData() or None, self.trainable.isChecked()) \
            .success(self._checked) \
            .failure(self._refused).run_in_background()

    def _checked(self, info: dict) -> None:
        lines = ["✓ " + self.tr("The files passed verification."), ""]
        lines += [f"{key}: {value}" for key, value in info.items() if not isinstance(value, (dict, list))]
        self.report.setPlainText("\n".join(lines))
        self.import_button.setEnabled(True)

    def _refused(self, exc, details) -> None:
        self.report.setPlainText("✕ " + reason_of(exc))

    def start(self) -> None:
        self.import_button.setEnabled(False)
        Op(self, self.engine.models.import_model, self.path.text().strip(), self.name.text().strip() or None,
           self.kind.currentData() or None, trainable=self.trainable.isChecked()) \
            .success(self._started).run_in_background()

    def _started(self, job) -> None:
        self.parent().window_.show_banner_job(job)
        self.accept()


def checkpoint_exportable(model) -> bool:
    """An image model or image LoRA: it leaves as one Stable Diffusion .safetensors file."""
    return model is not None and model.kind == "image"


def exportable(model) -> bool:
    """A text model or text adapter in Hugging Face form (GGUF files are exported already)."""
    return model is not None and model.kind == "text" and (model.info or {}).get("format") != "gguf" \
        and (model.info or {}).get("method") != "sequence-classification"


class ModelsPage(Page):
    facade = "models"

    def __init__(self, window):
        super().__init__(window)
        self.import_button = primary_button("import", self.tr("Import model…"), lambda: self.open_import())
        self.bundle_import_button = QPushButton(icons.icon("import"), self.tr("Import bundle…"))
        self.bundle_import_button.setToolTip(self.tr("Models, adapters, datasets and tasks from another machine, "
                                                     "verified before anything is added"))
        self.bundle_import_button.clicked.connect(lambda: self.open_bundle_import())
        self.bundle_export_button = QPushButton(icons.icon("export"), self.tr("Export bundle…"))
        self.bundle_export_button.setToolTip(self.tr("One .zip with fingerprints, for a USB stick"))
        self.bundle_export_button.clicked.connect(lambda: self.open_bundle_export())
        self.add_action_button(self.bundle_import_button)
        self.add_action_button(self.bundle_export_button)
        self.add_action_button(self.import_button)
        self.empty = EmptyState("models", self.tr("No models yet"),
                                self.tr("Import a model folder from a USB stick, or load the starter models "
                                        "with the sample content."), self.tr("Import a model"))
        self.inner = empty_stack(self.content, self.empty, lambda: self.open_import())
        self.samples_button = QPushButton(self.tr("Load sample content"))
        self.samples_button.setToolTip(self.tr("Starter models, example datasets and tasks"))
        self.samples_button.clicked.connect(lambda: self.window_.load_samples())
        self.empty.layout().addWidget(self.samples_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.tree = QTreeWidget()
        self.tree.setObjectName("modelsTree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("Trained on"), self.tr("Fingerprint"),
                                   self.tr("Added")])
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setColumnWidth(0, 280)
        self.tree.setColumnWidth(1, 110)
        self.tree.setColumnWidth(2, 300)
        self.tree.setColumnWidth(3, 150)
        self.tree.setRootIsDecorated(True)
        self.tree.currentItemChanged.connect(lambda item, _previous=None: self._selection_changed())
        actions = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify files"))
        self.gguf_button = QPushButton(icons.icon("export"), self.tr("Export as GGUF…"))
        self.gguf_button.setToolTip(self.tr("A file for llama.cpp, LM Studio or Ollama, with a choice of "
                                            "quantization; an adapter merged in or on its own"))
        self.gguf_button.setEnabled(False)
        self.gguf_button.clicked.connect(lambda: self.open_gguf_export())
        self.checkpoint_button = QPushButton(icons.icon("export"), self.tr("Export as checkpoint…"))
        self.checkpoint_button.setToolTip(self.tr("One Stable Diffusion .safetensors file for A1111 or ComfyUI; "
                                                  "a LoRA merged in"))
        self.checkpoint_button.setEnabled(False)
        self.checkpoint_button.setVisible(False)
        self.checkpoint_button.clicked.connect(lambda: self.open_checkpoint_export())
        self.remove_button = QPushButton(icons.icon("delete"), self.tr("Remove"))
        self.remove_button.setProperty("danger", True)
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.detail = QLabel()
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        actions.addWidget(self.detail, 1)
        actions.addWidget(self.gguf_button)
        actions.addWidget(self.checkpoint_button)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.remove_button)
        panel = QWidget()
        inner_layout = QVBoxLayout(panel)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(self.tree, 1)
        self.details = ModelDetails(self)
        inner_layout.addWidget(self.details)
        inner_layout.addLayout(actions)
        from desktop.widgets.job_slot import JobSlot
        self.verify_slot = JobSlot(self, self.window_, inner_layout, self._verified, self._verify_refused)
        self.verify_slot.busy_changed.connect(lambda busy: self.verify_button.setEnabled(not busy))
        self.inner.addWidget(panel)
        self.panel = panel
        self.models = []

    def refresh(self) -> None:
        if self.available():
            Op(self, self.engine.models.list).success(self.newest("_show", self._show)).run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("models.import", "samples.install", "text.train", "image.train", "bundle.import") \
                and state == "succeeded":
            self.refresh()

    def _show(self, models) -> None:
        self.models = models
        self.tree.clear()
        by_id = {}
        bases = [m for m in models if m.role == "base"]
        for model in bases:
            item = self._item(model)
            self.tree.addTopLevelItem(item)
            by_id[model.id] = item
        for model in models:
            if model.role != "base":
                parent = by_id.get(model.base_id)
                item = self._item(model)
                (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
        self.tree.expandAll()
        for column in (1, 3):   # kind and fingerprint: short words, never cut ("Image base m…")
            self.tree.resizeColumnToContents(column)
        self.inner.setCurrentWidget(self.panel if models else self.empty)

    def _item(self, model) -> QTreeWidgetItem:
        kind = {("text", "adapter"): self.tr("Text adapter"), ("text", "base"): self.tr("Text base model"),
                ("image", "adapter"): self.tr("Image adapter"), ("image", "base"): self.tr("Image base model")
                }.get((model.kind, "adapter" if model.role == "adapter" else "base"), f"{model.kind} {model.role}")
        lineage = model.lineage or {}
        trained = ""
        if lineage.get("dataset"):
            trained = f"{lineage['dataset']} v{lineage.get('dataset_version', '?')}"
            if lineage.get("run_id"):
                trained += f" · {lineage['run_id']}"   # run ids read "run-…" already
        name = model.name + ("  · " + self.tr("starter") if model.demo else "")
        if (model.info or {}).get("format") == "gguf":
            kind += " · GGUF " + str(model.info.get("quant") or "")
        item = QTreeWidgetItem([name, kind, trained, (model.sha256 or "")[:12],
                                time.strftime("%Y-%m-%d", time.localtime(model.created_at or 0))])
        item.setIcon(0, icons.icon("text" if model.kind == "text" else "image"))
        item.setData(0, Qt.ItemDataRole.UserRole, model)
        item.setToolTip(0, model.path)
        return item

    def _selection_changed(self) -> None:
        model = self.selected()
        self.gguf_button.setEnabled(exportable(model))
        self.gguf_button.setVisible(not checkpoint_exportable(model))
        self.checkpoint_button.setEnabled(checkpoint_exportable(model))
        self.checkpoint_button.setVisible(checkpoint_exportable(model))
        self.describe(model)
        self.details.show_model(model)

    def describe(self, model) -> None:
        """The selected model's lineage and fingerprint in a few lines beneath the list."""
        if model is None:
            self.detail.clear()
            return
        kind = self.tr("Text") if model.kind == "text" else self.tr("Image")
        fingerprint = self.tr("fingerprint %1").replace("%1", (model.sha256 or "")[:16])
        lines = [f"<b>{model.name}</b> · {kind} · {fingerprint}"]
        if model.role == "adapter":
            base = next((m for m in self.models if m.id == model.base_id), None)
            lineage = model.lineage or {}
            line = self.tr("Adapter of %1").replace("%1", base.name if base else "?")
            if lineage.get("dataset"):
                line += " · " + self.tr("trained on %1 version %2").replace("%1", str(lineage["dataset"])) \
                    .replace("%2", str(lineage.get("dataset_version", "?")))
            if lineage.get("run_id"):
                line += " · " + self.tr("by %1").replace("%1", str(lineage["run_id"]))
            lines.append(line)
        elif (model.info or {}).get("format") == "gguf":
            lines.append(self.gguf_line(model.info))
        elif model.demo:
            lines.append(self.tr("Starter model: small and quick, for trying the workflow; import your own "
                                 "model for real work."))
        lines.append(model.path)
        self.detail.setText("<br>".join(lines))

    def gguf_line(self, info: dict) -> str:
        """Size, quantization and context length of a GGUF model (run by llama.cpp)."""
        from desktop.tabs.bundles import human_size
        return self.tr("GGUF for llama.cpp · %1 · %2 · context %3 tokens") \
            .replace("%1", human_size(int(info.get("size") or 0))).replace("%2", str(info.get("quant") or "?")) \
            .replace("%3", f"{int(info.get('context') or 0):,}")

    def open_gguf_export(self):
        from desktop.tabs.model_export import GGUFExportDialog
        model = self.selected()
        if not exportable(model):
            return None
        dialog = GGUFExportDialog(self, model, self.models)
        dialog.open()
        self.gguf_dialog = dialog
        return dialog

    def open_checkpoint_export(self):
        from desktop.tabs.model_export import CheckpointExportDialog
        model = self.selected()
        if not checkpoint_exportable(model):
            return None
        dialog = CheckpointExportDialog(self, model, self.models)
        dialog.open()
        self.checkpoint_dialog = dialog
        return dialog

    def selected(self):
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def open_import(self, path: str = "") -> ModelImportDialog:
        dialog = ModelImportDialog(self.engine, self, path)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def open_bundle_import(self, path: str = ""):
        from desktop.tabs.bundles import BundleImportDialog
        dialog = BundleImportDialog(self, path)
        dialog.open()
        self.bundle_dialog = dialog
        return dialog

    def open_bundle_export(self):
        """The export dialog, with the selected model (and an adapter's base) already ticked."""
        from desktop.tabs.bundles import BundleExportDialog
        model = self.selected()
        preselect = []
        if model is not None:
            preselect.append(model.name)
            base = next((m for m in self.models if m.id == model.base_id), None)
            if base is not None:
                preselect.append(base.name)
        dialog = BundleExportDialog(self, preselect)
        dialog.open()
        self.bundle_dialog = dialog
        return dialog

    def verify_selected(self) -> None:
        """Re-hash the selected model's files as a job: progress here and in the Jobs panel, Cancel or Esc."""
        model = self.selected()
        if model is None or self.verify_slot.busy():
            return
        self.detail.setText(self.tr("Verifying %1…").replace("%1", model.name))
        self.verify_slot.start(self.engine.models.start_verify, model.name)

    def stop_running_job(self) -> bool:
        """Esc: stop the verification."""
        return self.verify_slot.cancel()

    def _verify_refused(self, exc, details) -> None:
        self.detail.setText("✕ " + reason_of(exc))

    def _verified(self, job) -> None:
        state = job.state.value
        report = job.result if isinstance(job.result, dict) else {}
        name = str((job.params or {}).get("name") or report.get("name") or "")
        if state != "succeeded":
            text = {"cancelled": self.tr("Verification of %1 was cancelled; nothing was changed.")}.get(
                state, self.tr("Verification of %1 did not finish: %2").replace("%2", str(job.error or state)))
            self.detail.setText(text.replace("%1", name))
            return
        if report.get("ok"):
            self.detail.setText("✓ " + self.tr("%1: every file matches its fingerprint.").replace("%1", report["name"]))
        else:
            problem = report.get("error") or ", ".join(report.get("changed", []) + report.get("missing", []))
            self.detail.setText("✕ " + f"{report['name']}: {problem}")

    def remove_selected(self) -> None:
        model = self.selected()
        if model is None:
            return
        answer = QMessageBox.question(self, self.tr("Remove model"),
                                      self.tr("Remove %1 from this workspace?").replace("%1", model.name))
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, self.engine.models.remove, model.name).success(lambda _: self.refresh()).run_in_background()
