"""Model verify, bundle check and review export run as jobs from their tabs: the job shows in the
Jobs panel, its result shows where it was started, and Cancel or Esc stops it with nothing changed."""
from __future__ import annotations

import threading

import pytest

from tests.gui.conftest import wait_ops

pytestmark = pytest.mark.gui


def _model(engine, tmp_path, files=3, size=2 << 20):
    folder = tmp_path / "weights"
    folder.mkdir()
    for index in range(files):
        (folder / f"part-{index}.bin").write_bytes(bytes([index]) * size)
    return engine.models.register("weights", "image", "base", folder)


def _gate(engine, when):
    """Hold the job at its first event matching ``when`` until the test lets it go (so a click on Cancel
    lands mid-job however fast the machine is)."""
    reached, release = threading.Event(), threading.Event()

    def on_event(event):
        if not reached.is_set() and when(event):
            reached.set()
            release.wait(20)
    return reached, release, engine.jobs.subscribe(on_event)


def _panel_kinds(window) -> list[str]:
    return [row.kind for row in window.jobs_panel.rows.values()]


def _select(page, name):
    for index in range(page.tree.topLevelItemCount()):
        if page.tree.topLevelItem(index).text(0).startswith(name):
            page.tree.setCurrentItem(page.tree.topLevelItem(index))


def test_verify_runs_as_a_job_and_shows_its_result(make_window, qtbot, tmp_path):
    window = make_window()
    _model(window.engine, tmp_path)
    page = window.show_page("models")
    page.refresh()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)
    _select(page, "weights")
    page.verify_button.click()
    qtbot.waitUntil(lambda: "models.verify" in _panel_kinds(window), timeout=10_000)
    qtbot.waitUntil(lambda: page.detail.text().startswith("✓"), timeout=20_000)
    assert "every file matches" in page.detail.text() and page.verify_button.isEnabled()
    (tmp_path / "weights" / "part-1.bin").write_bytes(b"changed")
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.detail.text().startswith("✕"), timeout=20_000)
    assert "part-1.bin" in page.detail.text()
    assert [j.state.value for j in window.engine.jobs.list() if j.kind == "models.verify"] == ["succeeded"] * 2


def test_esc_cancels_a_verify_and_nothing_changes(make_window, qtbot, tmp_path):
    window = make_window()
    model = _model(window.engine, tmp_path)
    page = window.show_page("models")
    page.refresh()
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)
    _select(page, "weights")
    reached, release, unsubscribe = _gate(window.engine, lambda e: e.type == "progress" and
                                          "part-0.bin" in (e.data.get("message") or ""))
    try:
        page.verify_button.click()
        qtbot.waitUntil(reached.is_set, timeout=10_000)
        qtbot.waitUntil(lambda: page.verify_slot.row is not None and page.verify_slot.row.state == "running",
                        timeout=10_000)
        assert not page.verify_button.isEnabled()
        assert window.stop_focused_job()   # Esc on the Models tab
        wait_ops(qtbot)
    finally:
        release.set()
    qtbot.waitUntil(lambda: "cancelled" in page.detail.text(), timeout=20_000)
    unsubscribe()
    job = next(j for j in window.engine.jobs.list() if j.kind == "models.verify")
    assert job.state.value == "cancelled" and window.jobs_panel.rows[job.id].state == "cancelled"
    assert window.engine.models.get("weights").sha256 == model.sha256 and page.verify_button.isEnabled()


def _approved(engine, count):
    for index in range(count):
        item = engine.review.add("text", f"prompt {index}", text=f"slogan number {index}")
        engine.review.approve(item.id)


def test_review_export_is_a_job_and_cancel_writes_nothing(make_window, qtbot, tmp_path):
    window = make_window()
    _approved(window.engine, 3)
    page = window.show_page("review")
    reached, release, unsubscribe = _gate(window.engine, lambda e: e.type == "progress" and
                                          e.data.get("message") == "item 2 of 3")
    out = tmp_path / "approved.csv"
    try:
        page.export_approved(str(out))
        qtbot.waitUntil(reached.is_set, timeout=10_000)
        qtbot.waitUntil(lambda: page.export_slot.row is not None and page.export_slot.row.state == "running",
                        timeout=10_000)
        page.export_slot.row.cancel_button.click()
        wait_ops(qtbot)
    finally:
        release.set()
    qtbot.waitUntil(lambda: "cancelled" in page.message.text(), timeout=20_000)
    unsubscribe()
    assert not out.exists() and "review.export" in _panel_kinds(window)
    page.export_approved(str(out))
    qtbot.waitUntil(lambda: "exported to" in page.message.text(), timeout=20_000)
    assert page.message.text().startswith("3 output(s)") and len(out.read_text(encoding="utf-8-sig").splitlines()) == 4


def test_bundle_check_is_a_job_in_the_jobs_panel(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("models")
    fake = tmp_path / "bundle.zip"
    fake.write_bytes(b"this is not a zip archive")
    dialog = page.open_bundle_import(str(fake))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("✕"), timeout=10_000)
    assert "bundle.inspect" in _panel_kinds(window) and dialog.check_button.isEnabled()
    dialog.reject()
