"""Offline bundles in the Models manager: import (the verification report comes first, nothing is
registered until the user presses Import) and export of models, adapters, datasets and tasks."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QLineEdit,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from desktop.bridge import Op
from desktop.widgets.dialog_parts import check_import_buttons, path_row
from desktop.widgets.error_dialog import reason_of
from desktop.widgets.save_target import SaveTarget


def human_size(count: int | float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    return str(count)


class BundleImportDialog(QDialog):
    """Pick a bundle, read its verification report, then import."""

    def __init__(self, page, path: str = ""):
        super().__init__(page)
        self.setObjectName("bundleImportDialog")
        self.setWindowTitle(self.tr("Import an offline bundle"))
        self.resize(760, 480)
        self.page = page
        self.engine = page.engine
        self.report_data: dict | None = None
        self.path = QLineEdit(path)
        self.path.setPlaceholderText(self.tr("A bundle .zip exported by AIGC Workbench on another machine"))
        self.path.textChanged.connect(self._path_changed)
        row = path_row(self.path, (self.tr("File…"), self._pick))
        self.summary = QLabel(self.tr("Press Check: every file is verified against its fingerprint before "
                                      "anything is imported."))
        self.summary.setWordWrap(True)
        self.items = QTreeWidget()
        self.items.setHeaderLabels([self.tr("Item"), self.tr("Kind"), self.tr("Size"), self.tr("On import")])
        self.items.setRootIsDecorated(False)
        self.items.setColumnWidth(0, 260)
        self.items.setColumnWidth(1, 110)
        self.items.setColumnWidth(2, 90)
        buttons = check_import_buttons(self, self.tr("Check"), self.tr("Import"))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        checking = QVBoxLayout()   # the check runs as a job: its row (progress, Cancel) shows here
        layout.addLayout(checking)
        layout.addWidget(self.items, 1)
        layout.addWidget(buttons)
        from desktop.widgets.job_slot import JobSlot
        self.check_slot = JobSlot(self, page.window_, checking, self._checked, self._refused)
        self.check_slot.busy_changed.connect(lambda busy: self.check_button.setEnabled(not busy))

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a bundle"), "", self.tr("Bundles (*.zip)"))
        if path:
            self.path.setText(path)
            self.check()

    def _path_changed(self) -> None:
        self.report_data = None
        self.import_button.setEnabled(False)

    def check(self) -> None:
        path = self.path.text().strip()
        if not path:
            return
        self.items.clear()
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.summary.setText(self.tr("Verifying every file of the bundle…"))
        self.check_slot.start(self.engine.bundles.start_inspect, path)

    def reject(self) -> None:
        self.check_slot.cancel()   # closing the dialog stops a check nobody waits for
        super().reject()

    def _refused(self, exc, details) -> None:
        self.check_button.setEnabled(True)
        self.summary.setText("✕ " + reason_of(exc))

    def _checked(self, job) -> None:
        if job.state.value == "succeeded" and isinstance(job.result, dict):
            self._show_report(job.result)
        elif job.state.value == "cancelled":
            self.summary.setText(self.tr("The check was cancelled. Press Check to verify the bundle."))
        else:
            self.summary.setText("✕ " + str(job.error or job.state.value))

    def _show_report(self, report: dict) -> None:
        self.check_button.setEnabled(True)
        self.report_data = report
        if not report.get("ok"):
            self.summary.setText("✕ " + str(report.get("error") or self.tr("The bundle could not be read.")))
            return
        made = self.tr("Verified %1 files (%2), made by AIGC Workbench %3.") \
            .replace("%1", str(report["files"])).replace("%2", human_size(report["bytes"])) \
            .replace("%3", str(report.get("product_version") or "?"))
        for entry in report["items"]:
            self.items.addTopLevelItem(self._item(entry))
        if report["importable"]:
            adding = sum(1 for e in report["items"] if e["action"] != "present")
            verdict = self.tr("Ready: %1 item(s) will be added.").replace("%1", str(adding))
        else:
            verdict = self.tr("Cannot import yet: %1").replace("%1", "; ".join(report["problems"]))
        self.summary.setText(("✓ " if report["importable"] else "⚠ ") + made + " " + self._signer(report) + " "
                             + verdict)
        self.import_button.setEnabled(bool(report["importable"]))

    def _signer(self, report: dict) -> str:
        info = report.get("signature") or {"signed": False}
        if not info["signed"]:
            return self.tr("Not signed.")
        text = self.tr("Signed by key %1 (%2), trusted.") if info["trusted"] else \
            self.tr("Signed by key %1 (%2), NOT trusted here.")
        return text.replace("%1", info["key_name"]).replace("%2", info["short"])

    def _item(self, entry: dict) -> QTreeWidgetItem:
        types = {"model": self.tr("Base model"), "adapter": self.tr("Adapter"), "dataset": self.tr("Dataset"),
                 "task": self.tr("Task")}
        name = entry["name"] if entry["target"] == entry["name"] else f"{entry['name']} → {entry['target']}"
        if entry["type"] == "dataset" and entry.get("version"):
            name += f"  v{entry['version']} · " + self.tr("%1 records").replace("%1", str(entry.get("count", "?")))
        if entry["problems"]:
            state = "⚠ " + "; ".join(entry["problems"])
        elif entry["action"] == "present":
            state = self.tr("already here, skipped")
        else:
            state = self.tr("will be added")
            if entry["type"] == "adapter" and entry.get("base") == "missing":
                state = "⚠ " + self.tr("its base model is missing")
        item = QTreeWidgetItem([name, types.get(entry["type"], entry["type"]), human_size(entry.get("bytes", 0)),
                                state])
        item.setData(0, Qt.ItemDataRole.UserRole, entry)
        return item

    def start(self) -> None:
        if not (self.report_data and self.report_data.get("importable")):
            return
        self.import_button.setEnabled(False)
        Op(self, self.engine.bundles.import_, self.report_data["path"]).success(self._started) \
            .failure(self._refused).run_in_background()

    def _started(self, job) -> None:
        self.page.window_.show_banner_job(job)
        self.accept()


class BundleExportDialog(QDialog):
    """Tick what travels (models, adapters, datasets, tasks) and where the .zip goes."""

    GROUPS = ("models", "adapters", "datasets", "tasks")

    def __init__(self, page, preselect: list[str] | None = None):
        super().__init__(page)
        self.setObjectName("bundleExportDialog")
        self.setWindowTitle(self.tr("Export an offline bundle"))
        self.resize(640, 520)
        self.page = page
        self.engine = page.engine
        self.preselect = set(preselect or [])
        self.target = SaveTarget(self, ".zip", self.tr("Where to write the bundle, e.g. a USB stick"),
                                 self.tr("Export bundle"), self.tr("Bundles (*.zip)"), lambda: "workbench-bundle")
        self.out = self.target.field
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("What to include"), self.tr("Details")])
        self.tree.setColumnWidth(0, 300)
        self.groups: dict[str, QTreeWidgetItem] = {}
        for key, label in zip(self.GROUPS, (self.tr("Base models"), self.tr("Adapters"), self.tr("Datasets"),
                                            self.tr("Tasks"))):
            group = QTreeWidgetItem([label])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            self.tree.addTopLevelItem(group)
            self.groups[key] = group
        self.note = QLabel(self.tr("An adapter needs its base model on the other machine: include it unless it "
                                   "is already there."))
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setProperty("primary", True)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.target.row)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        engine = self.engine

        def load():
            models = engine.models.list()
            datasets = engine.data.list() if hasattr(type(engine), "data") else []
            tasks = engine.tasks.list(archived=False) if hasattr(type(engine), "tasks") else []
            return models, datasets, tasks
        Op(self, load).success(self._fill).run_in_background()

    def _fill(self, loaded) -> None:
        models, datasets, tasks = loaded
        kinds = {"text": self.tr("Text"), "image": self.tr("Image")}
        for model in models:
            group = "models" if model.role == "base" else "adapters"
            detail = kinds.get(model.kind, model.kind) + f" · {(model.sha256 or '')[:12]}"
            self._add(group, model.name, detail)
        for dataset in datasets:
            self._add("datasets", dataset.name, f"v{dataset.version} · {kinds.get(dataset.modality, '')}")
        for task in tasks:
            self._add("tasks", task.name, task.department or "")
        for group in self.groups.values():
            group.setExpanded(group.childCount() > 0)
            group.setHidden(group.childCount() == 0)

    def _add(self, group: str, name: str, detail: str) -> None:
        item = QTreeWidgetItem([name, detail])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(0, Qt.CheckState.Checked if name in self.preselect else Qt.CheckState.Unchecked)
        item.setData(0, Qt.ItemDataRole.UserRole, name)
        self.groups[group].addChild(item)

    def set_checked(self, group: str, name: str, checked: bool = True) -> None:
        parent = self.groups[group]
        for index in range(parent.childCount()):
            if parent.child(index).data(0, Qt.ItemDataRole.UserRole) == name:
                parent.child(index).setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> dict[str, list[str]]:
        result = {}
        for key, group in self.groups.items():
            result[key] = [group.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(group.childCount())
                           if group.child(i).checkState(0) == Qt.CheckState.Checked]
        return result

    def start(self) -> None:
        out = self.target.path()
        chosen = self.chosen()
        if not out:
            self.message.setText("⚠ " + self.tr("Choose where to write the bundle."))
            return
        if not any(chosen.values()):
            self.message.setText("⚠ " + self.tr("Tick at least one item to include."))
            return
        self.export_button.setEnabled(False)
        Op(self, self.engine.bundles.export, Path(out), overwrite=self.target.overwrite, **chosen) \
            .success(self._started).failure(self._refused).run_in_background()

    def _refused(self, exc, details) -> None:
        self.export_button.setEnabled(True)
        self.message.setText("✕ " + reason_of(exc))

    def _started(self, job) -> None:
        self.page.window_.show_banner_job(job)
        self.accept()
