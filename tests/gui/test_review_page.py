"""The Review tab for a real queue: decide many outputs at once, see what an edit changed, read the status
in words, zoom into a picture, and page through a long queue that says how much it shows."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from tests.gui.conftest import wait_ops


def click_row(qtbot, page, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = page.queue.visualItemRect(page.queue.item(row))
    qtbot.mouseClick(page.queue.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def open_review(window, qtbot, count):
    page = window.show_page("review")
    page.refresh()
    qtbot.waitUntil(lambda: page.queue.count() == count, timeout=10_000)
    wait_ops(qtbot)
    return page


def test_approve_and_reject_a_selection_with_the_status_in_words(make_window, qtbot):
    window = make_window()
    for i in range(5):
        window.engine.review.add("text", f"prompt {i}", text=f"answer {i}")
    page = open_review(window, qtbot, 5)
    assert "To review" in page.queue.item(0).text()
    click_row(qtbot, page, 0)
    click_row(qtbot, page, 2, Qt.KeyboardModifier.ShiftModifier)
    assert page.approve_button.text() == "Approve 3 selected (Ctrl+Enter)"
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.saves.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    statuses = {item.prompt: item.status for item in window.engine.review.list()}
    assert statuses == {"prompt 0": "approved", "prompt 1": "approved", "prompt 2": "approved",
                        "prompt 3": "pending", "prompt 4": "pending"}
    assert all(page.queue.item(r).text().startswith("✓ Approved") for r in range(3))
    assert "pending" not in page.queue.item(3).text() and "To review" in page.queue.item(3).text()

    click_row(qtbot, page, 3)
    click_row(qtbot, page, 4, Qt.KeyboardModifier.ControlModifier)
    assert page.reject_button.text() == "Reject 2 selected (Ctrl+R)"
    page.queue.setFocus()
    qtbot.keyClick(page.queue, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.saves.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    assert [item.status for item in window.engine.review.list()][3:] == ["rejected", "rejected"]
    assert page.queue.item(4).text().startswith("✕ Rejected")
    click_row(qtbot, page, 1)
    assert page.approve_button.text() == "Approve (Ctrl+Enter)"


def test_an_edit_shows_what_it_changed_and_the_result_line_survives_a_reload(make_window, qtbot):
    window = make_window()
    window.engine.review.add("text", "slogan", text="A bottle for every morning")
    page = open_review(window, qtbot, 1)
    click_row(qtbot, page, 0)
    assert not page.changes.isVisible()
    assert "Seed: -" in page.provenance.text() and "None" not in page.provenance.text()
    page.output.setFocus()
    qtbot.keyClick(page.output, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.output, " commute")
    assert page.changes.isVisible()
    shown = page.changes.view.toHtml()
    assert "commute" in shown and "line-through" not in page.changes.view.toPlainText()
    assert "A bottle for every morning commute" == page.changes.view.toPlainText().strip()
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.saves.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    assert "edited" in page.queue.item(0).text()
    click_row(qtbot, page, 0)
    assert page.changes.isVisible()          # an approved edit still shows what it changed

    qtbot.mouseClick(page.feedback_button, Qt.MouseButton.LeftButton)
    wait_ops(qtbot)
    assert "Choose a task" in page.message.text()
    page.load_items()                        # a reload (a job ending, a filter change) keeps the result line
    wait_ops(qtbot)
    assert "Choose a task" in page.message.text() and page.message.isVisible()


def test_a_long_queue_is_read_by_page_and_says_how_much_it_shows(make_window, qtbot, monkeypatch):
    from desktop.tabs import review
    monkeypatch.setattr(review, "PAGE", 30)
    window = make_window()
    for i in range(70):
        window.engine.review.add("text", f"prompt {i:02d}", text=f"answer {i}")
    page = open_review(window, qtbot, 30)
    assert page.shown.text() == "Showing 30 of 70" and page.more_button.isVisible()
    bar = page.queue.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())                                   # scrolled to the end: the next page
    qtbot.waitUntil(lambda: page.queue.count() == 60, timeout=10_000)
    wait_ops(qtbot)
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.queue.count() == 70, timeout=10_000)
    assert page.shown.text() == "Showing 70 of 70" and not page.more_button.isVisible()
    prompts = [page.queue.item(r).data(Qt.ItemDataRole.UserRole).prompt for r in range(70)]
    assert prompts == [f"prompt {i:02d}" for i in range(70)]     # each output once, in order


def test_a_picture_can_be_zoomed_and_is_decoded_sharper_when_zoomed(make_window, qtbot, tmp_path):
    picture = QImage(1600, 1200, QImage.Format.Format_RGB32)
    picture.fill(QColor("#3366cc"))
    path = tmp_path / "poster.png"
    assert picture.save(str(path))
    window = make_window()
    window.engine.review.add("image", "a blue poster", image_path=str(path))
    page = open_review(window, qtbot, 1)
    click_row(qtbot, page, 0)
    viewer = page.image
    qtbot.waitUntil(lambda: not viewer.item.pixmap().isNull(), timeout=10_000)
    first_width = viewer.item.pixmap().width()
    assert first_width <= 640 and viewer.fitted
    fitted = viewer.zoom
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    assert viewer.zoom_label.text() == "100%" and not viewer.fitted
    qtbot.waitUntil(lambda: viewer.item.pixmap().width() > first_width, timeout=10_000)   # sharper, off-thread
    assert abs(viewer.view.transform().m11() * viewer.item.pixmap().width() - 1600) < 2
    qtbot.mouseClick(viewer.in_button, Qt.MouseButton.LeftButton)
    assert viewer.zoom_label.text() == "125%"
    qtbot.mouseClick(viewer.fit_button, Qt.MouseButton.LeftButton)
    assert viewer.fitted and abs(viewer.zoom - fitted) < 0.05


def test_add_approved_right_after_approving_waits_for_the_approval(make_window, qtbot, tmp_path):
    from tests.gui.test_tasks_review_tabs import SLOGANS, write_inputs
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    engine.jobs.wait(engine.tasks.run("slogans", str(write_inputs(tmp_path / "in.csv", count=1))).id, timeout=60)
    page = open_review(window, qtbot, 1)
    page.task_filter.setCurrentIndex(page.task_filter.findData("slogans"))
    qtbot.waitUntil(lambda: page.queue.count() == 1, timeout=10_000)
    wait_ops(qtbot)
    click_row(qtbot, page, 0)
    import sqlite3
    holder = sqlite3.connect(engine.workspace.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")      # another writer holds the workspace a moment: the approval waits
    try:
        qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.feedback_button, Qt.MouseButton.LeftButton)     # before the approval is saved
        qtbot.wait(1500)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    qtbot.waitUntil(lambda: "1 example(s) added" in page.message.text(), timeout=20_000)
    wait_ops(qtbot)
    assert engine.data.get("slogan-examples").count == 1


def test_the_task_filter_shows_its_whole_choice_in_chinese(make_window, qtbot):
    """Its items arrive after the page is shown; the box widens to them instead of clipping "全部任务"."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox
    window = make_window(lang="zh_CN")
    window.engine.review.add("text", "prompt", text="answer")
    page = open_review(window, qtbot, 1)
    combo = page.task_filter
    qtbot.waitUntil(lambda: combo.count() >= 1 and combo.currentText() != "", timeout=10_000)
    qtbot.wait(50)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    assert combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width(), combo.currentText()
