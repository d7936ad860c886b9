"""Training tab: "Processes / GPUs" starts a text run on that many torchrun ranks, its curve in the same chart."""
from __future__ import annotations

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def test_two_processes_from_the_training_tab(make_window, qtbot, tiny_text_dir):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine)
    page = window.show_page("training")
    page.refresh()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)
    page.processes.setValue(2)
    page.preflight.setText("")
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)   # checked per process
    page.steps.setValue(3)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.start()
    qtbot.waitUntil(lambda: page.current_job is not None, timeout=10_000)
    job_id = page.current_job
    qtbot.waitUntil(lambda: engine.jobs.get(job_id).state.finished, timeout=180_000)
    job = engine.jobs.get(job_id)
    assert job.state.value == "succeeded", job.error
    assert job.params["nproc"] == 2 and job.result["world_size"] == 2
    qtbot.waitUntil(lambda: page.chart_points() >= 3, timeout=30_000)
