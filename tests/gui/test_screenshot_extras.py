"""The pictures beyond the tabs are made by driving the real window: the import dialog marks the
misspelt row of the campaign sheet, importing it anyway fails above the tabs, and in the Chinese
window both say so in Chinese."""
from __future__ import annotations

import re

from desktop.screenshot_extras import Extras, composite
from desktop.screenshots import settle, wait_until
from tests.gui.conftest import wait_ops


def test_the_import_dialog_and_failed_import_pictures_in_chinese(make_window, qtbot):
    from PySide6.QtWidgets import QApplication
    window = make_window(lang="zh_CN")
    extras = Extras(QApplication.instance(), window, "zh_CN", wait_until, settle)
    extras.import_dialog()
    dialog = extras.dialog
    problems = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())
                if dialog.table.item(r, 0).text().startswith("⚠")]
    assert problems == ["⚠ 字段 status：必须是 unreviewed, accepted, rejected 之一，而不是“acepted”"], problems
    assert "1 个" in dialog.detected.text() or "1 行" in dialog.detected.text(), dialog.detected.text()
    picture = composite(window, dialog)
    assert picture.size() == window.grab().size()

    extras.failed_import()
    [row] = [r for r in window.banner_rows() if r.state == "failed"]
    message = row.message.text()
    assert "春季活动.csv 第 4 行 字段 status" in message, message
    english = {w for w in re.findall(r"[A-Za-z]{3,}", message)} - {"status", "unreviewed", "accepted", "rejected",
                                                                     "acepted", "csv"}
    assert not english, message
    wait_ops(qtbot)
