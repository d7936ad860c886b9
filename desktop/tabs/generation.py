"""The Generation tab: text streamed token by token (with a side-by-side comparison on the
same seed), and images with per-step progress and a gallery that keeps each image's provenance."""
from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.widgets.gallery import Gallery

SCHEDULERS = ("default", "euler_a", "dpmpp_2m", "ddim", "lcm")


def seed_row(parent_tr) -> tuple[QSpinBox, QCheckBox, QHBoxLayout]:
    seed = QSpinBox()
    seed.setRange(0, 2**31 - 1)
    seed.setValue(42)
    lock = QCheckBox(parent_tr("Lock"))
    lock.setChecked(True)
    lock.setToolTip(parent_tr("Keep the same seed so results can be reproduced and compared"))
    row = QHBoxLayout()
    row.addWidget(seed, 1)
    row.addWidget(lock)
    return seed, lock, row


def image_provenance(info: dict | None) -> dict:
    """The generator's provenance record from a PNG's text chunks (the full JSON one when present)."""
    import json
    info = dict(info or {})
    try:
        full = json.loads(info.get("aigc:provenance") or "null")
    except ValueError:
        full = None
    if isinstance(full, dict):
        return full
    seed = info.get("seed")
    return {"prompt": info.get("prompt"), "model": info.get("model"), "adapter": info.get("adapter"),
            "model_sha256": info.get("model_sha256"), "adapter_sha256": info.get("adapter_sha256"),
            "seed": int(seed) if str(seed or "").isdigit() else None}


class TextPanel(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.jobs: dict[str, int] = {}      # job id -> output pane index
        self.tokens: dict[str, int] = {}
        self.started: dict[str, float] = {}
        splitter = QSplitter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        controls = QWidget()
        form_layout = QVBoxLayout(controls)
        form_layout.setContentsMargins(0, 0, 8, 0)
        box = QGroupBox(self.tr("Model"))
        form = QFormLayout(box)
        self.model = QComboBox()
        self.adapter = QComboBox()
        self.compare = QComboBox()
        form.addRow(self.tr("Base model"), self.model)
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow(self.tr("Compare with"), self.compare)
        self.model.currentIndexChanged.connect(self._fill_adapters)
        form_layout.addWidget(box)
        sampling = QGroupBox(self.tr("Sampling"))
        form = QFormLayout(sampling)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 4096)
        self.max_tokens.setValue(96)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setValue(0.7)
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(0.05, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setValue(0.9)
        self.seed, self.lock, seed_layout = seed_row(self.tr)
        self.lock.setText(self.tr("Lock"))   # (here, where the translation tools see them)
        self.lock.setToolTip(self.tr("Keep the same seed so results can be reproduced and compared"))
        form.addRow(self.tr("Max new tokens"), self.max_tokens)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Seed"), seed_layout)
        form_layout.addWidget(sampling)
        form_layout.addStretch(1)
        controls.setMaximumWidth(380)
        splitter.addWidget(controls)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(12, 0, 0, 0)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(self.tr("Write the prompt, e.g. Write a one-line ad for a leather tote bag "
                                               "aimed at commuters."))
        self.prompt.setMaximumHeight(120)
        column.addWidget(self.prompt)
        buttons = QHBoxLayout()
        self.generate_button = QPushButton(icons.icon("play", "#ffffff"), self.tr("Generate (Ctrl+Enter)"))
        self.generate_button.setProperty("primary", True)
        self.generate_button.setShortcut("Ctrl+Return")
        self.generate_button.clicked.connect(self.generate)
        self.stop_button = QPushButton(icons.icon("stop"), self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.speed = QLabel()
        self.speed.setObjectName("muted")
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.speed)
        column.addLayout(buttons)
        outputs = QSplitter()
        self.outputs: list[QPlainTextEdit] = []
        self.output_titles: list[QLabel] = []
        self.review_buttons: list[QPushButton] = []
        self.finished: list[dict | None] = [None, None]   # per pane: the finished output and its provenance
        self.requests: dict[str, dict] = {}                # job id -> what was asked (prompt, model, adapter)
        for index in range(2):
            pane = QWidget()
            pane_layout = QVBoxLayout(pane)
            pane_layout.setContentsMargins(0, 0, 0, 0)
            header = QHBoxLayout()
            title = QLabel()
            title.setObjectName("sectionTitle")
            review = QPushButton(icons.icon("review"), self.tr("Send to review"))
            review.setToolTip(self.tr("Queue this output in the Review tab with the model, adapter, "
                                      "settings and seed that made it"))
            review.setEnabled(False)
            review.clicked.connect(lambda checked=False, i=index: self.send_to_review(i))
            header.addWidget(title, 1)
            header.addWidget(review)
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setPlaceholderText(self.tr("The answer appears here as it is written."))
            pane_layout.addLayout(header)
            pane_layout.addWidget(text, 1)
            self.review_buttons.append(review)
            outputs.addWidget(pane)
            self.outputs.append(text)
            self.output_titles.append(title)
        self.second_pane = outputs.widget(1)
        self.second_pane.hide()
        column.addWidget(outputs, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)

    def set_models(self, models) -> None:
        self.models = models
        keep = self.model.currentData()
        self.model.blockSignals(True)
        self.model.clear()
        for model in models:
            if model.kind == "text" and model.role == "base":
                self.model.addItem(model.name, model.name)
        if self.model.findData(keep) >= 0:
            self.model.setCurrentIndex(self.model.findData(keep))
        self.model.blockSignals(False)
        self._fill_adapters()

    def _fill_adapters(self) -> None:
        base = next((m for m in getattr(self, "models", []) if m.name == self.model.currentData()), None)
        adapters = [m for m in getattr(self, "models", []) if m.role == "adapter" and base and m.base_id == base.id]
        for box, first in ((self.adapter, self.tr("None (base model)")), (self.compare, self.tr("No comparison"))):
            box.clear()
            box.addItem(first, None)
            if box is self.compare:
                box.addItem(self.tr("Base model"), "")
            for adapter in adapters:
                box.addItem(adapter.name, adapter.name)

    def params(self) -> dict:
        if not self.lock.isChecked():
            self.seed.setValue(random.randint(0, 2**31 - 1))
        return {"max_new_tokens": self.max_tokens.value(), "temperature": self.temperature.value(),
                "top_p": self.top_p.value(), "seed": self.seed.value()}

    def generate(self) -> None:
        prompt = self.prompt.toPlainText().strip()
        model = self.model.currentData()
        if not prompt or not model:
            self.speed.setText(self.tr("Write a prompt and pick a model first."))
            return
        params = self.params()
        runs = [(0, self.adapter.currentData())]
        compare = self.compare.currentData()
        self.second_pane.setVisible(compare is not None)
        if compare is not None:
            runs.append((1, compare or None))
        for pane, adapter in runs:
            self.outputs[pane].clear()
            self.output_titles[pane].setText(adapter or self.tr("Base model"))
            self.finished[pane] = None
            self.review_buttons[pane].setEnabled(False)
            request = {"prompt": prompt, "model": model, "adapter": adapter}
            Op(self, self.page.engine.text.generate, model, [prompt], params, adapter).success(
                lambda job, pane=pane, request=request: self._started(job, pane, request)) \
                .failure(self._failed).run_in_background()
        self.generate_button.setEnabled(False)
        self.stop_button.setEnabled(True)

    def _started(self, job, pane: int, request: dict) -> None:
        self.jobs[job.id] = pane
        self.requests[job.id] = request
        self.tokens[job.id] = 0
        self.started[job.id] = time.monotonic()

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        self.generate_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        show_error(self, exc, details)

    def stop(self) -> None:
        for job_id in list(self.jobs):
            Op(self, self.page.engine.jobs.cancel, job_id).run_in_background()

    def on_partial(self, job_id: str, data: dict) -> None:
        pane = self.jobs.get(job_id)
        if pane is None or "token" not in data:
            return
        cursor = self.outputs[pane].textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(str(data["token"]))
        self.tokens[job_id] += 1
        elapsed = max(1e-3, time.monotonic() - self.started[job_id])
        self.speed.setText(self.tr("%1 tokens/s").replace("%1", f"{self.tokens[job_id] / elapsed:.1f}"))

    def on_state(self, job_id: str, state: str, data: dict) -> None:
        if job_id not in self.jobs or state not in ("succeeded", "failed", "cancelled", "interrupted"):
            return
        pane = self.jobs.pop(job_id)
        request = self.requests.pop(job_id, None)
        if state == "failed":
            self.outputs[pane].appendPlainText("\n⚠ " + str(data.get("error") or ""))
        if state == "succeeded" and request is not None:
            Op(self, self.page.engine.jobs.get, job_id).success(
                lambda job, pane=pane, request=request: self._output_ready(pane, request, job)).run_in_background()
        if not self.jobs:
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)


    def _output_ready(self, pane: int, request: dict, job) -> None:
        results = (job.result or {}).get("results") or []
        if not results or not str(results[0].get("text", "")).strip():
            return
        first = results[0]
        self.finished[pane] = {**request, "text": str(first["text"]), "seed": first.get("seed"),
                               "params": first.get("params") or {}}
        self.review_buttons[pane].setEnabled(True)

    def send_to_review(self, pane: int) -> None:
        output = self.finished[pane]
        if output is None:
            return
        self.review_buttons[pane].setEnabled(False)
        Op(self, self.page.engine.review.add, "text", output["prompt"], text=output["text"], model=output["model"],
           adapter=output["adapter"], params=output["params"], seed=output["seed"]).success(
            lambda item: self.page.sent_to_review(item, self.speed)).failure(
            lambda exc, details: self._review_failed(pane, exc, details)).run_in_background()

    def _review_failed(self, pane: int, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        self.review_buttons[pane].setEnabled(True)
        show_error(self, exc, details)


class ImagePanel(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.job_id: str | None = None
        splitter = QSplitter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        controls = QWidget()
        form_layout = QVBoxLayout(controls)
        form_layout.setContentsMargins(0, 0, 8, 0)
        box = QGroupBox(self.tr("Model"))
        form = QFormLayout(box)
        self.model = QComboBox()
        self.adapter = QComboBox()
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.0, 2.0)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(1.0)
        form.addRow(self.tr("Base model"), self.model)
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow(self.tr("Adapter strength"), self.scale)
        self.model.currentIndexChanged.connect(self._fill_adapters)
        form_layout.addWidget(box)
        settings = QGroupBox(self.tr("Image"))
        form = QFormLayout(settings)
        self.steps = QSpinBox()
        self.steps.setRange(1, 150)
        self.steps.setValue(20)
        self.guidance = QDoubleSpinBox()
        self.guidance.setRange(0.0, 30.0)
        self.guidance.setValue(7.0)
        self.width_box = QSpinBox()
        self.height_box = QSpinBox()
        for box_ in (self.width_box, self.height_box):
            box_.setRange(0, 2048)
            box_.setSingleStep(64)
            box_.setSpecialValueText(self.tr("Native"))   # 0: the model's own resolution
            box_.setValue(0)
        size = QHBoxLayout()
        size.addWidget(self.width_box)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_box)
        self.batch = QSpinBox()
        self.batch.setRange(1, 8)
        self.scheduler = QComboBox()
        self.scheduler.addItems(SCHEDULERS)
        self.seed, self.lock, seed_layout = seed_row(self.tr)
        self.lock.setText(self.tr("Lock"))   # (here, where the translation tools see them)
        self.lock.setToolTip(self.tr("Keep the same seed so results can be reproduced and compared"))
        form.addRow(self.tr("Steps"), self.steps)
        form.addRow(self.tr("Guidance"), self.guidance)
        form.addRow(self.tr("Size"), size)
        form.addRow(self.tr("Batch"), self.batch)
        form.addRow(self.tr("Scheduler"), self.scheduler)
        form.addRow(self.tr("Seed"), seed_layout)
        form_layout.addWidget(settings)
        form_layout.addStretch(1)
        controls.setMaximumWidth(380)
        splitter.addWidget(controls)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(12, 0, 0, 0)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(self.tr("Describe the image, e.g. product poster, a blue handbag on a red "
                                               "background"))
        self.prompt.setMaximumHeight(80)
        self.negative = QPlainTextEdit()
        self.negative.setPlaceholderText(self.tr("Negative prompt: what to avoid (blurry, text, watermark)"))
        self.negative.setMaximumHeight(50)
        column.addWidget(self.prompt)
        column.addWidget(self.negative)
        buttons = QHBoxLayout()
        self.generate_button = QPushButton(icons.icon("play", "#ffffff"), self.tr("Generate"))
        self.generate_button.setProperty("primary", True)
        self.generate_button.clicked.connect(self.generate)
        self.stop_button = QPushButton(icons.icon("stop"), self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("muted")
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.status)
        column.addLayout(buttons)
        self.preview = QLabel()
        self.preview.setFixedHeight(0)
        column.addWidget(self.preview)
        self.gallery = Gallery()
        self.gallery.setMinimumHeight(200)
        column.addWidget(self.gallery, 1)
        self.provenance = QLabel(self.tr("Select an image to see which model, adapter, seed and settings made it."))
        self.provenance.setObjectName("muted")
        self.provenance.setWordWrap(True)
        self.provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gallery.currentItemChanged.connect(self._show_provenance)
        self.gallery.setSelectionMode(Gallery.SelectionMode.ExtendedSelection)
        self.gallery.itemSelectionChanged.connect(
            lambda: self.review_button.setEnabled(bool(self.gallery.selectedItems())))
        footer = QHBoxLayout()
        footer.addWidget(self.provenance, 1)
        self.review_button = QPushButton(icons.icon("review"), self.tr("Send to review"))
        self.review_button.setToolTip(self.tr("Queue the selected images in the Review tab with their provenance"))
        self.review_button.setEnabled(False)
        self.review_button.clicked.connect(self.send_to_review)
        footer.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(footer)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)

    def set_models(self, models) -> None:
        self.models = models
        keep = self.model.currentData()
        self.model.blockSignals(True)
        self.model.clear()
        for model in models:
            if model.kind == "image" and model.role == "base":
                self.model.addItem(model.name, model.name)
        if self.model.findData(keep) >= 0:
            self.model.setCurrentIndex(self.model.findData(keep))
        self.model.blockSignals(False)
        self._fill_adapters()

    def _fill_adapters(self) -> None:
        base = next((m for m in getattr(self, "models", []) if m.name == self.model.currentData()), None)
        self.adapter.clear()
        self.adapter.addItem(self.tr("None"), None)
        for model in getattr(self, "models", []):
            if model.role == "adapter" and base and model.base_id == base.id:
                self.adapter.addItem(model.name, model.name)

    def generate(self) -> None:
        prompt = self.prompt.toPlainText().strip()
        model = self.model.currentData()
        if not prompt or not model:
            self.status.setText(self.tr("Write a prompt and pick a model first."))
            return
        if not self.lock.isChecked():
            self.seed.setValue(random.randint(0, 2**31 - 1))
        params = {"model": model, "adapter": self.adapter.currentData(), "prompt": prompt,
                  "negative_prompt": self.negative.toPlainText().strip(), "steps": self.steps.value(),
                  "guidance_scale": self.guidance.value(), "width": self.width_box.value() or None,
                  "height": self.height_box.value() or None, "batch_size": self.batch.value(), "seed": self.seed.value(),
                  "adapter_scale": self.scale.value()}
        if self.scheduler.currentText() != "default":
            params["scheduler"] = self.scheduler.currentText()
        self.generate_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        Op(self, self.page.engine.jobs.submit, "image.generate", params).success(self._started) \
            .failure(self._failed).run_in_background()

    def _started(self, job) -> None:
        self.job_id = job.id

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        self.generate_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        show_error(self, exc, details)

    def stop(self) -> None:
        if self.job_id:
            Op(self, self.page.engine.jobs.cancel, self.job_id).run_in_background()

    def on_progress(self, job_id: str, fraction: float, message: str) -> None:
        if job_id == self.job_id:
            self.progress.setValue(int(fraction * 1000))
            self.status.setText(message)

    def on_partial(self, job_id: str, data: dict) -> None:
        if job_id != self.job_id:
            return
        if data.get("image"):
            Op(self, self._read_provenance, data["image"]).success(
                lambda info, path=data["image"]: self.gallery.add_image(
                    path, self._caption(info), info)).run_in_background()

    def _caption(self, info: dict) -> str:
        prov = image_provenance(info)
        return self.tr("seed %1").replace("%1", str(prov.get("seed", "?")))

    @staticmethod
    def _read_provenance(path: str) -> dict:
        from PIL import Image
        with Image.open(path) as image:
            return {k: v for k, v in (image.text or {}).items()} if hasattr(image, "text") else {}

    def _show_provenance(self, item, _previous=None) -> None:
        if item is None:
            return
        prov = image_provenance(item.data(Qt.ItemDataRole.UserRole + 1))
        self.provenance.setText(self.provenance_text(prov) or item.data(Qt.ItemDataRole.UserRole))

    def provenance_text(self, prov: dict) -> str:
        """Which model, adapter, seed and settings made an image, in three short lines."""
        if not prov.get("model"):
            return ""
        params = prov.get("params") or {}
        model = f"{prov['model']} ({(prov.get('model_sha256') or '')[:12]})"
        if prov.get("adapter"):
            model += f" + {prov['adapter']} ({(prov.get('adapter_sha256') or '')[:12]})" \
                     f" × {params.get('adapter_scale', 1.0)}"
        settings = [self.tr("Seed %1").replace("%1", str(prov.get("seed"))),
                    self.tr("%1 steps").replace("%1", str(params.get("steps", "?"))),
                    self.tr("guidance %1").replace("%1", str(params.get("guidance_scale", "?"))),
                    f"{params.get('width', '?')}×{params.get('height', '?')}",
                    str(params.get("scheduler") or "default")]
        lines = [self.tr("Model: %1").replace("%1", model), " · ".join(settings),
                 self.tr("Prompt: %1").replace("%1", str(prov.get("prompt", "")))]
        if prov.get("negative_prompt"):
            lines[-1] += "  ·  " + self.tr("Avoid: %1").replace("%1", str(prov["negative_prompt"]))
        return "\n".join(lines)

    def send_to_review(self) -> None:
        items = self.gallery.selectedItems()
        if not items:
            return
        outputs = [(item.data(Qt.ItemDataRole.UserRole), image_provenance(item.data(Qt.ItemDataRole.UserRole + 1)))
                   for item in items]
        review = self.page.engine.review

        def add_all():
            return [review.add("image", prov.get("prompt") or self.prompt.toPlainText().strip() or path,
                               image_path=path, model=prov.get("model"), adapter=prov.get("adapter"),
                               params=prov.get("params") or {}, seed=prov.get("seed"),
                               model_sha256=prov.get("model_sha256"), adapter_sha256=prov.get("adapter_sha256"))
                    for path, prov in outputs]
        self.review_button.setEnabled(False)
        Op(self, add_all).success(lambda added: self.page.sent_to_review(added, self.status)).failure(
            self._review_failed).run_in_background()

    def _review_failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        self.review_button.setEnabled(bool(self.gallery.selectedItems()))
        show_error(self, exc, details)

    def on_state(self, job_id: str, state: str, data: dict) -> None:
        if job_id == self.job_id and state in ("succeeded", "failed", "cancelled", "interrupted"):
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            done = {"succeeded": self.tr("Done: the images are in the gallery."),
                    "cancelled": self.tr("Stopped."), "interrupted": self.tr("Stopped.")}
            self.status.setText(str(data.get("error") or done.get(state) or data.get("message") or state))
            self.job_id = None


class GenerationPage(Page):
    facade = "models"
    icon_name = "generation"

    def __init__(self, window):
        super().__init__(window, self.tr("Generation"),
                         self.tr("Write text and render images with a base model or a trained adapter"))
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.modes = QTabWidget()
        self.text = TextPanel(self)
        self.image = ImagePanel(self)
        self.modes.addTab(self.text, icons.icon("text"), self.tr("Text"))
        self.modes.addTab(self.image, icons.icon("image"), self.tr("Image"))
        layout.addWidget(self.modes)
        self.bridge.partial.connect(self.text.on_partial)
        self.bridge.partial.connect(self.image.on_partial)
        self.bridge.state_changed.connect(self.text.on_state)
        self.bridge.state_changed.connect(self.image.on_state)
        self.bridge.progress.connect(self.image.on_progress)

    def on_engine(self, engine) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self.available():
            Op(self, self.engine.models.list).success(self._show).run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("models.import", "samples.install", "text.train", "image.train") and state == "succeeded":
            self.refresh()

    def _show(self, models) -> None:
        self.text.set_models(models)
        self.image.set_models(models)

    def sent_to_review(self, added, label: QLabel) -> None:
        count = len(added) if isinstance(added, list) else 1
        label.setText(self.tr("%n output(s) sent to review", "", count))
        review = self.window_.pages.get("review")
        if review is not None and review.available():
            review.refresh()
