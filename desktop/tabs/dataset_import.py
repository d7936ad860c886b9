"""The import wizard: pick a file or folder, see the detected format, encoding and column
mapping with the first rows, adjust, then import as a background job."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QGridLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from desktop.bridge import Op
from desktop.widgets.dialog_parts import path_row
from desktop.widgets.error_dialog import reason_of

TEXT_TARGETS = ("-", "system", "instruction", "input", "output", "messages", "label", "tags", "note", "status", "split")
IMAGE_TARGETS = ("-", "file_name", "caption", "label", "tags", "note", "status", "split")
FORMATS = ("auto", "alpaca", "sharegpt", "openai", "jsonl", "json", "csv", "tsv", "xlsx", "txt", "imagefolder")
PROBLEM = "_problem"   # the first column when a shown row cannot be imported
ENCODINGS = ("", "utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "latin-1")


def suggested_name(path: str) -> str:
    stem = Path(path).stem if Path(path).suffix else Path(path).name
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem).strip("-").lower() or "dataset"


class ImportDialog(QDialog):
    """Emits ``job_started(job)`` once the import job is submitted."""

    job_started = Signal(object)

    def __init__(self, engine, parent=None, path: str | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import a dataset"))
        self.resize(900, 620)
        self.engine = engine
        self.preview_result: dict | None = None
        self.mapping_boxes: dict[str, QComboBox] = {}

        self.path = QLineEdit(path or "")
        self.path.setPlaceholderText(self.tr("A .jsonl, .json, .csv, .tsv, .xlsx or .txt file, or a folder of images"))
        row = path_row(self.path, (self.tr("File…"), self._pick_file), (self.tr("Folder…"), self._pick_folder))

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. ad-copy-2026"))
        self.format = QComboBox()
        for value in FORMATS:   # the format names are the files' own; "auto" is said in words
            self.format.addItem(self.tr("Detect") if value == "auto" else value, value)
        self.encoding = QComboBox()
        for value in ENCODINGS:
            self.encoding.addItem(value or self.tr("detect"), value)
        self.skip_bad = QCheckBox(self.tr("Skip bad rows"))
        self.skip_bad.setToolTip(self.tr("Leave out rows that cannot be imported (a corrupt image, an empty "
                                         "field) and import the rest; the job lists what it left out"))
        self.skip_bad.toggled.connect(self.refresh_preview)
        self.format.currentIndexChanged.connect(self.refresh_preview)
        self.encoding.currentIndexChanged.connect(self.refresh_preview)
        self.path.editingFinished.connect(self.refresh_preview)

        form = QFormLayout()
        form.addRow(self.tr("Source"), row)
        form.addRow(self.tr("Dataset name"), self.name)
        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Format")))
        options.addWidget(self.format)
        options.addSpacing(16)
        options.addWidget(QLabel(self.tr("Encoding")))
        options.addWidget(self.encoding)
        options.addSpacing(16)
        options.addWidget(self.skip_bad)
        options.addStretch(1)
        form.addRow("", options)

        self.detected = QLabel(self.tr("Choose a file to see what will be imported."))
        self.detected.setObjectName("muted")
        self.detected.setWordWrap(True)
        self.busy = QProgressBar()   # the first preview loads the readers: show that something is happening
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        self.mapping_area = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_area)
        self.mapping_grid.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget()
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setProperty("primary", True)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addWidget(self.detected)
        layout.addWidget(self.busy)
        section = QLabel(self.tr("Column mapping"))
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        layout.addWidget(self.mapping_area)
        section = QLabel(self.tr("First rows"))
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        if path:
            self.refresh_preview()

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file to import"), "",
                                              self.tr("Data files (*.jsonl *.json *.csv *.tsv *.xlsx *.txt);;All files (*)"))
        if path:
            self.path.setText(path)
            self.refresh_preview()

    def _pick_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of images"))
        if path:
            self.path.setText(path)
            self.refresh_preview()

    def mapping(self) -> dict[str, str]:
        return {column: box.currentData() for column, box in self.mapping_boxes.items()}

    def target_name(self, target: str) -> str:
        """The field a column goes to, as the reviewer knows it (the id is what the engine reads)."""
        return {"-": self.tr("(not imported)"), "system": self.tr("System prompt"),
                "instruction": self.tr("Instruction"), "input": self.tr("Input"), "output": self.tr("Output"),
                "messages": self.tr("Conversation"), "label": self.tr("Label"), "tags": self.tr("Tags"),
                "note": self.tr("Note"), "status": self.tr("Status"), "split": self.tr("Split"),
                "file_name": self.tr("Image file"), "caption": self.tr("Caption")}.get(target, target)

    def refresh_preview(self, *_: object, keep_mapping: bool = False) -> None:
        path = self.path.text().strip()
        if not path:
            return
        if not self.name.text().strip():
            self.name.setText(suggested_name(path))
        mapping = self.mapping() if keep_mapping else None
        self.detected.setText(self.tr("Reading the first rows…"))
        self.import_button.setEnabled(False)
        self.busy.show()
        asked = self._ask()
        Op(self, self.engine.data.preview, path, self.format.currentData(), mapping,
           self.encoding.currentData() or None, skip_bad=self.skip_bad.isChecked()) \
            .success(lambda result: self._show_preview(result) if asked == self._asked else None) \
            .failure(lambda exc, details: self._preview_failed(exc, details) if asked == self._asked else None) \
            .run_in_background()

    def _ask(self) -> int:
        """Number this preview request: only the newest answer is shown (a slow first one is dropped)."""
        self._asked = getattr(self, "_asked", 0) + 1
        return self._asked

    def _preview_failed(self, exc, details) -> None:
        self.busy.hide()
        self.preview_result = None
        self.detected.setText("⚠ " + reason_of(exc))
        self.table.clear()
        self.table.setRowCount(0)
        self.import_button.setEnabled(False)

    def _show_preview(self, result: dict) -> None:
        self.busy.hide()
        self.preview_result = result
        parts = [self.tr("Format: %1").replace("%1", f"{result.get('format')} ({result.get('reader')})"),
                 self.tr("Encoding: %1").replace("%1", str(result.get("encoding") or "-")),
                 self.tr("Content: %1").replace("%1", self.tr("images") if result.get("modality") == "image"
                                                   else self.tr("text"))]
        text = " · ".join(parts)
        if result.get("warnings"):
            text += "\n⚠ " + "\n⚠ ".join(str(w) for w in result["warnings"])
        bad = int(result.get("bad_rows") or 0)
        if bad:
            text += "\n⚠ " + (self.tr("%n of the first rows cannot be imported (marked below); they will be left out.",
                                       "", bad) if self.skip_bad.isChecked() else
                              self.tr("%n of the first rows cannot be imported (marked below): fix them, or turn "
                                      "on “Skip bad rows” to leave them out.", "", bad))
        self.detected.setText(text)
        self._show_mapping(result)
        rows = result.get("rows") or []
        keys = [k for k in dict.fromkeys(k for r in rows for k in r) if not k.startswith("_")]
        bad = any(r.get("_problem") for r in rows)
        if bad:
            keys = [PROBLEM] + keys
        self.table.clear()
        self.table.setColumnCount(len(keys))
        self.table.setHorizontalHeaderLabels([self.tr("Problem") if k == PROBLEM else k for k in keys])
        self.table.setRowCount(len(rows))
        for r, record in enumerate(rows):
            problem = record.get("_problem")
            for c, key in enumerate(keys):
                value = ("⚠ " + problem if problem else "") if key == PROBLEM else record.get(key)
                item = QTableWidgetItem("" if value is None else str(value))
                item.setToolTip(problem or item.text())
                if problem:   # the row the import would refuse (or leave out, with "Skip bad rows")
                    item.setForeground(QBrush(QColor("#c0392b")))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(len(keys)):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 320))
        self.import_button.setEnabled(any(not r.get("_problem") for r in rows))

    def _show_mapping(self, result: dict) -> None:
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.mapping_boxes = {}
        targets = IMAGE_TARGETS if result.get("modality") == "image" else TEXT_TARGETS
        mapping = result.get("mapping") or {}
        for index, column in enumerate(result.get("columns") or []):
            label = QLabel(column)
            label.setToolTip(self.tr("Column in the file"))
            box = QComboBox()
            for target in targets:
                box.addItem(self.target_name(target), target)
            box.setCurrentIndex(max(0, box.findData(mapping.get(column, "-"))))
            box.currentIndexChanged.connect(lambda *_: self.refresh_preview(keep_mapping=True))
            self.mapping_boxes[column] = box
            r, c = divmod(index, 3)
            self.mapping_grid.addWidget(label, r, c * 2, Qt.AlignmentFlag.AlignRight)
            self.mapping_grid.addWidget(box, r, c * 2 + 1)

    def start_import(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.detected.setText("⚠ " + self.tr("Give the dataset a name."))
            return
        self.import_button.setEnabled(False)
        Op(self, self.engine.data.import_file, self.path.text().strip(), name, self.format.currentData(),
           self.mapping() or None, self.encoding.currentData() or None, skip_bad=self.skip_bad.isChecked()) \
            .success(self._started) \
            .failure(lambda exc, details: (self.detected.setText("⚠ " + reason_of(exc)),
                                           self.import_button.setEnabled(True))).run_in_background()

    def _started(self, job) -> None:
        self.job_started.emit(job)
        self.accept()
