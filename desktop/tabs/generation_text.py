"""Text generation: tokens streamed into the output as they are written, optionally beside a second
adapter (or the base model) on the same seed, and each finished output sendable to review. A system prompt,
a chat mode that keeps the conversation (each pane its own), saved presets, copy and save, and a counter
against the chosen task's length rules."""
from __future__ import annotations

import random
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QComboBox, QPlainTextEdit, QPushButton, QSpinBox, QSplitter,
                               QToolButton, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.generation_rules import rules_text
from desktop.tabs.generation_shared import DONE_STATES, GenerationPanel
from desktop.widgets.buttons import primary_button
from desktop.widgets.model_combo import seed_row
from desktop.widgets.preset_bar import PresetBar


class TextPanel(GenerationPanel):
    kind = "text"

    def __init__(self, page):
        super().__init__(page)
        self.jobs: dict[str, int] = {}      # job id -> output pane index
        self.tokens: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.requests: dict[str, dict] = {}                # job id -> what was asked (prompt, model, adapter)
        self.finished: list[dict | None] = [None, None]   # per pane: the finished output and its provenance
        self.history: list[list[dict]] = [[], []]          # per pane: the conversation so far (chat mode)
        self.prefixes = ["", ""]                           # per pane: the transcript shown before the answer
        self.answers = ["", ""]                            # per pane: the answer streamed so far
        self._build_controls()
        self._build_outputs()

    def _build_controls(self) -> None:
        self.presets = PresetBar(self, "text", self.preset_values, self.apply_preset)
        presets = QGroupBox(self.tr("Preset"))
        QVBoxLayout(presets).addWidget(self.presets)
        self.controls_layout.addWidget(presets)
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
        system = QGroupBox(self.tr("System prompt"))
        self.system = QPlainTextEdit()
        self.system.setPlaceholderText(self.tr("Instructions the model follows in every answer, e.g. You write "
                                               "short, friendly ads."))
        self.system.setMaximumHeight(90)
        QVBoxLayout(system).addWidget(self.system)
        self.controls_layout.addWidget(system)
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
        self.chat = QCheckBox(self.tr("Chat"))
        self.chat.setToolTip(self.tr("Keep the conversation: each answer sees the earlier turns"))
        self.new_chat_button = QPushButton(self.tr("New chat"))
        self.new_chat_button.setToolTip(self.tr("Forget the conversation and start again"))
        self.new_chat_button.setEnabled(False)
        self.new_chat_button.clicked.connect(self.new_chat)
        self.chat.toggled.connect(lambda _: self._update_chat())
        self.speed = QLabel()
        self.speed.setObjectName("muted")
        self.speed.setMinimumWidth(40)   # a long "Saved to …" path is cut, not the window widened past the screen
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.chat)
        buttons.addWidget(self.new_chat_button)
        buttons.addStretch(1)
        buttons.addWidget(self.speed)
        self.column.addLayout(buttons)
        outputs = QSplitter()
        self.outputs: list[QPlainTextEdit] = []
        self.output_titles: list[QLabel] = []
        self.review_buttons: list[QPushButton] = []
        self.provenance: list[QLabel] = []   # per pane: which backend, weights, seed and file made the answer
        self.pane_speeds: list[QLabel] = []
        self.copy_buttons: list[QToolButton] = []
        self.save_buttons: list[QToolButton] = []
        self.rule_labels: list[QLabel] = []
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
            speed = QLabel()
            speed.setObjectName("muted")
            copy = QToolButton()
            copy.setIcon(icons.icon("copy"))
            copy.setToolTip(self.tr("Copy the answer"))
            copy.clicked.connect(lambda checked=False, i=index: self.copy_output(i))
            save = QToolButton()
            save.setIcon(icons.icon("export"))
            save.setToolTip(self.tr("Save the text to a file"))
            save.clicked.connect(lambda checked=False, i=index: self.save_output(i))
            for button in (copy, save):
                button.setEnabled(False)
            for label in (title, speed):   # long model names give way before the window grows past the screen
                label.setMinimumWidth(40)
            header.addWidget(title, 1)
            header.addWidget(speed)
            header.addWidget(copy)
            header.addWidget(save)
            header.addWidget(review)
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setPlaceholderText(self.tr("The answer appears here as it is written."))
            provenance = QLabel()
            provenance.setObjectName("muted")
            provenance.setWordWrap(True)
            provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            rules = QLabel()
            rules.setObjectName("muted")
            rules.setWordWrap(True)
            pane_layout.addLayout(header)
            pane_layout.addWidget(text, 1)
            pane_layout.addWidget(rules)
            pane_layout.addWidget(provenance)
            self.provenance.append(provenance)
            self.review_buttons.append(review)
            self.pane_speeds.append(speed)
            self.copy_buttons.append(copy)
            self.save_buttons.append(save)
            self.rule_labels.append(rules)
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
        system = self.system.toPlainText().strip() or None
        chat = self.chat.isChecked()
        for pane, adapter in runs:
            history = [dict(turn) for turn in self.history[pane]] if chat else []   # a snapshot for the job
            self.prefixes[pane] = self.transcript(history) + self.tr("You: %1").replace("%1", prompt) + "\n\n" \
                + self.tr("Assistant: ") if chat else ""
            self.outputs[pane].setPlainText(self.prefixes[pane])
            self.answers[pane] = ""
            self.output_titles[pane].setText(adapter or self.tr("Base model"))
            self.pane_speeds[pane].clear()
            self.rule_labels[pane].clear()
            self.finished[pane] = None
            self.provenance[pane].clear()
            for button in (self.review_buttons[pane], self.copy_buttons[pane], self.save_buttons[pane]):
                button.setEnabled(False)
            request = {"prompt": prompt, "model": model, "adapter": adapter, "system": system, "history": history}
            self.generate_button.setEnabled(False)
            self.stop_button.setEnabled(True)
            self.new_chat_button.setEnabled(False)
            self.submit(self.page.engine.text.generate, model, [prompt], params, adapter, system, True, None,
                        self.backend.currentData(), None, history or None,
                        started=lambda job, pane=pane, request=request: self._started(job, pane, request))

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
        self.answers[pane] += str(data["token"])
        self.tokens[job_id] += 1
        elapsed = max(1e-3, time.monotonic() - self.started[job_id])
        self.pane_speeds[pane].setText(self.tr("%1 tokens/s").replace("%1", f"{self.tokens[job_id] / elapsed:.1f}"))
        self._show_rules(pane, final=False)

    def on_state(self, job_id: str, state: str, data: dict) -> None:
        if job_id not in self.jobs or state not in DONE_STATES:
            return
        pane = self.jobs.pop(job_id)
        request = self.requests.pop(job_id, None)
        if state == "failed":
            self.outputs[pane].appendPlainText("\n⚠ " + str(data.get("error") or ""))
        if state == "succeeded" and request is not None and self.chat.isChecked() and self.answers[pane]:
            # the turn joins the conversation now, so a next prompt sent at once sees it (the final text
            # replaces the streamed one when it arrives)
            request["turn"] = {"role": "assistant", "content": self.answers[pane]}
            self.history[pane] = request["history"] + [{"role": "user", "content": request["prompt"]},
                                                       request["turn"]]
        if state == "succeeded" and request is not None:
            Op(self, self.page.engine.jobs.get, job_id).success(
                lambda job, pane=pane, request=request: self._output_ready(pane, request, job)).run_in_background()
        if not self.jobs and not self._submitting:
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            self._update_chat()

    def _output_ready(self, pane: int, request: dict, job) -> None:
        results = (job.result or {}).get("results") or []
        if not results or not str(results[0].get("text", "")).strip():
            return
        first = results[0]
        text = str(first["text"])
        if self.outputs[pane].toPlainText() != self.prefixes[pane] + text:   # every token, even if some came unseen
            self.outputs[pane].setPlainText(self.prefixes[pane] + text)
        self.answers[pane] = text
        params = dict(first.get("params") or {})
        if first.get("backend") == "llama.cpp":   # recorded as task runs record it
            params.update(backend="llama.cpp", quant=first.get("quant"))
        self.finished[pane] = {**request, "text": text, "seed": first.get("seed"), "params": params,
                               **({"model_sha256": first["model_sha256"]} if first.get("model_sha256") else {})}
        self.provenance[pane].setText(self.describe(first))
        if "turn" in request:
            request["turn"]["content"] = text
        elif self.chat.isChecked():
            self.history[pane] = request["history"] + [{"role": "user", "content": request["prompt"]},
                                                       {"role": "assistant", "content": text}]
        if self.chat.isChecked():
            if pane == 0 and self.prompt.toPlainText().strip() == request["prompt"]:
                self.prompt.clear()   # ready for the next turn
        for button in (self.review_buttons[pane], self.copy_buttons[pane], self.save_buttons[pane]):
            button.setEnabled(True)
        self._show_rules(pane, final=True)
        self._update_chat()

    # -- chat ---------------------------------------------------------------------------
    def transcript(self, history: list[dict]) -> str:
        """Earlier turns as the pane shows them above the new answer."""
        lines = []
        for turn in history:
            label = self.tr("You: %1") if turn["role"] == "user" else self.tr("Assistant: ") + "%1"
            lines.append(label.replace("%1", turn["content"]))
        return "".join(line + "\n\n" for line in lines)

    def new_chat(self) -> None:
        """Forget the conversation in both panes."""
        self.history = [[], []]
        self.prefixes = ["", ""]
        self.answers = ["", ""]
        self.finished = [None, None]
        for pane in range(2):
            self.outputs[pane].clear()
            self.rule_labels[pane].clear()
            self.pane_speeds[pane].clear()
            for button in (self.review_buttons[pane], self.copy_buttons[pane], self.save_buttons[pane]):
                button.setEnabled(False)
        self._update_chat()

    def _update_chat(self) -> None:
        turns = len(self.history[0]) // 2
        self.new_chat_button.setEnabled(self.chat.isChecked() and turns > 0 and not self.running())
        self.chat.setText(self.tr("Chat (%1 turns)").replace("%1", str(turns)) if self.chat.isChecked() and turns
                          else self.tr("Chat"))

    # -- results ------------------------------------------------------------------------
    def _show_rules(self, pane: int, final: bool) -> None:
        constraints = (self.task_info or {}).get("constraints")
        text, ok = rules_text(self.answers[pane], constraints, final)
        self.rule_labels[pane].setText(text)
        from desktop.style import current_palette
        self.rule_labels[pane].setStyleSheet("" if ok else f"color: {current_palette()['warning']};")

    def task_loaded(self, info: dict | None) -> None:
        if info is not None:
            self.fill_field(self.system, "system", info["system"])
        for pane in range(2):
            if self.answers[pane]:
                self._show_rules(pane, final=self.finished[pane] is not None)

    def copy_output(self, pane: int) -> None:
        """The answer alone (not the earlier turns) to the clipboard."""
        QApplication.clipboard().setText(self.answers[pane] or self.outputs[pane].toPlainText())
        self.speed.setText(self.tr("Copied."))

    def save_output(self, pane: int, path: str | None = None) -> None:
        """The pane's text (with the conversation in chat mode) to a UTF-8 file."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save output"), "output.txt",
                                                  self.tr("Text files (*.txt);;All files (*)"))
            if not path:
                return
        from engine import atomic
        text = self.outputs[pane].toPlainText()
        Op(self, atomic.write_text, path, text if text.endswith("\n") else text + "\n").success(
            lambda _: self.speed.setText(self.tr("Saved to %1").replace("%1", path))).failure(self._failed) \
            .run_in_background()

    # -- presets ------------------------------------------------------------------------
    def preset_values(self) -> dict:
        return {"prompt": self.prompt.toPlainText(), "system": self.system.toPlainText(),
                "max_new_tokens": self.max_tokens.value(), "temperature": self.temperature.value(),
                "top_p": self.top_p.value()}

    def apply_preset(self, values: dict) -> None:
        if "prompt" in values:
            self.prompt.setPlainText(str(values["prompt"]))
        if "system" in values:
            self.system.setPlainText(str(values["system"]))
        for box, key in ((self.max_tokens, "max_new_tokens"), (self.temperature, "temperature"),
                         (self.top_p, "top_p")):
            if isinstance(values.get(key), (int, float)):
                box.setValue(values[key])

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
        """Queue one pane's output, for the task chosen in the Task box (none: a one-off output); a chat answer
        goes with its system prompt and the earlier turns, so the reviewer sees what it answers."""
        output = self.finished[pane]
        if output is None:
            return
        review, task = self.page.engine.review, self.task.task()

        def add():
            return review.add("text", output["prompt"], text=output["text"], model=output["model"],
                              adapter=output["adapter"], params=output["params"], seed=output["seed"], task=task,
                              model_sha256=output.get("model_sha256"), system=output.get("system"),
                              history=output.get("history") or None)
        self.review_buttons[pane].setEnabled(False)
        self.queue_for_review(add, self.speed, lambda: self.review_buttons[pane].setEnabled(True))
