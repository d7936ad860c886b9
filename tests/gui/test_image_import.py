"""One corrupt picture in an image folder: the preview marks its row, "Skip bad rows" imports the rest,
the failure says what to do in words (no command-line options) and its banner can be closed."""
from __future__ import annotations

from tests.data.data_files import kohya_folder
from tests.gui.conftest import wait_ops


def _banner_rows(window):
    return [window.banner_layout.itemAt(i).widget() for i in range(window.banner_layout.count())]


def test_a_corrupt_png_is_marked_skipped_on_request_and_its_failure_banner_closes(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("datasets")
    folder = kohya_folder(tmp_path / "posters", corrupt=True)

    dialog = page.open_import(str(folder))
    assert not dialog.busy.isHidden() and not dialog.import_button.isEnabled()   # the wait shows itself

    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=20_000)
    assert dialog.busy.isHidden()
    assert dialog.table.horizontalHeaderItem(0).text() == "Problem"
    marked = [r for r in range(4) if dialog.table.item(r, 0).text().startswith("⚠")]
    assert len(marked) == 1 and "broken.png" in dialog.table.item(marked[0], 0).text()
    assert "cannot be imported" in dialog.detected.text() and "--" not in dialog.detected.text()

    dialog.import_button.click()                                    # without skipping: the job refuses
    qtbot.waitUntil(lambda: any(r.state == "failed" for r in _banner_rows(window)), timeout=30_000)
    row = _banner_rows(window)[0]
    assert "broken.png" in row.message.text() and "skipping bad rows" in row.message.text()
    assert "--" not in row.message.text()
    assert not row.close_button.isHidden()
    row.close_button.click()
    qtbot.waitUntil(lambda: window.banner.isHidden(), timeout=5_000)
    assert window.engine.data.list() == []

    dialog = page.open_import(str(folder))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=20_000)
    dialog.skip_bad.setChecked(True)
    qtbot.waitUntil(lambda: "left out" in dialog.detected.text(), timeout=20_000)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=30_000)
    wait_ops(qtbot)
    assert window.engine.data.get("posters").count == 3


def test_a_later_success_of_the_same_work_clears_the_earlier_failure_from_the_banner(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("datasets")
    folder = kohya_folder(tmp_path / "posters", corrupt=True)
    dialog = page.open_import(str(folder))
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=20_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: any(r.state == "failed" for r in window.banner_rows()), timeout=30_000)
    failed = window.banner_rows()[0]
    dialog = page.open_import(str(folder))
    dialog.skip_bad.setChecked(True)
    qtbot.waitUntil(lambda: "left out" in dialog.detected.text() and dialog.import_button.isEnabled(),
                    timeout=20_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: failed not in window.banner_rows(), timeout=30_000)   # no stale red error
    qtbot.waitUntil(lambda: window.banner.isHidden(), timeout=10_000)
