"""Training tab against the real engine: start a tiny LoRA run, watch the curve, cancel, resume."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

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
    run_row = lambda: next(page.runs_list.item(r).text() for r in range(page.runs_list.count())  # noqa: E731
                           if page.runs_list.item(r).data(Qt.ItemDataRole.UserRole)["job_id"] in (job_id, resumed.id))
    qtbot.waitUntil(lambda: "running" in run_row(), timeout=20_000)   # no longer "cancelled"
    page.cancel_current()
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=60_000)


def open_training(make_window, qtbot, tiny_text_dir):
    window = make_window()
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(window.engine)
    page = window.show_page("training")
    page.refresh()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)
    return window, page


def test_start_stays_off_during_a_run_and_the_memory_check_follows_every_setting(make_window, qtbot,
                                                                                tiny_text_dir):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    first, answers = page.preflight.text(), []
    for change in (lambda: page.batch.setValue(16), lambda: page.max_length.setValue(512),
                   lambda: page.method_box.setCurrentIndex(1), lambda: page.steps.setValue(50)):
        page.preflight.setText("")
        change()                                          # each reruns the check (after a short pause)
        qtbot.waitUntil(lambda: page.preflight.text()[:1] in ("✓", "⚠"), timeout=60_000)
        answers.append(page.preflight.text())
    assert answers[0] != first, answers                  # a bigger batch needs more memory

    page.method_box.setCurrentIndex(0)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.steps.setValue(2000)
    page.start()
    assert not page.start_button.isEnabled()
    qtbot.waitUntil(lambda: page.current_job is not None, timeout=10_000)
    page.refresh()                                       # before the run has written its record
    wait_ops(qtbot)
    assert not page.start_button.isEnabled()
    qtbot.waitUntil(lambda: page.chart_points() >= 1, timeout=120_000)
    page.refresh()                                       # a refresh during the run must not re-enable Start
    wait_ops(qtbot)
    page.update_preflight()
    assert not page.start_button.isEnabled() and not page.resume_button.isEnabled()
    page.cancel_current()
    qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=60_000)


def test_adapter_name_is_used_and_a_finished_text_run_writes_validation_samples(make_window, qtbot, tiny_text_dir):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    assert page.output_name.isVisibleTo(page)
    page.output_name.setText("ads-helper")
    page.steps.setValue(3)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.start()
    qtbot.waitUntil(lambda: page.current_row is not None and page.current_row.state == "succeeded", timeout=120_000)
    assert window.engine.models.get("ads-helper").role == "adapter"
    samples = page.monitor.text_samples
    assert page.monitor.sample_stack.currentWidget() is samples
    qtbot.waitUntil(samples.write_button.isEnabled, timeout=10_000)
    samples.write_button.click()
    qtbot.waitUntil(lambda: samples.sample_job is None and "→" in samples.text.toPlainText(), timeout=120_000)
    text = samples.text.toPlainText()
    assert text.startswith("#1  Write an ad for product") and "⚠" not in text


def test_time_left_counts_from_the_run_start_when_opened_midway(make_window, qtbot):
    import time

    from tests.gui import test_shell  # noqa: F401 - registers the test job kinds
    window = make_window()
    page = window.show_page("training")
    job = window.engine.jobs.submit("test.gui_steps", {"steps": 10**6, "delay": 0.01})  # never ends alone
    qtbot.waitUntil(lambda: window.engine.jobs.get(job.id).state.value != "queued", timeout=60_000)
    opened = window.engine.jobs.get(job.id)
    opened.started_at = time.time() - 100          # as if it had been running for 100 s already
    page.follow(opened)
    monitor = page.monitor
    left = monitor.time_left(0.5, "step 50/100 loss 0.5", time.time())
    assert 95 <= left <= 105                       # 50 steps took 100 s: 50 more take about 100 s
    window.engine.jobs.cancel(job.id)
    window.engine.jobs.wait(job.id, timeout=30)


def test_the_run_view_names_the_kept_checkpoint_and_warns_when_validation_never_improved(make_window, qtbot,
                                                                                         tiny_text_dir):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    # a learning rate far below float resolution: the validation loss stays at its first value
    page.start({"max_steps": 6, "eval_every": 2, "learning_rate": 1e-12, "schedule": "constant"})
    qtbot.waitUntil(lambda: page.current_row is not None and page.current_row.state == "succeeded", timeout=120_000)
    qtbot.waitUntil(lambda: not page.monitor.kept.isHidden(), timeout=10_000)
    text = page.monitor.kept.text()
    assert "step 2" in text and "lowest validation loss" in text and "3 evaluations" in text
    assert "⚠ Validation loss never went below its first value" in text
    page.refresh()
    wait_ops(qtbot)
    page.runs_list.setCurrentRow(0)                       # picked from the list, the finished run says it again
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: "step 2" in page.monitor.kept.text() and not page.monitor.kept.isHidden(),
                    timeout=10_000)


def test_the_form_shows_only_what_applies_to_the_chosen_model_kind(make_window, qtbot, tiny_text_dir,
                                                                   tiny_image_dir):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    import_model(window.engine, tiny_image_dir, "tiny-sd", "image")
    page.refresh()
    wait_ops(qtbot)
    page.advanced_toggle.setChecked(True)
    assert page.method_box.isVisibleTo(page) and page.max_length.isVisibleTo(page)
    page.model_box.setCurrentIndex(page.model_box.findData("tiny-sd"))
    assert not page.method_box.isVisibleTo(page)            # no "Full fine-tune" for an image model
    assert not page.max_length.isVisibleTo(page)            # no token length either
    assert page.steps.isVisibleTo(page) and page.rank.isVisibleTo(page)
    page.model_box.setCurrentIndex(page.model_box.findData("tiny-llama"))
    assert page.method_box.isVisibleTo(page) and page.max_length.isVisibleTo(page)


def test_the_learning_rate_chart_appears_only_for_runs_that_report_one(qtbot):
    from desktop.widgets.loss_chart import LossChart
    chart = LossChart()
    qtbot.addWidget(chart)
    chart.show()
    chart.clear()
    chart.add("loss", 1, 0.5)                                # an image run reports only its loss
    assert chart.lr_plot.isHidden()
    chart.add("learning_rate", 1, 1e-4)
    assert not chart.lr_plot.isHidden()
    chart.clear()
    assert chart.lr_plot.isHidden()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_advanced_settings_leave_the_runs_list_room_at_the_default_window_size(make_window, qtbot, lang):
    window = make_window(lang=lang)
    window.resize(1280, 700)            # the default size on a 1366x768 laptop screen
    page = window.show_page("training")
    page.advanced_toggle.setChecked(True)
    qtbot.wait(50)
    line = page.runs_list.fontMetrics().lineSpacing()
    # however the fonts lay out, the form scrolls before the list gets less than four two-line runs
    assert page.runs_list.minimumHeight() >= line * 2 * 4
    assert page.runs_list.height() >= line * 2 * 4
