"""Clean and Split dialogs: the settings of the job, and a preview of what it will change (records removed
and kept per rule; per split sizes and records that move), counted off the GUI thread as settings change."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout)

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of


class _JobDialog(QDialog):
    """A form, a preview line recounted shortly after each change, and the button that starts the job."""

    def __init__(self, page, name: str):
        super().__init__(page)
        self.page, self.name = page, name
        self.resize(620, 0)
        self.form = QFormLayout()
        self.preview = QLabel(self.tr("Counting…"))
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 3)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setProperty("primary", True)
        self.start_button.setEnabled(False)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(self.form)
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        layout.addSpacing(6)
        title = QLabel(self.tr("What will change"))
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._asked = 0
        self.answered = 0             # previews shown so far (tests wait on it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.recount)

    def changed(self, *_) -> None:
        self.start_button.setEnabled(False)
        self.preview.setText(self.tr("Counting…"))
        self._timer.start()

    def recount(self) -> None:
        self._timer.stop()
        self._asked += 1
        asked = self._asked
        Op(self, self.count).success(lambda result: self._show(result) if asked == self._asked else None) \
            .failure(lambda exc, details: self._failed(exc) if asked == self._asked else None).run_in_background()

    def _failed(self, exc) -> None:
        self.answered += 1
        self.preview.setText("⚠ " + reason_of(exc))
        self.start_button.setEnabled(False)

    def _show(self, result: dict) -> None:
        self.answered += 1
        self.preview.setText(self.describe(result))
        self.start_button.setEnabled(self.worth_starting(result))

    def start(self) -> None:
        self.start_button.setEnabled(False)
        Op(self, self.submit).success(self._started) \
            .failure(lambda exc, details: (self.preview.setText("⚠ " + reason_of(exc)),
                                           self.start_button.setEnabled(True))).run_in_background()

    def _started(self, job) -> None:
        self.page.window_.show_banner_job(job)
        self.accept()

    def worth_starting(self, result: dict) -> bool:
        return True


class CleanDialog(_JobDialog):
    """The cleaning rules; nothing is deleted: removed records are marked rejected with the rule's tag."""

    def __init__(self, page, name: str):
        super().__init__(page, name)
        self.setWindowTitle(self.tr("Clean %1").replace("%1", name))
        self.start_button.setText(self.tr("Clean"))
        self.exact = QCheckBox(self.tr("Exact duplicates"))
        self.near = QCheckBox(self.tr("Near duplicates, similarity at least"))
        self.similarity = QDoubleSpinBox()
        self.similarity.setRange(0.5, 1.0)
        self.similarity.setSingleStep(0.05)
        self.similarity.setValue(0.8)
        self.empty = QCheckBox(self.tr("Records with no answer or caption"))
        for box in (self.exact, self.near, self.empty):
            box.setChecked(True)
        self.min_chars = QSpinBox()
        self.max_chars = QSpinBox()
        for spin in (self.min_chars, self.max_chars):
            spin.setRange(0, 1_000_000)
            spin.setSpecialValueText(self.tr("no limit"))
        self.pii = QComboBox()
        for value, label in (("redact", self.tr("Hide them (replace with a placeholder)")),
                             ("reject", self.tr("Remove the record")), ("report", self.tr("Only count them")),
                             (None, self.tr("Leave them"))):
            self.pii.addItem(label, value)
        self.banned = QLineEdit()
        self.banned.setPlaceholderText(self.tr("Separated by commas; records with one are removed"))
        near = QHBoxLayout()
        near.addWidget(self.near)
        near.addWidget(self.similarity)
        near.addStretch(1)
        length = QHBoxLayout()
        length.addWidget(self.min_chars)
        length.addWidget(QLabel(self.tr("to")))
        length.addWidget(self.max_chars)
        length.addStretch(1)
        self.form.addRow(self.tr("Remove records"), self.exact)
        self.form.addRow("", near)
        self.form.addRow("", self.empty)
        self.form.addRow(self.tr("Length (characters)"), length)
        self.form.addRow(self.tr("Phone numbers, e-mails, ID numbers"), self.pii)
        self.form.addRow(self.tr("Banned words"), self.banned)
        self.note.setText(self.tr("Nothing is deleted: removed records are marked rejected with the rule's tag, "
                                  "and the previous version keeps everything."))
        self.note.show()
        for box in (self.exact, self.near, self.empty):
            box.toggled.connect(self.changed)
        self.near.toggled.connect(self.similarity.setEnabled)
        for spin in (self.similarity, self.min_chars, self.max_chars):
            spin.valueChanged.connect(self.changed)
        self.pii.currentIndexChanged.connect(self.changed)
        self.banned.textChanged.connect(self.changed)
        self.recount()

    def rules(self) -> dict:
        rules: dict = {}
        if self.exact.isChecked():
            rules["exact_dup"] = True
        if self.near.isChecked():
            rules["near_dup"] = round(self.similarity.value(), 2)
        if self.empty.isChecked():
            rules["empty"] = True
        if self.min_chars.value():
            rules["min_chars"] = self.min_chars.value()
        if self.max_chars.value():
            rules["max_chars"] = self.max_chars.value()
        if self.pii.currentData():
            rules["pii"] = self.pii.currentData()
        banned = [w.strip() for w in self.banned.text().replace("，", ",").split(",") if w.strip()]
        if banned:
            rules["banned"] = banned
        return rules

    def count(self) -> dict:
        return self.page.engine.data.clean_preview(self.name, self.rules())

    def submit(self):
        return self.page.engine.data.clean(self.name, self.rules())

    def rule_name(self, key: str) -> str:
        return {"empty": self.tr("empty"), "length": self.tr("length"), "tokens": self.tr("tokens"),
                "script": self.tr("language"), "banned": self.tr("banned words"),
                "pii": self.tr("personal data"), "exact_dup": self.tr("exact duplicates"),
                "near_dup": self.tr("near duplicates")}.get(key, key)

    def describe(self, result: dict) -> str:
        report = result.get("report") or {}
        rules = ", ".join(f"{self.rule_name(k)} {v}" for k, v in report.items()
                          if isinstance(v, int) and v and k != "pii")
        text = self.tr("Of %1 record(s): %2 removed, %3 kept.").replace("%1", str(result["checked"])) \
            .replace("%2", str(result["removed"])).replace("%3", str(result["kept"]))
        if rules:
            text += " " + self.tr("Removed by rule: %1.").replace("%1", rules)
        if report.get("pii"):
            text += " " + self.tr("%1 record(s) contain personal data.").replace("%1", str(report["pii"]))
        if result.get("redacted"):
            text += " " + self.tr("%1 record(s) will have it hidden.").replace("%1", str(result["redacted"]))
        return text


class SplitDialog(_JobDialog):
    """Validation and test shares, the seed, and keeping near duplicates on one side."""

    def __init__(self, page, name: str):
        super().__init__(page, name)
        self.setWindowTitle(self.tr("Split %1").replace("%1", name))
        self.start_button.setText(self.tr("Split"))
        self.val = QSpinBox()
        self.test = QSpinBox()
        for spin in (self.val, self.test):
            spin.setRange(0, 90)
            spin.setSuffix(" %")
            spin.setValue(10)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.near = QCheckBox(self.tr("Keep near duplicates on the same side"))
        self.near.setToolTip(self.tr("So that no validation example has a paraphrase of itself in training"))
        self.near.setChecked(True)
        self.form.addRow(self.tr("Validation share"), self.val)
        self.form.addRow(self.tr("Test share"), self.test)
        self.form.addRow(self.tr("Seed"), self.seed)
        self.form.addRow("", self.near)
        for spin in (self.val, self.test, self.seed):
            spin.valueChanged.connect(self.changed)
        self.near.toggled.connect(self.changed)
        self.recount()

    def shares(self) -> tuple[float, float]:
        return self.val.value() / 100, self.test.value() / 100

    def count(self) -> dict:
        val, test = self.shares()
        return self.page.engine.data.split_preview(self.name, val, test, self.seed.value(), self.near.isChecked())

    def submit(self):
        val, test = self.shares()
        return self.page.engine.data.split(self.name, val, test, self.seed.value(), self.near.isChecked())

    def describe(self, result: dict) -> str:
        sizes = result.get("split") or {}
        text = self.tr("Training %1 · validation %2 · test %3 (of %4 record(s)).") \
            .replace("%1", str(sizes.get("train", 0))).replace("%2", str(sizes.get("val", 0))) \
            .replace("%3", str(sizes.get("test", 0))).replace("%4", str(result.get("records", 0)))
        if result.get("moved"):
            text += " " + self.tr("%1 record(s) change split; a new version is made.") \
                .replace("%1", str(result["moved"]))
        else:
            text += " " + self.tr("No record changes split, so no new version would be made: add records or "
                                  "raise the shares.")
        if result.get("near_duplicate_groups"):
            text += " " + self.tr("%1 group(s) of near duplicates stay together.") \
                .replace("%1", str(result["near_duplicate_groups"]))
        if not sizes.get("train"):
            text += "\n⚠ " + self.tr("No record would be left for training. Lower the shares, or turn off keeping "
                                      "near duplicates together if most records are alike.")
        return text

    def worth_starting(self, result: dict) -> bool:
        return bool(result.get("moved")) and bool((result.get("split") or {}).get("train"))
