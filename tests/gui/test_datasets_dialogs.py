"""Datasets tab: Clean and Split ask for their settings and show what will change before they start; the
record beside the table edits long fields in full; the columns fit the table."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.gui.conftest import add_text_dataset, wait_ops


def open_dataset(window, qtbot, name):
    page = window.show_page("datasets")
    page.refresh()
    qtbot.waitUntil(lambda: page.list.count() >= 1, timeout=10_000)
    wait_ops(qtbot)
    row = next(r for r in range(page.list.count()) if page.list.item(r).data(Qt.ItemDataRole.UserRole).name == name)
    rect = page.list.visualItemRect(page.list.item(row))
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.current == name and page.model.rowCount() > 0, timeout=10_000)
    wait_ops(qtbot)
    return page


def tick(qtbot, box):
    """Click a check box on its box (the widget may be wider than its box and words)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def recounted(qtbot, dialog, before):
    """Wait for a newer preview; it must not be a failure."""
    qtbot.waitUntil(lambda: dialog.answered > before, timeout=30_000)
    wait_ops(qtbot)
    assert not dialog.preview.text().startswith("⚠"), dialog.preview.text()
    return dialog.answered


def test_clean_shows_what_its_rules_remove_before_it_starts(make_window, qtbot):
    window = make_window()
    examples = [{"instruction": f"Describe item {i}", "output": f"Item {i} is a {['red', 'blue'][i % 2]} mug."}
                for i in range(8)]
    examples += [{"instruction": "describe  ITEM 0", "output": examples[0]["output"]},   # the same text twice
                 {"instruction": "Describe item 1 ", "output": examples[1]["output"].upper()},
                 {"instruction": "Describe item 99", "output": ""}]           # one without an answer
    window.engine.data.add_examples("mugs", examples, "test data", modality="text")
    page = open_dataset(window, qtbot, "mugs")
    qtbot.mouseClick(page.clean_button, Qt.MouseButton.LeftButton)
    dialog = page.clean_dialog
    assert dialog.isVisible() and dialog.exact.isChecked() and dialog.empty.isChecked()
    tick(qtbot, dialog.near)        # only exact duplicates and empty answers
    seen = recounted(qtbot, dialog, 0)
    qtbot.waitUntil(lambda: "Of 11 record(s): 3 removed, 8 kept." in dialog.preview.text(), timeout=30_000)
    assert "exact duplicates 2" in dialog.preview.text() and "empty 1" in dialog.preview.text()
    tick(qtbot, dialog.exact)       # keep the duplicates: fewer removed
    recounted(qtbot, dialog, seen)
    qtbot.waitUntil(lambda: "1 removed, 10 kept" in dialog.preview.text(), timeout=30_000)
    assert window.engine.data.count("mugs", status="rejected") == 0           # a preview writes nothing
    tick(qtbot, dialog.exact)
    qtbot.waitUntil(lambda: "3 removed, 8 kept" in dialog.preview.text() and dialog.start_button.isEnabled(),
                    timeout=30_000)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.state == "succeeded" for r in window.banner_rows()), timeout=30_000)
    assert window.engine.data.count("mugs", status="rejected") == 3


def test_split_shows_the_sizes_of_each_split_before_it_starts(make_window, qtbot):
    window = make_window()
    add_text_dataset(window.engine, name="ads", rows=24)
    page = open_dataset(window, qtbot, "ads")
    qtbot.mouseClick(page.split_button, Qt.MouseButton.LeftButton)
    dialog = page.split_dialog
    seen = recounted(qtbot, dialog, 0)
    # the 24 examples differ by one number: kept together as near duplicates, none would stay for training
    assert "Training 0" in dialog.preview.text() and "No record would be left for training" in dialog.preview.text()
    assert not dialog.start_button.isEnabled()
    tick(qtbot, dialog.near)
    for spin in (dialog.val, dialog.test):
        spin.setFocus()
        qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(spin, "25")
    qtbot.waitUntil(lambda: "Training 12 · validation 6 · test 6 (of 24 record(s))." in dialog.preview.text(),
                    timeout=30_000)
    recounted(qtbot, dialog, seen)
    assert "12 record(s) change split" in dialog.preview.text() and dialog.start_button.isEnabled()
    assert window.engine.data.count("ads", split="val") == 0
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.state == "succeeded" for r in window.banner_rows()), timeout=30_000)
    assert [window.engine.data.count("ads", split=s) for s in ("train", "val", "test")] == [12, 6, 6]


def test_the_record_beside_the_table_edits_long_fields_in_full(make_window, qtbot):
    window = make_window()
    long_answer = "First line of the answer.\nSecond line, which a table cell never shows."
    window.engine.data.add_examples("faq", [{"instruction": "How do I reset it?", "output": long_answer},
                                            {"instruction": "Where is it made?", "output": "In Suzhou."}],
                                    "test data", modality="text")
    window.resize(1400, 900)
    page = open_dataset(window, qtbot, "faq")
    table = page.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(page.model.index(0, 1)).center())
    detail = page.detail_pane
    assert detail.editors["output"].toPlainText() == long_answer and detail.title.text() == "Record #1"
    assert not detail.save_button.isEnabled() and not detail.editors["caption"].isVisible()
    editor = detail.editors["output"]
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, " Hold the button for five seconds.")
    assert detail.save_button.isEnabled()
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.edits.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    edited = long_answer + " Hold the button for five seconds."
    assert window.engine.data.record("faq", page.model.rows[0]["id"])["output"] == edited
    assert page.model.rows[0]["output"] == edited and not detail.save_button.isEnabled()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(page.model.index(1, 1)).center())
    assert detail.editors["output"].toPlainText() == "In Suzhou."


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_columns_fit_the_table_and_their_titles(make_window, qtbot, lang):
    window = make_window(lang=lang)
    add_text_dataset(window.engine, name="ads", rows=4)
    window.resize(1400, 900)
    page = open_dataset(window, qtbot, "ads")
    qtbot.wait(50)
    header = page.table.horizontalHeader()
    widths = [page.table.columnWidth(i) for i in range(page.model.columnCount())]
    for index, column in enumerate(page.model.columns):
        assert widths[index] >= header.fontMetrics().horizontalAdvance(column.title) + 16, column.title
    assert page.table.viewport().width() * 0.9 <= sum(widths) <= page.table.viewport().width() + 2
    from desktop.tabs.datasets_detail import WIDE
    window.resize(1100, 800)   # the text columns give up width down to their titles, then the table scrolls
    qtbot.wait(50)
    widths = [page.table.columnWidth(i) for i in range(page.model.columnCount())]
    least = {c.key: header.fontMetrics().horizontalAdvance(c.title) + 22 for c in page.model.columns if c.key in WIDE}
    share = sum(WIDE[key] for key in least)
    floor = sum(max(least[key], int(sum(least.values()) * WIDE[key] / share)) for key in least)
    wide = sum(w for w, c in zip(widths, page.model.columns) if c.key in WIDE)
    assert sum(widths) <= page.table.viewport().width() + 2 or wide <= floor + len(least), widths
