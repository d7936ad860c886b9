"""Review → "Add approved to dataset": it names the task it feeds, reports what the engine added, and says
why when the selected output has no task; an edited-and-approved output shows its edit in the queue."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_ops
from tests.gui.test_tasks_review_tabs import SLOGANS, write_inputs


def _row_of(page, predicate):
    for row in range(page.queue.count()):
        if predicate(page.queue.item(row).data(Qt.ItemDataRole.UserRole)):
            return row
    raise AssertionError("no such row")


def test_add_approved_names_its_task_and_reports_what_was_added(make_window, qtbot, tmp_path):
    window = make_window()
    engine = window.engine
    engine.tasks.create(SLOGANS)
    engine.jobs.wait(engine.tasks.run("slogans", str(write_inputs(tmp_path / "in.csv", count=2))).id, timeout=60)
    engine.review.add("text", "a prompt typed in Generation", text="a one-off answer")
    page = window.show_page("review")
    page.refresh()
    qtbot.waitUntil(lambda: page.queue.count() == 3, timeout=10_000)
    wait_ops(qtbot)
    assert page.task_filter.currentData() is None                       # "All tasks"

    page.queue.setCurrentRow(_row_of(page, lambda item: item.task is None))
    assert "slogans" not in page.feedback_button.text()
    page.feedback_button.click()
    wait_ops(qtbot)
    assert "Choose a task" in page.message.text()                         # no longer silent

    page.queue.setCurrentRow(_row_of(page, lambda item: item.task == "slogans"))
    assert "slogans" in page.feedback_button.text()
    page.output.setPlainText("edited: 学生的好伙伴")
    entry = page.queue.currentItem()
    page.approve_button.click()
    qtbot.waitUntil(lambda: page.saves.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    assert "edited: 学生的好伙伴" in entry.text() and entry.text().startswith("✓")

    page.queue.setCurrentItem(entry)
    page.feedback_button.click()
    wait_ops(qtbot)
    assert engine.data.get("slogan-examples").count == 1
    assert "1 example(s) added" in page.message.text() and "slogan-examples" in page.message.text()
