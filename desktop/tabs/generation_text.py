"""Text generation: tokens streamed into the output as they are written, optionally beside a second
adapter (or the base model) on the same seed, and each finished output sendable to review."""
from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QComboBox,
                               QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.generation_shared import DONE_STATES, GenerationPanel
from desktop.widgets.buttons import primary_button
from desktop.widgets.model_combo import seed_row


class TextPanel(GenerationPanel):
    kind = "text"

    def __init__(self, page):
        super().__init__(page)
        self.jobs: dict[str, int] = {}      # job id -> output pane index
        self.tokens: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.requests: dict[str, dict] = {}                # job id -> what was asked (prompt, model, adapter)
        self.finished: list[dict | None] = [None, None]   # per pane: the finished output and its provenance
        self._build_controls()
        self._build_outputs()

    def _build_controls(self) -> None:
        box = QGroupBox(self.tr("Model"))
        form = QFormLayout(box)
        self.compare = QComboBox()
        self.backend = QComboBox()
        self.backend.setObjectName("textBackend")
        for value, label in ((None, self.tr("Workspace default")), ("auto", self.tr("Automatic (fastest here)")),
                             ("llamacpp", self.tr("llama.cpp (CPU)")), ("torch", self.tr("PyTorch"))):
            self.backend.addItem(label, value)
        self.backend.setToolTip(self.tr("Automatic runs a text model through llama.cpp on the CPU, converted once "
                                        "and checked against PyTorch; on a GPU it uses PyTorch"))
        form.addRow(self.tr("Base model"), self.model)
        form.addRow(self.tr("Adapter"), self.adapter)
        form.addRow(self.tr("Compare with"), self.compare)
        form.addRow(self.tr("Task"), self.task)
        form.addRow(self.tr("Backend"), self.backend)
        self.controls_layout.addWidget(box)
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
        self.seed, self.lock, seed_layout = seed_row()
        self.lock.setText(self.tr("Lock"))
        self.lock.setToolTip(self.tr("Keep the same seed so results can be reproduced and compared"))
        form.addRow(self.tr("Max new tokens"), self.max_tokens)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Seed"), seed_layout)
        self.controls_layout.addWidget(sampling)
        self.controls_layout.addStretch(1)

    def _build_outputs(self) -> None:
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(self.tr("Write the prompt, e.g. Write a one-line ad for a leather tote bag "
                                               "aimed at commuters."))
        self.prompt.setMaximumHeight(120)
        self.column.addWidget(self.prompt)
        buttons = QHBoxLayout()
        self.generate_button = primary_button("play", self.tr("Generate (Ctrl+Enter)"), self.generate)
        self.generate_button.setShortcut("Ctrl+Return")
        self.stop_button = QPushButton(icons.icon("stop"), self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.speed = QLabel()
        self.speed.setObjectName("muted")
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.speed)
        self.column.addLayout(buttons)
        outputs = QSplitter()
        self.outputs: list[QPlainTextEdit] = []
        self.output_titles: list[QLabel] = []
        self.review_buttons: list[QPushButton] = []
        self.provenance: list[QLabel] = []   # per pane: which backend, weights, seed and file made the answer
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
            provenance = QLabel()
            provenance.setObjectName("muted")
            provenance.setWordWrap(True)
            provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            pane_layout.addLayout(header)
            pane_layout.addWidget(text, 1)
            pane_layout.addWidget(provenance)
            self.provenance.append(provenance)
            self.review_buttons.append(review)
            outputs.addWidget(pane)
            self.outputs.append(text)
            self.output_titles.append(title)
        self.second_pane = outputs.widget(1)
        self.second_pane.hide()
        self.column.addWidget(outputs, 1)

    def _fill_adapters(self) -> None:
        adapters = self.adapters()
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
            self.provenance[pane].clear()
            self.review_buttons[pane].setEnabled(False)
            request = {"prompt": prompt, "model": model, "adapter": adapter}
            self.generate_button.setEnabled(False)
            self.stop_button.setEnabled(True)
            self.submit(self.page.engine.text.generate, model, [prompt], params, adapter, None, True, None,
                        self.backend.currentData(), started=lambda job, pane=pane, request=request: self._started(job, pane, request))

    def owns(self, job_id: str) -> bool:
        return job_id in self.jobs

    def running(self) -> bool:
        return bool(self.jobs)

    def _started(self, job, pane: int, request: dict) -> None:
        self.jobs[job.id] = pane
        self.requests[job.id] = request
        self.tokens[job.id] = 0
        self.started[job.id] = time.monotonic()

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
        if job_id not in self.jobs or state not in DONE_STATES:
            return
        pane = self.jobs.pop(job_id)
        request = self.requests.pop(job_id, None)
        if state == "failed":
            self.outputs[pane].appendPlainText("\n⚠ " + str(data.get("error") or ""))
        if state == "succeeded" and request is not None:
            Op(self, self.page.engine.jobs.get, job_id).success(
                lambda job, pane=pane, request=request: self._output_ready(pane, request, job)).run_in_background()
        if not self.jobs and not self._submitting:
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)

    def _output_ready(self, pane: int, request: dict, job) -> None:
        results = (job.result or {}).get("results") or []
        if not results or not str(results[0].get("text", "")).strip():
            return
        first = results[0]
        if self.outputs[pane].toPlainText() != str(first["text"]):   # every token, even if some came unseen
            self.outputs[pane].setPlainText(str(first["text"]))
        params = dict(first.get("params") or {})
        if first.get("backend") == "llama.cpp":   # recorded as task runs record it
            params.update(backend="llama.cpp", quant=first.get("quant"))
        self.finished[pane] = {**request, "text": str(first["text"]), "seed": first.get("seed"), "params": params,
                               **({"model_sha256": first["model_sha256"]} if first.get("model_sha256") else {})}
        self.provenance[pane].setText(self.describe(first))
        self.review_buttons[pane].setEnabled(True)

    def describe(self, result: dict) -> str:
        """One line on what made an answer: the backend and its weights or device, the seed, the model file."""
        if result.get("backend") == "llama.cpp":
            parts = [self.tr("llama.cpp on the CPU, %1 weights").replace("%1", str(result.get("quant") or "?"))]
        else:
            parts = [self.tr("PyTorch on %1").replace("%1", str(result.get("device") or "?"))]
        if result.get("seed") is not None:
            parts.append(self.tr("seed %1").replace("%1", str(result["seed"])))
        if result.get("model_sha256"):
            parts.append(self.tr("file SHA-256 %1").replace("%1", str(result["model_sha256"])[:12]))
        return " · ".join(parts)

    def send_to_review(self, pane: int) -> None:
        """Queue one pane's output, for the task chosen in the Task box (none: a one-off output)."""
        output = self.finished[pane]
        if output is None:
            return
        review, task = self.page.engine.review, self.task.task()

        def add():
            return review.add("text", output["prompt"], text=output["text"], model=output["model"],
                              adapter=output["adapter"], params=output["params"], seed=output["seed"], task=task,
                              model_sha256=output.get("model_sha256"))
        self.review_buttons[pane].setEnabled(False)
        self.queue_for_review(add, self.speed, lambda: self.review_buttons[pane].setEnabled(True))
