"""Training tab against the real engine: start a tiny LoRA run, watch the curve, cancel, resume."""
from __future__ import annotations

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def test_start_watch_cancel_and_resume_a_text_run(make_window, qtbot, tiny_text_dir):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine)
    page = window.show_page("training")
    page.refresh()
    wait_ops(qtbot)
    assert page.model_box.currentData() == "tiny-llama" and page.data_box.currentData() == "ads"
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)
    page.steps.setValue(2000)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.save_every.setValue(5)
    page.start()
    qtbot.waitUntil(lambda: page.current_job is not None, timeout=10_000)
    qtbot.waitUntil(lambda: page.chart_points() >= 3, timeout=120_000)
    assert not page.start_button.isEnabled()
    job_id = page.current_job
    page.cancel_current()
    qtbot.waitUntil(lambda: page.current_row.state == "cancelled", timeout=60_000)
    assert page.current_row.resume_button.isVisible()
    points = page.chart_points()
    page.current_row.resume_button.click()
    qtbot.waitUntil(lambda: page.current_job != job_id, timeout=10_000)
    resumed = engine.jobs.get(page.current_job)
    assert resumed.resumed_from == job_id
    qtbot.waitUntil(lambda: page.chart_points() > points // 2, timeout=120_000)
    page.cancel_current()
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=60_000)
