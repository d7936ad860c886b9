"""Image generation: per-step progress, a gallery of results (newest, oldest or by seed; double-click opens
the full-size viewer), and each image's provenance (model, adapter, seed, settings) read back from the PNG it
was saved in, so it travels with the file into review. Saved presets, save and copy of an image, s/image."""
from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QApplication, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QSpinBox, QToolButton,
                               QVBoxLayout)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.generation_shared import DONE_STATES, GenerationPanel
from desktop.widgets.buttons import primary_button
from desktop.widgets.gallery import Gallery
from desktop.widgets.image_viewer import ImageViewer
from desktop.widgets.model_combo import seed_row
from desktop.widgets.preset_bar import PresetBar

SCHEDULERS = ("default", "euler_a", "dpmpp_2m", "ddim", "lcm")


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


class ImagePanel(GenerationPanel):
    kind = "image"

    def __init__(self, page):
        super().__init__(page)
        self.job_id: str | None = None
        self.viewer: ImageViewer | None = None
        self._clock: tuple[float, int] = (0.0, 0)    # when the running job started, images so far
        self._arrivals = 0                           # images in the order the jobs produced them
        self._build_controls()
        self._build_outputs()

    def _build_controls(self) -> None:
        self.presets = PresetBar(self, "image", self.preset_values, self.apply_preset)
        presets = QGroupBox(self.tr("Preset"))
        QVBoxLayout(presets).addWidget(self.presets)
        self.controls_layout.addWidget(presets)
        box = QGroupBox(self.tr("Model"))
        form = QFormLayout(box)
        self.scale = QDoubleSpinBox()
        self.scale.setRange(0.0, 2.0)
        self.scale.setSingleStep(0.1)
        self.scale.setValue(1.0)
        form.addRow(self.tr("Base model"), self.model)
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow(self.tr("Adapter strength"), self.scale)
        form.addRow(self.tr("Task"), self.task)
        self.controls_layout.addWidget(box)
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
        for scheduler in SCHEDULERS:
            self.scheduler.addItem(self.scheduler_name(scheduler), scheduler)
        self.seed, self.lock, seed_layout = seed_row()
        self.lock.setText(self.tr("Lock"))
        self.lock.setToolTip(self.tr("Keep the same seed so results can be reproduced and compared"))
        form.addRow(self.tr("Steps"), self.steps)
        form.addRow(self.tr("Guidance"), self.guidance)
        form.addRow(self.tr("Size"), size)
        form.addRow(self.tr("Batch"), self.batch)
        form.addRow(self.tr("Scheduler"), self.scheduler)
        form.addRow(self.tr("Seed"), seed_layout)
        self.controls_layout.addWidget(settings)
        self.controls_layout.addStretch(1)

    def _build_outputs(self) -> None:
        column = self.column
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
        self.generate_button = primary_button("play", self.tr("Generate (Ctrl+Enter)"), self.generate)
        self.generate_button.setShortcut("Ctrl+Return")
        self.stop_button = QPushButton(icons.icon("stop"), self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setMinimumWidth(40)   # a long message is cut, not the window widened past the screen
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.status)
        column.addLayout(buttons)
        self.preview = QLabel()
        self.preview.setFixedHeight(0)
        column.addWidget(self.preview)
        tools = QHBoxLayout()
        self.order = QComboBox()
        for key, label in (("newest", self.tr("Newest first")), ("oldest", self.tr("Oldest first")),
                           ("seed", self.tr("By seed"))):
            self.order.addItem(label, key)
        self.order.setToolTip(self.tr("Order of the gallery"))
        self.image_speed = QLabel()
        self.image_speed.setObjectName("muted")
        self.view_button = QToolButton()
        self.view_button.setIcon(icons.icon("search"))
        self.view_button.setToolTip(self.tr("View the image full size (or double-click it)"))
        self.copy_button = QToolButton()
        self.copy_button.setIcon(icons.icon("copy"))
        self.copy_button.setToolTip(self.tr("Copy the image"))
        self.save_button = QToolButton()
        self.save_button.setIcon(icons.icon("export"))
        self.save_button.setToolTip(self.tr("Save the image to a file"))
        for button in (self.view_button, self.copy_button, self.save_button):
            button.setEnabled(False)
        tools.addWidget(self.order)
        tools.addWidget(self.image_speed, 1)
        tools.addWidget(self.view_button)
        tools.addWidget(self.copy_button)
        tools.addWidget(self.save_button)
        column.addLayout(tools)
        self.gallery = Gallery()
        self.gallery.setMinimumHeight(110)   # with the order and file tools above it, the window fits a 768 px screen
        column.addWidget(self.gallery, 1)
        self.order.currentIndexChanged.connect(lambda _: self.gallery.set_order(self.order.currentData()))
        self.gallery.image_activated.connect(self.view_image)
        self.view_button.clicked.connect(lambda: self._current_path() and self.view_image(self._current_path(), {}))
        self.copy_button.clicked.connect(self.copy_image)
        self.save_button.clicked.connect(lambda: self.save_image())
        self.provenance = QLabel(self.tr("Select an image to see which model, adapter, seed and settings made it."))
        self.provenance.setObjectName("muted")
        self.provenance.setWordWrap(True)
        self.provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gallery.currentItemChanged.connect(self._show_provenance)
        self.gallery.setSelectionMode(Gallery.SelectionMode.ExtendedSelection)
        self.gallery.itemSelectionChanged.connect(self._selection_changed)
        footer = QHBoxLayout()
        footer.addWidget(self.provenance, 1)
        self.review_button = QPushButton(icons.icon("review"), self.tr("Send to review"))
        self.review_button.setToolTip(self.tr("Queue the selected images in the Review tab with their provenance"))
        self.review_button.setEnabled(False)
        self.review_button.clicked.connect(self.send_to_review)
        footer.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(footer)

    def _selection_changed(self) -> None:
        chosen = bool(self.gallery.selectedItems())
        for button in (self.review_button, self.view_button, self.copy_button, self.save_button):
            button.setEnabled(chosen)

    def _current_path(self) -> str | None:
        item = self.gallery.currentItem() or next(iter(self.gallery.selectedItems()), None)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def view_image(self, path: str, info: dict) -> None:
        """The full-size viewer (one window, reused), with the image's provenance under it."""
        if self.viewer is None:
            self.viewer = ImageViewer(self)
        self.viewer.show_image(path, self.provenance_text(image_provenance(info)))
        self.viewer.show()
        self.viewer.raise_()

    def copy_image(self) -> None:
        path = self._current_path()
        if path:
            QApplication.clipboard().setPixmap(QPixmap(path))
            self.status.setText(self.tr("Copied."))

    def save_image(self, target: str | None = None) -> None:
        """A copy of the chosen PNG (its provenance travels in the file)."""
        path = self._current_path()
        if not path:
            return
        if target is None:
            name = path.replace("\\", "/").rsplit("/", 1)[-1]
            target, _ = QFileDialog.getSaveFileName(self, self.tr("Save image"), name,
                                                    self.tr("PNG images (*.png)"))
            if not target:
                return
        from engine import atomic
        Op(self, atomic.copy_file, path, target).success(
            lambda _: self.status.setText(self.tr("Saved to %1").replace("%1", target))).failure(self._failed) \
            .run_in_background()

    def preset_values(self) -> dict:
        return {"prompt": self.prompt.toPlainText(), "negative_prompt": self.negative.toPlainText(),
                "steps": self.steps.value(), "guidance_scale": self.guidance.value(),
                "width": self.width_box.value(), "height": self.height_box.value(),
                "scheduler": self.scheduler.currentData(), "adapter_scale": self.scale.value()}

    def apply_preset(self, values: dict) -> None:
        if "prompt" in values:
            self.prompt.setPlainText(str(values["prompt"]))
        if "negative_prompt" in values:
            self.negative.setPlainText(str(values["negative_prompt"]))
        for box, key in ((self.steps, "steps"), (self.guidance, "guidance_scale"), (self.width_box, "width"),
                         (self.height_box, "height"), (self.scale, "adapter_scale")):
            if isinstance(values.get(key), (int, float)):
                box.setValue(values[key])
        index = self.scheduler.findData(values.get("scheduler"))
        if index >= 0:
            self.scheduler.setCurrentIndex(index)

    def _fill_adapters(self) -> None:
        self.adapter.clear()
        self.adapter.addItem(self.tr("None (base model)"), None)
        for model in self.adapters():
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
        if self.scheduler.currentData() != "default":
            params["scheduler"] = self.scheduler.currentData()
        self.generate_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.submit(self.page.engine.jobs.submit, "image.generate", params, started=self._started)

    def _started(self, job) -> None:
        self.job_id = job.id
        self._clock = (time.monotonic(), 0)
        self.image_speed.clear()

    def owns(self, job_id: str) -> bool:
        return job_id == self.job_id

    def running(self) -> bool:
        return self.job_id is not None

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
            started, count = self._clock
            self._clock = (started, count + 1)
            seconds = (time.monotonic() - started) / (count + 1)
            self.image_speed.setText(self.tr("%1 s/image").replace("%1", f"{seconds:.1f}"))
            self._arrivals += 1
            Op(self, self._read_provenance, data["image"]).success(
                lambda info, path=data["image"], arrival=self._arrivals: self.gallery.add_image(
                    path, self._caption(info), info, image_provenance(info).get("seed"), arrival)).run_in_background()

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

    def scheduler_name(self, scheduler: str) -> str:
        """Sampler names are proper names; only "default" is a word."""
        return {"default": self.tr("Model default"), "euler_a": "Euler a", "dpmpp_2m": "DPM++ 2M",
                "ddim": "DDIM", "lcm": "LCM"}.get(scheduler, scheduler)

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
                    self.scheduler_name(str(params.get("scheduler") or "default"))]
        lines = [self.tr("Model: %1").replace("%1", model), " · ".join(settings),
                 self.tr("Prompt: %1").replace("%1", str(prov.get("prompt", "")))]
        if prov.get("negative_prompt"):
            lines[-1] += "  ·  " + self.tr("Avoid: %1").replace("%1", str(prov["negative_prompt"]))
        return "\n".join(lines)

    def send_to_review(self) -> None:
        """Queue the selected images, for the task chosen in the Task box (none: one-off outputs)."""
        items = self.gallery.selectedItems()
        if not items:
            return
        outputs = [(item.data(Qt.ItemDataRole.UserRole), image_provenance(item.data(Qt.ItemDataRole.UserRole + 1)))
                   for item in items]
        review, task, typed = self.page.engine.review, self.task.task(), self.prompt.toPlainText().strip()

        def add_all():
            return [review.add("image", prov.get("prompt") or typed or path,
                               image_path=path, model=prov.get("model"), adapter=prov.get("adapter"),
                               params=prov.get("params") or {}, seed=prov.get("seed"), task=task,
                               model_sha256=prov.get("model_sha256"), adapter_sha256=prov.get("adapter_sha256"))
                    for path, prov in outputs]
        self.review_button.setEnabled(False)
        self.queue_for_review(add_all, self.status,
                              lambda: self.review_button.setEnabled(bool(self.gallery.selectedItems())))

    def on_state(self, job_id: str, state: str, data: dict) -> None:
        if job_id == self.job_id and state in DONE_STATES:
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            done = {"succeeded": self.tr("Done: the images are in the gallery."),
                    "cancelled": self.tr("Stopped."), "interrupted": self.tr("Stopped.")}
            self.status.setText(str(data.get("error") or done.get(state) or data.get("message") or state))
            self.job_id = None
