"""The Training tab: choose model, dataset and preset, see the memory check, start, follow the
live run (training_monitor.py); cancel and resume."""
from __future__ import annotations

from collections import deque

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.tabs.training_config import ConfigTools
from desktop.tabs.training_form import RunForm
from desktop.tabs.training_monitor import RunMonitor
from desktop.tabs.training_runs import RunActions, run_label
from desktop.widgets.buttons import primary_button

RUNS_SHOWN = 4   # runs (two lines each) the list keeps room for however tall the form gets


def list_runs(engine) -> list[dict]:
    from engine.training.runs import list_runs as runs
    return runs(engine)


class TrainingPage(Page):
    facade = "models"

    def __init__(self, window):
        super().__init__(window)
        self.models, self.datasets, self.runs = [], [], []
        self.active_runs: set[str] = set()   # training jobs queued or running: one at a time from here
        self._ready = False                  # model and dataset fit together
        self._preflight_generation = 0       # only the newest memory check is shown
        self._runs_generation = 0
        self._select_generation = 0
        self._ended: deque[str] = deque(maxlen=64)   # jobs seen ending, newest last
        self._resumed: dict[str, str] = {}            # job that stopped -> the job resuming its run
        self._build()
        self.bridge.state_changed.connect(self._on_job_state)

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        splitter = QSplitter()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        form_host = QWidget()
        form_layout = QVBoxLayout(form_host)
        form_layout.setContentsMargins(0, 0, 8, 0)
        self.form = RunForm(self)
        form_layout.addWidget(self.form)
        for name in ("model_box", "data_box", "method_box", "output_name", "preset_buttons", "advanced_toggle",
                     "advanced", "steps", "lr", "rank", "batch", "max_length", "save_every", "processes"):
            setattr(self, name, getattr(self.form, name))   # the page's own names for the form's fields
        self.preflight = QLabel(self.tr("Pick a model and a dataset."))
        self.preflight.setObjectName("muted")
        self.preflight.setWordWrap(True)
        form_layout.addWidget(self.preflight)
        self.start_button = primary_button("play", self.tr("Start training"), self.start)
        form_layout.addWidget(self.start_button)
        self.config_tools = ConfigTools(self)
        form_layout.addWidget(self.config_tools)
        runs_title = QLabel(self.tr("Runs"))
        runs_title.setObjectName("sectionTitle")
        form_layout.addWidget(runs_title)
        self.runs_list = QListWidget()
        self.runs_list.setObjectName("runsList")
        # with "Advanced" open the form scrolls rather than squeezing the runs to one line
        self.runs_list.setMinimumHeight(self.runs_list.fontMetrics().lineSpacing() * 2 * RUNS_SHOWN + 12)
        self.runs_list.currentItemChanged.connect(self._run_selected)
        self.runs_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        form_layout.addWidget(self.runs_list, 1)
        self.run_actions = RunActions(self)
        form_layout.addWidget(self.run_actions)
        self.resume_button = QPushButton(self.tr("Resume run"))
        self.resume_button.clicked.connect(self.resume_selected)
        self.resume_button.setEnabled(False)
        form_layout.addWidget(self.resume_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        scroll.setMaximumWidth(460)
        splitter.addWidget(scroll)

        self.monitor = RunMonitor(self)
        splitter.addWidget(self.monitor)
        splitter.setStretchFactor(1, 1)

        # the memory check depends on everything that sizes the run; it reruns shortly after the last change
        self._preflight_timer = QTimer(self)
        self._preflight_timer.setSingleShot(True)
        self._preflight_timer.setInterval(300)
        self._preflight_timer.timeout.connect(self.update_preflight)
        self.model_box.currentIndexChanged.connect(self._model_changed)
        self.model_box.currentIndexChanged.connect(self.update_preflight)
        self.data_box.currentIndexChanged.connect(self.update_preflight)
        self.method_box.currentIndexChanged.connect(self._preflight_soon)
        for spin in (self.steps, self.batch, self.max_length, self.rank, self.processes, self.form.epochs,
                     self.lr, self.save_every):
            spin.valueChanged.connect(self._preflight_soon)
        self.form.length_unit.currentIndexChanged.connect(self._preflight_soon)
        self.output_name.textChanged.connect(self._preflight_soon)
        self.apply_preset("quick")

    # -- data -------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.available():
            return
        engine = self.engine

        def load():
            models = [m for m in engine.models.list(role="base")]
            datasets = engine.data.list() if hasattr(type(engine), "data") else []
            return models, datasets, list_runs(engine)
        self._runs_generation += 1
        generation = self._runs_generation
        Op(self, load).success(lambda loaded: self._show(loaded) if generation == self._runs_generation else None) \
            .run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("text.train", "image.train", "samples.install", "models.import", "data.import"):
            self.refresh()

    def use_model(self, base: str, kind: str, adapter: str | None = None) -> None:
        """Choose this base model once the lists are loaded; an adapter is trained further (init_adapter)."""
        self._wanted = (base, kind, adapter)
        self.refresh()

    def _take_wanted(self) -> None:
        wanted, self._wanted = getattr(self, "_wanted", None), None
        if wanted is None:
            return
        base, kind, adapter = wanted
        self.model_box.setCurrentIndex(max(0, self.model_box.findData(base)))
        self._continue_base = base
        self.form.set_continue(adapter, kind)

    def _model_changed(self) -> None:
        """An adapter continues only on the base model it was trained on: another base trains afresh."""
        if self.form.continued_adapter() and self.model_box.currentData() != getattr(self, "_continue_base", None):
            self.form.set_continue(None)

    def _show(self, loaded) -> None:
        self.models, self.datasets, self.runs = loaded
        keep_model, keep_data = self.model_box.currentData(), self.data_box.currentData()
        self.model_box.blockSignals(True)
        self.data_box.blockSignals(True)
        self.model_box.clear()
        for model in self.models:
            self.model_box.addItem(icons.icon("text" if model.kind == "text" else "image"),
                                   f"{model.name} ({self.tr('text') if model.kind == 'text' else self.tr('image')})",
                                   model.name)
        self.data_box.clear()
        for info in self.datasets:
            self.data_box.addItem(f"{info.name} · v{info.version} · {info.count}", info.name)
        for box, keep in ((self.model_box, keep_model), (self.data_box, keep_data)):
            index = box.findData(keep)
            if index >= 0:
                box.setCurrentIndex(index)
        self.model_box.blockSignals(False)
        self.data_box.blockSignals(False)
        self._take_wanted()
        # runs under way by the list, plus those started here whose run record is not written yet
        self.active_runs = {run["job_id"] for run in self.runs if run.get("job_id") and (
            run.get("job_state") or run.get("state")) in ("queued", "running")} | self.active_runs
        self.active_runs -= set(self._ended)
        self.update_preflight()
        selected = self.runs_list.currentItem()
        keep_run = (selected.data(Qt.ItemDataRole.UserRole) or {}).get("id") if selected else None
        self.runs_list.blockSignals(True)
        self.runs_list.clear()
        for run in self.runs:
            # a resumed run is running again although its record may still say how its last job ended
            state = run.get("job_state") if run.get("job_state") in ("queued", "running") else run.get("state") or ""
            if self._resumed.get(run.get("job_id")) in self.active_runs:
                state = "running"
            config = run.get("config") or {}
            kind = {"text": self.tr("text"), "image": self.tr("image")}.get(run.get("kind"), run.get("kind"))
            state = self.state_name(state)
            item = QListWidgetItem(f"{run_label(run)} · {kind} · {state}\n"
                                   f"{config.get('model', '')} ← {config.get('data', '')}")
            item.setToolTip(run["id"])
            item.setData(Qt.ItemDataRole.UserRole, run)
            self.runs_list.addItem(item)
            if run["id"] == keep_run:
                self.runs_list.setCurrentItem(item)
        self.runs_list.blockSignals(False)
        self._update_resume()
        self.run_actions.update_buttons()

    def state_name(self, state: str) -> str:
        return {"running": self.tr("running"), "queued": self.tr("queued"), "succeeded": self.tr("finished"),
                "failed": self.tr("failed"), "cancelled": self.tr("cancelled"),
                "interrupted": self.tr("interrupted")}.get(state, state)

    def selected_model(self):
        name = self.model_box.currentData()
        return next((m for m in self.models if m.name == name), None)

    def selected_dataset(self):
        name = self.data_box.currentData()
        return next((d for d in self.datasets if d.name == name), None)

    def apply_preset(self, key: str) -> None:
        self.form.apply_preset(key)

    def _preflight_soon(self) -> None:
        self._preflight_timer.start()

    def _update_start(self) -> None:
        """Start needs a model and dataset that fit together and no training run already under way."""
        self.start_button.setEnabled(self._ready and not self.active_runs)
        if self.active_runs:
            self.start_button.setToolTip(self.tr("A training run is under way; start the next when it ends"))
        else:
            self.start_button.setToolTip("")

    def update_preflight(self) -> None:
        self._preflight_timer.stop()
        self._preflight_generation += 1
        self._ready = False
        self.config_tools.refresh_command()
        model, dataset = self.selected_model(), self.selected_dataset()
        self.form.show_kind(model.kind if model is not None else None)
        if not self.models or not self.datasets:
            self.preflight.setText(self.tr("Import a base model (Models) and a dataset (Datasets) first."))
        elif model is None or dataset is None:
            self.preflight.setText(self.tr("Pick a model and a dataset."))
        elif dataset.modality != model.kind:
            self.preflight.setText("⚠ " + self.tr("%1 is a %2 dataset; %3 is a %4 model.")
                                   .replace("%1", dataset.name).replace("%2", self.kind_name(dataset.modality))
                                   .replace("%3", model.name).replace("%4", self.kind_name(model.kind)))
        else:
            self._ready = True
        self._update_start()
        if not self._ready:
            return
        if model.kind != "text" or not hasattr(type(self.engine), "text"):
            self.preflight.setText(self.tr("The memory check runs when the run starts."))
            return
        config, generation = self.text_config(), self._preflight_generation
        self.preflight.setText(self.tr("Checking memory…"))

        def shown(callback):
            return lambda *result: callback(*result) if generation == self._preflight_generation else None
        Op(self, self._text_preflight, config, self.processes.value()).success(shown(self._show_preflight)) \
            .failure(shown(lambda exc, details: self.preflight.setText("⚠ " + str(exc)))).run_in_background()

    def kind_name(self, kind: str) -> str:
        return {"text": self.tr("text"), "image": self.tr("image")}.get(kind, kind)

    def _text_preflight(self, config: dict, nproc: int = 1) -> dict:
        return self.engine.text.preflight(config, nproc=nproc)

    def _show_preflight(self, estimate: dict) -> None:
        need = estimate.get("total") or sum(estimate.get(k, 0) for k in ("weights", "gradients", "optimizer",
                                                                           "activations", "overhead"))
        free = estimate.get("available")
        if need and free:
            self.preflight.setText("✓ " + self.tr("Fits in memory: needs about %1 GiB of %2 GiB free.")
                                   .replace("%1", f"{need / 2**30:.2f}").replace("%2", f"{free / 2**30:.1f}"))
        else:
            self.preflight.setText("✓ " + self.tr("Fits in memory."))

    def text_config(self) -> dict:
        return self.form.text_config(self.selected_model(), self.selected_dataset())

    def image_config(self) -> dict:
        return self.form.image_config(self.selected_model(), self.selected_dataset())

    # -- runs -----------------------------------------------------------------------
    def start(self, overrides: dict | None = None) -> None:
        model = self.selected_model()
        if model is None or self.selected_dataset() is None:
            return
        if model.kind == "text":
            kind, params = "text.train", {"config": {**self.text_config(), **(overrides or {})}}
            if self.processes.value() > 1:
                params["nproc"] = self.processes.value()
        else:
            kind, params = "image.train", {**self.image_config(), **(overrides or {})}
        self.active_runs.add("")     # until the job id is known
        self._update_start()
        Op(self, self.engine.jobs.submit, kind, params).success(self._started) \
            .failure(self._start_failed).run_in_background()

    def _started(self, job) -> None:
        self.active_runs.discard("")
        if job.id not in self._ended:   # it may have ended before the answer came back
            self.active_runs.add(job.id)
        self._update_start()
        self.follow(job)
        if job.resumed_from:
            self._resumed[job.resumed_from] = job.id
            self.refresh()

    def _on_job_state(self, job_id: str, state: str, data: dict) -> None:
        if state in ("queued", "running"):
            return
        self._ended.append(job_id)
        if job_id in self.active_runs:
            self.active_runs.discard(job_id)
            self._update_start()
            self._update_resume()

    def _start_failed(self, exc, details) -> None:
        self.active_runs.discard("")
        self._update_start()
        from desktop.widgets.error_dialog import show_error
        show_error(self, exc, details)

    # -- the run on the right --------------------------------------------------------
    @property
    def current_job(self) -> str | None:
        return self.monitor.current_job

    @property
    def current_row(self):
        return self.monitor.current_row

    @property
    def chart(self):
        return self.monitor.chart

    def follow(self, job) -> None:
        """Show this job's progress, curves and log."""
        self.monitor.follow(job)

    def stop_running_job(self) -> bool:
        """Esc: stop the run shown on the right."""
        row = self.current_row
        if row is not None and row.state in ("queued", "running"):
            row.cancel()
            return True
        return False

    def cancel_current(self) -> None:
        if self.current_row is not None:
            self.current_row.cancel()

    def resume_job(self, job_id: str) -> None:
        Op(self, self.engine.jobs.resume, job_id).success(self._started).run_in_background()

    def _run_selected(self, item, _previous=None) -> None:
        run = item.data(Qt.ItemDataRole.UserRole) if item else None
        self._update_resume()
        if not run:
            return
        self.monitor.show_checkpoints(run.get("dir") or "")
        self._select_generation += 1
        generation = self._select_generation
        if run.get("job_id") and run.get("job_id") != self.current_job:
            # clicking quickly through runs: only the last one clicked is shown
            Op(self, self.engine.jobs.get, run["job_id"]).success(
                lambda job: self.follow(job) if generation == self._select_generation else None).run_in_background()

    def _update_resume(self) -> None:
        item = self.runs_list.currentItem()
        run = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.resume_button.setEnabled(bool(run) and not self.active_runs and
                                      run.get("state") not in ("succeeded", "running", "queued"))

    def resume_selected(self) -> None:
        item = self.runs_list.currentItem()
        run = item.data(Qt.ItemDataRole.UserRole) if item else None
        if run and run.get("job_id"):
            self.resume_job(run["job_id"])

    # -- for screenshots and tests ---------------------------------------------------------
    def chart_points(self) -> int:
        return self.chart.points("loss")

    def start_demo_run(self) -> bool:
        """Start a short run on the first text model and text dataset (used by the screenshots tool)."""
        for index in range(self.model_box.count()):
            model = next((m for m in self.models if m.name == self.model_box.itemData(index)), None)
            if model and model.kind == "text":
                self.model_box.setCurrentIndex(index)
                break
        for index in range(self.data_box.count()):
            info = next((d for d in self.datasets if d.name == self.data_box.itemData(index)), None)
            if info and info.modality == "text":
                self.data_box.setCurrentIndex(index)
                break
        if not self.start_button.isEnabled():
            return False
        self.steps.setValue(400)
        self.start({"max_steps": 400, "save_every": 100, "eval_every": 10, "learning_rate": 1e-3, "batch_size": 4})
        return True

