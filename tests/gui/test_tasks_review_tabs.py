"""Tasks and Review tabs against the real engine: edit a task with live preview, run it,
approve and reject outputs from the keyboard, feed approved ones back."""
from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_ops

SLOGANS = {"name": "slogans", "department": "Marketing", "template": "unused",
           "constraints": {"max_chars": 24},
           "steps": [{"name": "copy", "template": "{product}: made for {audience}", "dataset": "slogan-examples"}]}


def write_inputs(path, count=3):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["product", "audience"]] + [[f"item {i}", "students"] for i in range(count)])
    return path


def test_task_editor_preview_and_save(make_window, qtbot):
    window = make_window()
    page = window.show_page("tasks")
    assert page.inner.currentWidget() is page.empty
    page.new_button.click()
    page.name.setText("ad-copy")
    page.department.setCurrentText("市场部")
    page.template.setPlainText("为{product}写一句广告，面向{audience}")
    assert [page.variables.item(r, 0).text() for r in range(page.variables.rowCount())] == ["product", "audience"]
    page.variables.item(0, 1).setText("皮革托特包")
    qtbot.waitUntil(lambda: "皮革托特包" in page.preview.text(), timeout=5000)
    assert "{audience}" in page.preview.text()
    page.max_chars.setValue(30)
    page.banned.setText("最便宜, 第一")
    page.save_button.click()
    qtbot.waitUntil(lambda: page.message.text()[:1] in ("✓", "⚠"), timeout=10_000)
    assert page.message.text().startswith("✓"), page.message.text()
    task = window.engine.tasks.get("ad-copy")
    assert task.department == "市场部" and task.constraints.max_chars == 30
    assert task.constraints.banned_terms == ["最便宜", "第一"]
    wait_ops(qtbot)
    page.duplicate_button.click()
    qtbot.waitUntil(lambda: len(window.engine.tasks.list()) == 2, timeout=5000)


def tree_names(page) -> list[str]:
    return sorted(page.tree.topLevelItem(g).child(c).toolTip(0) for g in range(page.tree.topLevelItemCount())
                  for c in range(page.tree.topLevelItem(g).childCount()))


def test_archive_hides_task_behind_show_archived(make_window, qtbot):
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    engine.tasks.create({**SLOGANS, "name": "slogans-b"})
    page = window.show_page("tasks")
    page.refresh()
    wait_ops(qtbot)
    assert tree_names(page) == ["slogans", "slogans-b"] and page.current.name == "slogans"
    assert page.archive_button.text() == "Archive"
    page.archive_button.click()
    wait_ops(qtbot)
    assert engine.tasks.archived() == {"slogans"}
    assert tree_names(page) == ["slogans-b"] and page.message.text().startswith("✓")
    assert page.show_archived.text() == "Show archived (1)"
    page.show_archived.setChecked(True)
    assert tree_names(page) == ["slogans", "slogans-b"]
    archived = next(page.tree.topLevelItem(0).child(c) for c in range(page.tree.topLevelItem(0).childCount())
                    if page.tree.topLevelItem(0).child(c).toolTip(0) == "slogans")
    assert "(archived)" in archived.text(0)
    page.tree.setCurrentItem(archived)
    assert page.archive_button.text() == "Restore"
    page.duplicate_button.click()               # Duplicate still works on an archived task
    qtbot.waitUntil(lambda: len(engine.tasks.list()) == 3, timeout=5000)
    wait_ops(qtbot)
    page.tree.setCurrentItem(next(page.tree.topLevelItem(0).child(c)
                                  for c in range(page.tree.topLevelItem(0).childCount())
                                  if page.tree.topLevelItem(0).child(c).toolTip(0) == "slogans"))
    page.archive_button.click()
    wait_ops(qtbot)
    assert engine.tasks.archived() == set()
    page.show_archived.setChecked(False)
    assert tree_names(page) == ["slogans", "slogans-2", "slogans-b"]


def test_run_task_then_review_by_keyboard(make_window, qtbot, tmp_path):
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    tasks = window.show_page("tasks")
    tasks.refresh()
    wait_ops(qtbot)
    assert tasks.current.name == "slogans"
    tasks.run_on_file(str(write_inputs(tmp_path / "in.csv")))
    qtbot.waitUntil(lambda: len(engine.review.list(task="slogans")) == 3, timeout=60_000)
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=60_000)
    page = window.show_page("review")
    page.refresh()
    qtbot.waitUntil(lambda: page.queue.count() == 3, timeout=10_000)
    assert page.output.toPlainText() == "item 0: made for students"
    assert "Model" in page.provenance.text()
    page.comment.setText("good")
    qtbot.keyClick(page.output, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.queue.currentRow() == 1, timeout=10_000)
    page.output.setPlainText("item 1: 学生的好伙伴")
    page.approve_button.click()
    qtbot.waitUntil(lambda: page.queue.currentRow() == 2, timeout=10_000)
    page.reject_button.click()
    wait_ops(qtbot)
    assert engine.review.counts("slogans") == {"pending": 0, "approved": 2, "rejected": 1}
    assert engine.review.get(page.queue.item(1).data(Qt.ItemDataRole.UserRole).id).edited_text == "item 1: 学生的好伙伴"
    page.task_filter.setCurrentIndex(page.task_filter.findData("slogans"))
    wait_ops(qtbot)
    page.feed_back()
    wait_ops(qtbot)
    assert engine.data.get("slogan-examples").count == 2


def test_fast_keyboard_review_saves_every_decision_in_order(make_window, qtbot, tmp_path):
    from desktop.widgets import error_dialog
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    engine.jobs.wait(engine.tasks.run("slogans", str(write_inputs(tmp_path / "in.csv"))).id, timeout=60)
    page = window.show_page("review")
    page.refresh()
    qtbot.waitUntil(lambda: page.queue.count() == 3, timeout=10_000)
    wait_ops(qtbot)
    ids = [page.queue.item(r).data(Qt.ItemDataRole.UserRole).id for r in range(3)]
    page.output.setFocus()
    for number, (key, mods) in enumerate(((Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
                                          (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
                                          (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier))):
        qtbot.keyClick(page.output, key, mods)
        assert page.queue.currentRow() == min(number + 1, 2)     # on to the next before the save returned
    qtbot.waitUntil(lambda: page.saves.pending() == 0, timeout=20_000)
    wait_ops(qtbot)
    assert [engine.review.get(i).status for i in ids] == ["approved", "rejected", "approved"]
    assert not error_dialog.open_dialogs


def test_a_run_that_starts_clears_the_error_of_an_earlier_refused_one(make_window, qtbot, tmp_path):
    window = make_window()
    window.engine.tasks.create(SLOGANS)
    tasks = window.show_page("tasks")
    tasks.refresh()
    wait_ops(qtbot)
    assert tasks.adapter.itemText(0) == "None (base model)"      # as in Generation
    bad = tmp_path / "bad.csv"
    bad.write_text("colour\nred\n", encoding="utf-8")
    tasks.run_on_file(str(bad))
    wait_ops(qtbot)
    assert tasks.message.text().startswith("⚠") and "product" in tasks.message.text()
    tasks.run_on_file(str(write_inputs(tmp_path / "in.csv")))
    wait_ops(qtbot)
    assert tasks.message.text().startswith("✓") and "slogans" in tasks.message.text()
    qtbot.waitUntil(lambda: not window.engine.jobs.active(), timeout=60_000)
