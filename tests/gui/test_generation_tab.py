"""Generation tab against the real engine: streamed text with a comparison pane, and an image."""
from __future__ import annotations

from tests.gui.conftest import import_model, wait_ops


def test_generate_text_streams_tokens_into_both_panes(make_window, qtbot, tiny_text_dir):
    window = make_window()
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    assert panel.model.currentData() == "tiny-llama"
    panel.compare.setCurrentIndex(panel.compare.findData(""))   # base vs base on the same seed
    panel.prompt.setPlainText("Write an ad for a tote bag")
    panel.max_tokens.setValue(12)
    panel.temperature.setValue(0.0)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: not panel.generate_button.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
    first, second = (pane.toPlainText() for pane in panel.outputs)
    assert first and first == second       # same model, same seed, greedy: identical
    assert "tokens/s" in panel.pane_speeds[0].text() and "tokens/s" in panel.pane_speeds[1].text()

    # send the second pane's output to review: it arrives with its provenance
    qtbot.waitUntil(lambda: panel.review_buttons[1].isEnabled(), timeout=10_000)
    panel.review_buttons[1].click()
    wait_ops(qtbot)
    assert not panel.review_buttons[1].isEnabled()
    [item] = window.engine.review.list()
    model = window.engine.models.get("tiny-llama")
    assert (item.modality, item.task, item.prompt) == ("text", None, "Write an ad for a tote bag")
    assert item.output_text.strip() == second.strip() and item.model == "tiny-llama"
    assert item.model_sha256 == model.sha256 and item.seed == panel.seed.value()
    assert item.params.get("max_new_tokens") == 12
    review = window.show_page("review")
    wait_ops(qtbot)
    assert review.queue.count() == 1 and "Generation" in review.queue.item(0).text()

    # a task made elsewhere shows up on the next visit; the first pane's output goes to that task
    window.engine.tasks.create({"name": "ad-copy", "template": "{product}",
                                "constraints": {"banned_terms": ["MegaMart"]}})
    window.show_page("generation")
    wait_ops(qtbot)
    assert [panel.task.itemData(i) for i in range(panel.task.count())] == [None, "ad-copy"]
    assert page.image.task.count() == 2
    panel.task.setCurrentIndex(panel.task.findData("ad-copy"))
    panel.review_buttons[0].click()
    wait_ops(qtbot)
    [for_task] = window.engine.review.list(task="ad-copy")
    assert for_task.output_text.strip() == first.strip() and for_task.seed == item.seed
    assert panel.task.task() == "ad-copy"


def test_generate_image_fills_gallery_with_provenance(make_window, qtbot, tiny_image_dir):
    window = make_window()
    import_model(window.engine, tiny_image_dir, "tiny-sd", "image")
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.image
    page.modes.setCurrentWidget(panel)
    assert panel.model.currentData() == "tiny-sd"
    # "no adapter" reads the same in both panes
    assert panel.adapter.itemText(0) == page.text.adapter.itemText(0) == "None (base model)"
    panel.prompt.setPlainText("product poster, a blue handbag")
    panel.steps.setValue(2)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.gallery.count() == 1, timeout=180_000)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=30_000)
    assert panel.progress.value() == 1000
    panel.gallery.setCurrentRow(0)
    assert "tiny-sd" in panel.provenance.text()

    assert panel.review_button.isEnabled()
    panel.review_button.click()
    wait_ops(qtbot)
    [item] = window.engine.review.list()
    assert (item.modality, item.prompt, item.model) == ("image", "product poster, a blue handbag", "tiny-sd")
    assert item.model_sha256 == window.engine.models.get("tiny-sd").sha256
    assert item.params["steps"] == 2 and item.seed is not None
    assert open(item.image_path, "rb").read() == open(panel.gallery.paths()[0], "rb").read()


def answered_late(engine, submit):
    """``submit`` as it behaves when the answer is slow to come back: the job has run before the id arrives."""
    def call(*args, **kwargs):
        job = submit(*args, **kwargs)
        engine.jobs.wait(job.id, timeout=120)
        return job
    return call


def test_text_pane_keeps_tokens_sent_before_the_job_id_came_back(make_window, qtbot, tiny_text_dir, monkeypatch):
    window = make_window()
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    monkeypatch.setattr(window.engine.text, "generate", answered_late(window.engine, window.engine.text.generate))
    panel.prompt.setPlainText("Write an ad for a tote bag")
    panel.max_tokens.setValue(8)
    panel.temperature.setValue(0.0)
    panel.generate_button.click()
    assert not panel.generate_button.isEnabled()
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
    wait_ops(qtbot)
    [job] = [j for j in window.engine.jobs.list(5) if j.kind == "text.generate"]
    streamed = panel.outputs[0].toPlainText()
    assert streamed and streamed == job.result["results"][0]["text"]
    assert panel.review_buttons[0].isEnabled()


def test_image_job_that_fails_at_once_gives_generate_back(make_window, qtbot, monkeypatch):
    window = make_window()
    page = window.show_page("generation")
    panel = page.image
    page.modes.setCurrentWidget(panel)
    panel.model.addItem("ghost-model", "ghost-model")      # a model the workspace does not have
    panel.model.setCurrentIndex(panel.model.findData("ghost-model"))
    monkeypatch.setattr(window.engine.jobs, "submit", answered_late(window.engine, window.engine.jobs.submit))
    panel.prompt.setPlainText("a blue handbag")
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=60_000)
    assert not panel.stop_button.isEnabled() and panel.job_id is None
    assert "ghost-model" in panel.status.text()
