"""Runs in the Training tab: compare loss curves of two runs, rename one, delete one, never one that trains."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from tests.gui.conftest import wait_ops
from tests.gui.test_training_tab import open_training


def train(qtbot, page, steps: int, lr: float, wait: bool = True):
    page.steps.setValue(steps)
    page.lr.setValue(lr)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.save_every.setValue(50)
    qtbot.waitUntil(page.start_button.isEnabled, timeout=60_000)
    before = page.current_job
    page.start_button.click()
    qtbot.waitUntil(lambda: page.current_job not in (None, before), timeout=10_000)
    job_id = page.current_job
    if wait:
        job = page.engine.jobs.wait(job_id, timeout=240)
        assert job.state.value == "succeeded", job.error
    return job_id


def items(page):
    return [page.runs_list.item(i) for i in range(page.runs_list.count())]


def test_compare_rename_and_delete_runs(make_window, qtbot, tiny_text_dir, monkeypatch):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    engine = window.engine
    first = train(qtbot, page, 6, 3e-4)
    second = train(qtbot, page, 6, 1e-3)
    page.refresh()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: len(items(page)) == 2, timeout=10_000)
    actions = page.run_actions
    assert not actions.compare_button.isEnabled()
    for item in items(page):
        item.setSelected(True)
    assert actions.compare_button.isEnabled() and not actions.rename_button.isEnabled()
    actions.compare_button.click()
    wait_ops(qtbot)
    dialog = actions.dialog
    assert dialog.isVisible()
    runs = {r["job_id"]: r for r in engine.text.runs()}
    labels = {key[0] for key in dialog.series}
    assert labels == {runs[first]["id"], runs[second]["id"]}
    steps, values = dialog.series[(runs[first]["id"], "loss")]
    assert steps == sorted(steps) and len(steps) == 6 and all(v > 0 for v in values)
    dialog.close()

    # rename the first run: the list shows the name
    page.runs_list.clearSelection()
    target = next(i for i in items(page) if i.data(Qt.ItemDataRole.UserRole)["job_id"] == first)
    target.setSelected(True)
    assert actions.rename_button.isEnabled() and actions.delete_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("small LR", True))
    actions.rename_button.click()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: any(i.text().startswith("small LR · ") for i in items(page)), timeout=10_000)
    assert [r["name"] for r in engine.text.runs() if r["job_id"] == first] == ["small LR"]

    # delete it, after the question
    folder = Path(runs[first]["dir"])
    target = next(i for i in items(page) if i.data(Qt.ItemDataRole.UserRole)["job_id"] == first)
    page.runs_list.clearSelection()
    target.setSelected(True)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    actions.delete_button.click()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: len(items(page)) == 1, timeout=10_000)
    assert "small LR" in asked[0] and not folder.exists()
    assert [r["job_id"] for r in engine.text.runs()] == [second]

    # a run that is training cannot be deleted from here
    busy = train(qtbot, page, 5000, 3e-4, wait=False)
    qtbot.waitUntil(lambda: any(r["job_id"] == busy for r in engine.text.runs()), timeout=60_000)
    page.refresh()
    wait_ops(qtbot)
    item = next(i for i in items(page) if i.data(Qt.ItemDataRole.UserRole)["job_id"] == busy)
    page.runs_list.clearSelection()
    item.setSelected(True)
    assert not actions.delete_button.isEnabled()
    assert actions.delete_button.toolTip() == "Stop the run before deleting it"
    page.cancel_current()
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=60_000)
