"""The "New run" form of the Training tab: model, dataset, method, adapter name, presets and the
advanced settings; it shows only what applies to the chosen model's kind and builds the run's config."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

# steps, learning rate, LoRA rank for each preset (text / image)
PRESETS = {"quick": (30, 3e-4, 8), "balanced": (200, 2e-4, 16), "thorough": (800, 1e-4, 32)}


class RunForm(QWidget):
    def __init__(self, page):
        super().__init__()
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
        grid.addRow(self.tr("Steps"), self.steps)
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

    def apply_preset(self, key: str) -> None:
        steps, lr, rank = PRESETS[key]
        self.steps.setValue(steps)
        self.lr.setValue(lr)
        self.rank.setValue(rank)
        for name, button in self.preset_buttons.items():
            button.setChecked(name == key)

    def show_kind(self, kind: str | None) -> None:
        """Image models train a LoRA at a fixed resolution: no method choice, no token length."""
        text = kind != "image"
        self.setup_form.setRowVisible(self.method_box, text)
        self.advanced_form.setRowVisible(self.max_length, text)
        self.advanced_form.setRowVisible(self.processes, text)
        if not text:
            self.processes.setValue(1)
            self.method_box.setCurrentIndex(0)

    def text_config(self, model, dataset) -> dict:
        return {"model": model.name, "data": dataset.name, "method": self.method_box.currentData(),
                "max_steps": self.steps.value(), "learning_rate": self.lr.value(), "lora_r": self.rank.value(),
                "lora_alpha": self.rank.value() * 2, "batch_size": self.batch.value(),
                "max_length": self.max_length.value(), "save_every": self.save_every.value(),
                "eval_every": max(1, min(self.save_every.value(), self.steps.value() // 4 or 1)),
                "output_name": self.output_name.text().strip() or None}

    def image_config(self, model, dataset) -> dict:
        return {"model": model.name, "data": dataset.name, "max_steps": self.steps.value(),
                "learning_rate": self.lr.value(), "rank": self.rank.value(), "alpha": float(self.rank.value()),
                "batch_size": self.batch.value(), "checkpoint_every": self.save_every.value(),
                "output_name": self.output_name.text().strip() or None}
