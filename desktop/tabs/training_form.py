"""The "New run" form of the Training tab: model, dataset, method, adapter name, presets and the
advanced settings (length in steps or epochs); it shows only what applies to the chosen model's kind, builds
the run's config and fills itself from a loaded one (fields it has no box for are kept and passed on)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

# steps, learning rate, LoRA rank for each preset (text / image)
PRESETS = {"quick": (30, 3e-4, 8), "balanced": (200, 2e-4, 16), "thorough": (800, 1e-4, 32)}


class RunForm(QWidget):
    def __init__(self, page):
        super().__init__()
        self._text_kind = True   # the chosen model is a text model (the method choice applies)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        setup = QGroupBox(self.tr("New run"))
        form = QFormLayout(setup)
        form.setSpacing(10)
        self.model_box = QComboBox()
        self.data_box = QComboBox()
        self.method_box = QComboBox()
        self.method_box.addItem(self.tr("LoRA adapter (recommended)"), "lora")
        self.method_box.addItem(self.tr("Full fine-tune (small models)"), "full")
        self.output_name = QLineEdit()
        self.output_name.setObjectName("adapterName")
        self.output_name.setPlaceholderText(self.tr("Automatic (model name and run number)"))
        self.output_name.setToolTip(self.tr("The name the trained adapter gets in Models"))
        form.addRow(self.tr("Base model"), self.model_box)
        form.addRow(self.tr("Dataset"), self.data_box)
        form.addRow(self.tr("Method"), self.method_box)
        # "Use in Training" on an adapter: the run starts from that adapter's weights (init_adapter)
        self.continues = QLabel()
        self.continues.setObjectName("muted")
        self.continues.setWordWrap(True)
        self.clear_continue = QPushButton(self.tr("Train afresh"))
        self.clear_continue.setToolTip(self.tr("Start from the base model alone instead"))
        self.clear_continue.clicked.connect(lambda: self.set_continue(None))
        self.continue_row = QWidget()
        row = QHBoxLayout(self.continue_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.continues, 1)
        row.addWidget(self.clear_continue)
        form.addRow(self.tr("Continues"), self.continue_row)
        self.setup_form = form
        form.addRow(self.tr("Adapter name"), self.output_name)
        presets = QHBoxLayout()
        self.preset_buttons = {}
        for key, label in (("quick", self.tr("Quick")), ("balanced", self.tr("Balanced")),
                           ("thorough", self.tr("Thorough"))):
            button = QPushButton(label)
            button.setCheckable(True)
            button.clicked.connect(lambda checked=False, k=key: page.apply_preset(k))
            presets.addWidget(button)
            self.preset_buttons[key] = button
        form.addRow(self.tr("Preset"), presets)
        outer.addWidget(setup)

        # "Advanced" folds the hyperparameters away, so the runs list keeps its room
        self.advanced_toggle = QCheckBox(self.tr("Advanced"))
        outer.addWidget(self.advanced_toggle)
        advanced = QGroupBox()
        grid = QFormLayout(advanced)
        self.advanced_toggle.toggled.connect(advanced.setVisible)
        advanced.setVisible(False)
        self.steps = QSpinBox()
        self.steps.setRange(1, 100_000)
        self.epochs = QDoubleSpinBox()
        self.epochs.setRange(0.1, 10_000)
        self.epochs.setDecimals(1)
        self.epochs.setValue(1.0)
        self.length_unit = QComboBox()
        self.length_unit.addItem(self.tr("steps"), "steps")
        self.length_unit.addItem(self.tr("epochs"), "epochs")
        self.length_unit.setToolTip(self.tr("Train for a number of optimizer steps, or of passes over the dataset"))
        self.length_unit.currentIndexChanged.connect(self._show_unit)
        length = QHBoxLayout()
        length.addWidget(self.steps, 1)
        length.addWidget(self.epochs, 1)
        length.addWidget(self.length_unit)
        self.extra: dict = {}   # fields of a loaded config the form has no box for
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1.0)
        self.lr.setSingleStep(1e-5)
        self.rank = QSpinBox()
        self.rank.setRange(1, 256)
        self.batch = QSpinBox()
        self.batch.setRange(1, 256)
        self.batch.setValue(2)
        self.max_length = QSpinBox()
        self.max_length.setRange(16, 8192)
        self.max_length.setValue(256)
        self.save_every = QSpinBox()
        self.save_every.setRange(1, 100_000)
        self.save_every.setValue(50)
        grid.addRow(self.tr("Length"), length)
        grid.addRow(self.tr("Learning rate"), self.lr)
        grid.addRow(self.tr("LoRA rank"), self.rank)
        grid.addRow(self.tr("Batch size"), self.batch)
        grid.addRow(self.tr("Max length (tokens)"), self.max_length)
        self.advanced_form = grid
        grid.addRow(self.tr("Checkpoint every"), self.save_every)
        # text runs only: several processes train together (one per GPU; on the CPU they share the cores)
        self.processes = QSpinBox()
        self.processes.setRange(1, 64)
        self.processes.setToolTip(self.tr("Processes that train together with torchrun (one per GPU). "
                                          "On a computer without GPUs they share its cores, for testing."))
        grid.addRow(self.tr("Processes / GPUs"), self.processes)
        self.advanced = advanced
        outer.addWidget(advanced)
        self._show_unit()
        self.show_continue()

    def _show_unit(self) -> None:
        epochs = self.length_unit.currentData() == "epochs"
        self.steps.setVisible(not epochs)
        self.epochs.setVisible(epochs)

    def by_epochs(self) -> bool:
        return self.length_unit.currentData() == "epochs"

    def apply_preset(self, key: str) -> None:
        steps, lr, rank = PRESETS[key]
        self.extra = {}   # a preset starts afresh from the defaults
        self.show_continue()
        self.length_unit.setCurrentIndex(self.length_unit.findData("steps"))
        self.steps.setValue(steps)
        self.lr.setValue(lr)
        self.rank.setValue(rank)
        for name, button in self.preset_buttons.items():
            button.setChecked(name == key)

    def continued_adapter(self) -> str | None:
        """The adapter the next run continues, if any."""
        return next((extra["init_adapter"] for extra in self.extra.values() if extra.get("init_adapter")), None)

    def set_continue(self, adapter: str | None, kind: str = "text") -> None:
        """Continue ``adapter`` (a LoRA adapter of the chosen base model), or train afresh (None)."""
        for extra in self.extra.values():
            extra.pop("init_adapter", None)
        if adapter:
            self.extra.setdefault(kind, {})["init_adapter"] = adapter
            self.method_box.setCurrentIndex(max(0, self.method_box.findData("lora")))   # an adapter is a LoRA
        self.show_continue()

    def show_continue(self) -> None:
        adapter = self.continued_adapter()
        self.continues.setText(self.tr("Adapter %1 (trained further)").replace("%1", adapter or ""))
        self.setup_form.setRowVisible(self.continue_row, adapter is not None)
        self.setup_form.setRowVisible(self.method_box, adapter is None and self._text_kind)

    def show_kind(self, kind: str | None) -> None:
        """Image models train a LoRA at a fixed resolution: no method choice, no token length."""
        text = kind != "image"
        self._text_kind = text
        self.setup_form.setRowVisible(self.method_box, text and self.continued_adapter() is None)
        self.advanced_form.setRowVisible(self.max_length, text)
        self.advanced_form.setRowVisible(self.processes, text)
        if not text:
            self.processes.setValue(1)
            self.method_box.setCurrentIndex(0)

    def text_config(self, model, dataset) -> dict:
        length = {"epochs": self.epochs.value()} if self.by_epochs() else {"max_steps": self.steps.value()}
        eval_every = self.save_every.value() if self.by_epochs() else \
            max(1, min(self.save_every.value(), self.steps.value() // 4 or 1))
        extra = {k: v for k, v in self.extra.get("text", {}).items()}
        return {**extra, "model": model.name, "data": dataset.name, "method": self.method_box.currentData(),
                **length, "learning_rate": self.lr.value(), "lora_r": self.rank.value(),
                "lora_alpha": extra.get("lora_alpha", self.rank.value() * 2), "batch_size": self.batch.value(),
                "max_length": self.max_length.value(), "save_every": self.save_every.value(),
                "eval_every": extra.get("eval_every", eval_every),
                "output_name": self.output_name.text().strip() or None}

    def image_config(self, model, dataset) -> dict:
        length = {"epochs": max(1, round(self.epochs.value()))} if self.by_epochs() else \
            {"max_steps": self.steps.value()}
        extra = {k: v for k, v in self.extra.get("image", {}).items()}
        return {**extra, "model": model.name, "data": dataset.name, **length,
                "learning_rate": self.lr.value(), "rank": self.rank.value(),
                "alpha": extra.get("alpha", float(self.rank.value())),
                "batch_size": self.batch.value(), "checkpoint_every": self.save_every.value(),
                "output_name": self.output_name.text().strip() or None}

    # the boxes a config field fills: (text field, image field) -> box
    def apply_config(self, kind: str, config: dict) -> list[str]:
        """Fill the boxes from a typed config; the other fields that differ from their defaults are kept in
        ``extra`` and go into the run. Returns those fields' names."""
        from engine.image.train_config import ImageTrainConfig
        from engine.text.config import TrainConfig
        from dataclasses import MISSING, fields
        cls = TrainConfig if kind == "text" else ImageTrainConfig
        defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
        boxes = {"learning_rate": self.lr, "batch_size": self.batch, "max_length": self.max_length,
                 ("lora_r" if kind == "text" else "rank"): self.rank,
                 ("save_every" if kind == "text" else "checkpoint_every"): self.save_every}
        for key, box in boxes.items():
            if config.get(key) is not None:
                box.setValue(config[key])
        if config.get("max_steps"):
            self.length_unit.setCurrentIndex(self.length_unit.findData("steps"))
            self.steps.setValue(int(config["max_steps"]))
        else:
            self.length_unit.setCurrentIndex(self.length_unit.findData("epochs"))
            self.epochs.setValue(float(config.get("epochs") or 1))
        if kind == "text":
            self.method_box.setCurrentIndex(max(0, self.method_box.findData(config.get("method", "lora"))))
        self.output_name.setText(config.get("output_name") or "")
        for button in self.preset_buttons.values():
            button.setChecked(False)
        shown = set(boxes) | {"model", "data", "method", "max_steps", "epochs", "output_name",
                              "base_sha256", "dataset_ref", "dataset_hash"}
        self.extra = {kind: {k: v for k, v in config.items() if k not in shown and (
            v != defaults.get(k) or k in ("lora_alpha", "eval_every", "alpha"))}}
        self.show_continue()
        return sorted(self.extra[kind])
