"""Validation samples of a text run: what the trained model writes for a few held-out prompts.

Image runs stream their validation pictures while they train; a text run's samples are written
once it has finished, as an ordinary generation job (cancellable, listed under Jobs) with the
run's own result, on prompts from the dataset's validation split (else its first examples).
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop.bridge import Op

SAMPLES = 3


def sample_prompts(engine, dataset: str, count: int = SAMPLES) -> list[str]:
    rows = engine.data.records(dataset, limit=count, split="val") or engine.data.records(dataset, limit=count)
    prompts = []
    for row in rows:
        text = "\n\n".join(str(row.get(key) or "").strip() for key in ("instruction", "input") if row.get(key))
        if text:
            prompts.append(text)
    return prompts


class TextSamples(QWidget):
    def __init__(self, monitor):
        super().__init__()
        self.monitor = monitor
        self.job = None          # the text.train job shown
        self.sample_job: str | None = None
        self.prompts: list[str] = []
        self.answers: list[str] = []
        column = QVBoxLayout(self)
        row = QHBoxLayout()
        self.note = QLabel(self.tr("Samples are written when the run has finished."))
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.write_button = QPushButton(self.tr("Write samples"))
        self.write_button.setToolTip(self.tr("Let the trained model answer a few validation prompts"))
        self.write_button.clicked.connect(self.write)
        self.write_button.setEnabled(False)
        row.addWidget(self.note, 1)
        row.addWidget(self.write_button)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("textSamples")
        column.addLayout(row)
        column.addWidget(self.text, 1)
        monitor.page.bridge.partial.connect(self._on_partial)
        monitor.page.bridge.state_changed.connect(self._on_state)

    def follow(self, job) -> None:
        self.job, self.sample_job = job, None
        self.text.clear()
        self._update()

    def finished(self, job) -> None:
        """The followed run ended (its result is in ``job``)."""
        if self.job is not None and job.id == self.job.id:
            self.job = job
            self._update()

    def _update(self) -> None:
        done = self.job is not None and self.job.state.value == "succeeded" and bool(self.job.result)
        self.write_button.setEnabled(done and self.sample_job is None)
        if done:
            self.note.setText(self.tr("The trained model answers %1 validation prompts.").replace("%1", str(SAMPLES)))
        else:
            self.note.setText(self.tr("Samples are written when the run has finished."))

    def write(self) -> None:
        if self.job is None or not self.job.result:
            return
        engine, job = self.monitor.page.engine, self.job
        config = (job.params or {}).get("config") or {}
        result = job.result
        adapter = result.get("model") if result.get("role") == "adapter" else None
        model = config.get("model") if adapter else result.get("model")

        def submit():
            prompts = sample_prompts(engine, config.get("data"))
            return prompts, engine.text.generate(model, prompts, {"max_new_tokens": 96, "seed": 0}, adapter)
        self.write_button.setEnabled(False)
        self.text.setPlainText(self.tr("Writing samples…"))
        Op(self, submit).success(self._submitted).failure(self._failed).run_in_background()

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import reason_of
        self.text.setPlainText("⚠ " + reason_of(exc))
        self._update()

    def _submitted(self, answer) -> None:
        prompts, job = answer
        self.prompts, self.answers, self.sample_job = prompts, [""] * len(prompts), job.id
        self._render()
        # tokens sent before the id was known are caught up from the finished job's result
        Op(self, self.monitor.page.engine.jobs.get, job.id).success(self._catch_up).run_in_background()

    def _catch_up(self, job) -> None:
        if job.id == self.sample_job and job.state.value in ("succeeded", "failed", "cancelled", "interrupted"):
            self._on_state(job.id, job.state.value, {"error": job.error}, job)

    def _on_partial(self, job_id: str, data: dict) -> None:
        if job_id == self.sample_job and "token" in data:
            index = int(data.get("index") or 0)
            if index < len(self.answers):
                self.answers[index] += str(data["token"])
                self._render()

    def _on_state(self, job_id: str, state: str, data: dict, job=None) -> None:
        if job_id != self.sample_job or state in ("queued", "running"):
            return
        if state == "succeeded":
            if job is None:
                Op(self, self.monitor.page.engine.jobs.get, job_id).success(
                    lambda fresh: self._on_state(fresh.id, "succeeded", {}, fresh)).run_in_background()
                return
            results = (job.result or {}).get("results") or []
            for index, item in enumerate(results[:len(self.answers)]):
                self.answers[index] = str(item.get("text", ""))
        self.sample_job = None
        self._render(None if state == "succeeded" else str(data.get("error") or state))
        self._update()

    def _render(self, problem: str | None = None) -> None:
        parts = []
        for number, (prompt, answer) in enumerate(zip(self.prompts, self.answers), 1):
            parts.append(f"#{number}  {prompt}\n→ {answer}")
        if problem:
            parts.append("⚠ " + problem)
        self.text.setPlainText("\n\n".join(parts))
