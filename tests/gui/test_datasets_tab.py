"""Datasets tab against the real engine: import wizard, lazy table, filters, keyboard review."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_ops


def write_csv(path, rows=30):
    lines = ["问题,回答,类别"]
    for i in range(rows):
        lines.append(f"介绍产品 {i},这是第 {i} 条回答,{'bags' if i % 2 else 'shoes'}")
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    return path


def test_import_wizard_then_review_by_keyboard(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("datasets")
    assert page.inner.currentWidget() is page.empty
    source = write_csv(tmp_path / "客服.csv")
    dialog = page.open_import(str(source))
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
    assert "gb18030" in dialog.detected.text().lower() or "gbk" in dialog.detected.text().lower()
    assert set(dialog.mapping_boxes) == {"问题", "回答", "类别"}
    for column, target in (("问题", "instruction"), ("回答", "output"), ("类别", "label")):
        box = dialog.mapping_boxes[column]
        box.setCurrentIndex(box.findData(target))
    assert dialog.mapping_boxes["问题"].currentText() == "Instruction"   # a name, not the field id
    wait_ops(qtbot)
    dialog.name.setText("support")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=30_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 30, timeout=10_000)
    assert page.model.rows[0]["instruction"] == "介绍产品 0"

    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: page.model.rows[0]["status"] == "accepted", timeout=10_000)
    wait_ops(qtbot)
    assert window.engine.data.record("support", page.model.rows[0]["id"])["status"] == "accepted"
    before = len(window.engine.data.versions("support"))
    qtbot.waitUntil(lambda: page.draft.edits == 1, timeout=10_000)
    assert "draft" in page.summary.text() and page.commit_button.isEnabled()

    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: page.model.rows[1]["status"] == "rejected", timeout=10_000)
    page._edit(page.model.rows[2], "output", "改过的回答")
    qtbot.waitUntil(lambda: page.draft.edits == 3, timeout=10_000)
    assert page.commit_button.text() == "Commit edits (3)"
    assert len(window.engine.data.versions("support")) == before
    page.commit_edits("first review pass")
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.draft.edits == 0, timeout=10_000)
    versions = window.engine.data.versions("support")
    assert len(versions) == before and not versions[-1]["draft"]
    assert versions[-1]["message"] == "first review pass"
    diff = window.engine.data.diff("support", versions[-2]["version"], versions[-1]["version"])
    assert diff["counts"]["changed"] == 3
    assert "draft" not in page.summary.text() and not page.commit_button.isEnabled()

    page.status_filter.setCurrentIndex(page.status_filter.findData("accepted"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.status_filter.setCurrentIndex(0)
    page.search.setText("产品 7")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.rows[0]["instruction"] == "介绍产品 7",
                    timeout=10_000)


def test_bad_file_explains_itself_and_imports_nothing(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("datasets")
    bad = tmp_path / "notes.bin"
    bad.write_bytes(b"\x00\x01")
    dialog = page.open_import(str(bad))
    qtbot.waitUntil(lambda: dialog.detected.text().startswith("⚠"), timeout=10_000)
    assert "notes.bin" in dialog.detected.text()
    assert not dialog.import_button.isEnabled()
    assert window.engine.data.list() == []


def test_lazy_table_fetches_pages_as_the_view_scrolls(qtbot):
    from PySide6.QtWidgets import QTableView

    from desktop.widgets.lazy_table import Column, LazyTableModel
    total = 1_000_000
    calls = []

    def fetch(offset, limit):
        calls.append(offset)
        return [{"id": i, "text": f"row {i}"} for i in range(offset, min(total, offset + limit))]

    model = LazyTableModel([Column("id", "#"), Column("text", "Text")])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 300)
    view.show()
    model.set_source(fetch, lambda: total)
    qtbot.waitUntil(lambda: model.rowCount() == 200, timeout=5000)
    assert model.total == total
    for _ in range(3):
        view.scrollToBottom()
        qtbot.waitUntil(lambda: not model.is_loading(), timeout=5000)
        qtbot.wait(20)
    assert 400 <= model.rowCount() < 2000
    assert calls[:2] == [0, 200]
    assert model.data(model.index(250, 1)) == "row 250"


def test_commit_button_asks_for_a_message_and_closing_offers_to_commit(make_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox
    window = make_window()
    page = window.show_page("datasets")
    job = window.engine.data.import_file(str(write_csv(tmp_path / "a.csv", rows=5)), "support",
                                         mapping={"问题": "instruction", "回答": "output", "类别": "label"})
    assert window.engine.jobs.wait(job.id, timeout=60).state == "succeeded"
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=20_000)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: page.draft.edits == 1, timeout=10_000)
    page.commit_button.click()
    dialog = page.draft.dialog
    assert "1" in dialog.labelText()
    dialog.setTextValue("accepted the first")
    dialog.accept()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.draft.edits == 0, timeout=10_000)
    assert window.engine.data.versions("support")[-1]["message"] == "accepted the first"

    page.table.selectRow(1)
    qtbot.keyClick(page.table, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: page.draft.edits == 1, timeout=10_000)

    closed = []
    assert page.ready_to_close(lambda: closed.append(True)) is False   # asks without blocking
    answer(page, "Cancel")
    wait_ops(qtbot)
    assert not closed and window.engine.data.versions("support")[-1]["draft"]
    assert page.ready_to_close(lambda: closed.append(True)) is False
    answer(page, "Commit")
    qtbot.waitUntil(lambda: closed == [True], timeout=10_000)
    assert page.ready_to_close(lambda: closed.append(True)) is True     # answered: no second question
    versions = window.engine.data.versions("support")
    assert not versions[-1]["draft"] and versions[-1]["edits"] == 1


def answer(page, text):
    """Click a button of the open-draft question (it is window-modal and does not block)."""
    from PySide6.QtWidgets import QMessageBox
    box = page.draft.question
    cancel = QMessageBox.StandardButton.Cancel
    next(b for b in box.buttons() if b.text() == text or text == "Cancel" and box.standardButton(b) == cancel).click()


def test_switching_dataset_with_a_draft_asks_and_the_draft_survives(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("datasets")
    mapping = {"问题": "instruction", "回答": "output", "类别": "label"}
    for name in ("a", "b"):
        job = window.engine.data.import_file(str(write_csv(tmp_path / f"{name}.csv", rows=4)), name, mapping=mapping)
        assert window.engine.jobs.wait(job.id, timeout=60).state == "succeeded"
    page.refresh()
    qtbot.waitUntil(lambda: page.list.count() == 2 and page.model.rowCount() == 4, timeout=20_000)
    assert page.current == "a"
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: page.draft.edits == 1, timeout=10_000)

    page.list.setCurrentRow(1)
    answer(page, "Cancel")
    assert page.current == "a" and page.list.currentRow() == 0 and page.draft.edits == 1

    page.list.setCurrentRow(1)
    assert page.current == "a" and page.list.currentRow() == 0   # asked, not yet answered
    answer(page, "Keep as draft")
    assert page.current == "b" and page.list.currentRow() == 1
    wait_ops(qtbot)
    assert page.draft.edits == 0 and "draft" not in page.summary.text()
    assert window.engine.data.versions("a")[-1]["draft"]

    page.list.setCurrentRow(0)   # no question: b has no draft; a's draft from before shows again
    qtbot.waitUntil(lambda: page.draft.edits == 1, timeout=10_000)
    assert "draft" in page.summary.text() and page.commit_button.text() == "Commit edits (1)"
    window.close()   # the window asks too: cancelling keeps it open
    answer(page, "Cancel")
    wait_ops(qtbot)
    assert window.isVisible() and window.engine is not None
    page.commit_edits("accepted one")
    qtbot.waitUntil(lambda: page.draft.edits == 0, timeout=10_000)
    assert window.engine.data.versions("a")[-1]["message"] == "accepted one"


def test_fast_keyboard_review_queues_each_key_on_its_own_row(make_window, qtbot, tmp_path):
    """A, R, A pressed 100 ms apart from record 1: the selection moves at once and every save lands."""
    from desktop.widgets import error_dialog
    window = make_window()
    page = window.show_page("datasets")
    job = window.engine.data.import_file(str(write_csv(tmp_path / "a.csv", rows=3)), "support",
                                         mapping={"问题": "instruction", "回答": "output", "类别": "label"})
    assert window.engine.jobs.wait(job.id, timeout=60).state == "succeeded"
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=20_000)
    wait_ops(qtbot)
    page.table.setFocus()
    page.table.selectRow(0)
    for number, key in enumerate((Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_A)):
        qtbot.keyClick(page.table, key)
        assert page.table.currentIndex().row() == min(number + 1, 2)   # moved on before the save returned
        qtbot.wait(100)
    assert [row["status"] for row in page.model.rows] == ["accepted", "rejected", "accepted"]
    qtbot.waitUntil(lambda: page.edits.pending() == 0, timeout=20_000)
    wait_ops(qtbot)
    ids = [row["id"] for row in page.model.rows]
    assert [window.engine.data.record("support", i)["status"] for i in ids] == ["accepted", "rejected", "accepted"]
    assert not error_dialog.open_dialogs
    qtbot.waitUntil(lambda: page.draft.edits == 3, timeout=10_000)


def test_an_edit_that_cannot_be_saved_is_taken_back_with_one_message(make_window, qtbot, tmp_path):
    from desktop.widgets import error_dialog
    window = make_window()
    page = window.show_page("datasets")
    job = window.engine.data.import_file(str(write_csv(tmp_path / "a.csv", rows=3)), "support",
                                         mapping={"问题": "instruction", "回答": "output", "类别": "label"})
    assert window.engine.jobs.wait(job.id, timeout=60).state == "succeeded"
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=20_000)
    wait_ops(qtbot)
    import sqlite3
    holder = sqlite3.connect(window.engine.workspace.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")   # another writer holds the workspace: the first save fails as busy
    try:
        page.table.setFocus()
        page.table.selectRow(0)
        qtbot.keyClick(page.table, Qt.Key.Key_A)
        qtbot.keyClick(page.table, Qt.Key.Key_R)
        assert [row["status"] for row in page.model.rows] == ["accepted", "rejected", "unreviewed"]
        qtbot.waitUntil(lambda: page.edits.pending() == 0, timeout=20_000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    wait_ops(qtbot)
    assert len(error_dialog.open_dialogs) == 1   # one message for both
    assert "2" in error_dialog.open_dialogs[0].windowTitle()
    assert [row["status"] for row in page.model.rows] == ["unreviewed"] * 3
    for dialog in list(error_dialog.open_dialogs):
        dialog.accept()


def test_split_that_changes_nothing_says_why(make_window, qtbot):
    from tests.gui.conftest import add_text_dataset
    window = make_window()
    add_text_dataset(window.engine, name="tiny", rows=3)
    page = window.show_page("datasets")
    page.refresh()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=10_000)
    page.list.setCurrentRow(0)
    wait_ops(qtbot)
    versions = len(window.engine.data.versions("tiny"))
    page.split_button.click()
    dialog = page.split_dialog
    qtbot.waitUntil(lambda: dialog.answered >= 1, timeout=30_000)
    assert "No record changes split, so no new version would be made" in dialog.preview.text()
    assert "of 3 record(s)" in dialog.preview.text() and not dialog.start_button.isEnabled()
    dialog.reject()
    assert len(window.engine.data.versions("tiny")) == versions
    page.window_.show_banner_job(window.engine.data.split("tiny"))   # started elsewhere (the command line)
    qtbot.waitUntil(lambda: any(r.state == "succeeded" for r in window.banner_rows()), timeout=30_000)
    row = next(r for r in window.banner_rows() if r.state == "succeeded")
    assert "no new version" in row.message.text() and "3 record(s)" in row.message.text()
    assert len(window.engine.data.versions("tiny")) == versions
    qtbot.waitUntil(lambda: not page.notice.isHidden(), timeout=10_000)   # stays after the banner goes
    assert "no new version of tiny" in page.notice.text() and "3 record(s)" in page.notice.text()
