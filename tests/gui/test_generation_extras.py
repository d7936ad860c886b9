"""Generation as LM Studio and GPT4All users expect it: a task fills the prompt and system prompt, chat keeps
the conversation, presets live in the workspace, copy and save, the task's length rules counted, the
full-size image viewer, the gallery ordered by time or seed, and a speed per pane."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from tests.gui.conftest import import_model, wait_ops


def text_jobs(engine):
    return sorted((j for j in engine.jobs.list(50) if j.kind == "text.generate"), key=lambda j: j.created_at)


def generate(qtbot, panel):
    panel.generate_button.click()
    qtbot.waitUntil(lambda: not panel.generate_button.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
    qtbot.waitUntil(lambda: panel.review_buttons[0].isEnabled(), timeout=20_000)


def test_task_chat_presets_copy_save_and_rules(make_window, qtbot, tiny_text_dir, tmp_path, monkeypatch):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    engine.tasks.create({"name": "ad-copy", "template": "Write an ad for {product}", "examples": {"product": "a tote"},
                         "system_prompt": "You write short ads.", "constraints": {"max_chars": 1}})
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    panel.task.setCurrentIndex(panel.task.findData("ad-copy"))
    wait_ops(qtbot)
    assert panel.prompt.toPlainText() == "Write an ad for a tote"
    assert panel.system.toPlainText() == "You write short ads."
    panel.max_tokens.setValue(6)
    panel.temperature.setValue(0.0)
    panel.chat.setChecked(True)
    panel.compare.setCurrentIndex(panel.compare.findData(""))   # the comparison pane keeps its own conversation

    generate(qtbot, panel)
    first = text_jobs(engine)[-1]
    assert first.params["system"] == "You write short ads." and "history" not in first.params
    answer = first.result["results"][0]["text"]
    assert panel.outputs[0].toPlainText() == "You: Write an ad for a tote\n\nAssistant: " + answer
    assert "tokens/s" in panel.pane_speeds[0].text()
    assert panel.rule_labels[0].text().startswith("⚠") and "too long (" in panel.rule_labels[0].text()
    assert "(at most 1)" in panel.rule_labels[0].text()
    assert panel.prompt.toPlainText() == "" and panel.chat.text() == "Chat (1 turns)"
    assert panel.new_chat_button.isEnabled()

    # the second turn sees the first
    panel.prompt.setPlainText("Shorter, please")
    generate(qtbot, panel)
    second = text_jobs(engine)[-1]
    assert second.params["history"] == [{"role": "user", "content": "Write an ad for a tote"},
                                        {"role": "assistant", "content": answer}]
    shown = panel.outputs[0].toPlainText()
    assert shown.startswith("You: Write an ad for a tote") and "You: Shorter, please" in shown
    qtbot.waitUntil(lambda: panel.review_buttons[1].isEnabled(), timeout=20_000)
    beside = panel.outputs[1].toPlainText()
    assert beside.startswith("You: Write an ad for a tote") and "You: Shorter, please" in beside
    reply = second.result["results"][0]["text"]

    # copy gives the answer alone; save writes the conversation
    panel.copy_buttons[0].click()
    assert QApplication.clipboard().text() == reply
    target = tmp_path / "chat.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.save_buttons[0].click()
    wait_ops(qtbot)
    assert target.read_text(encoding="utf-8") == shown + "\n"

    panel.new_chat_button.click()
    assert panel.history == [[], []] and panel.outputs[0].toPlainText() == ""
    assert panel.chat.text() == "Chat" and not panel.new_chat_button.isEnabled()

    # presets: saved in the workspace, applied when picked, deleted
    panel.prompt.setPlainText("Reply to a customer")
    panel.temperature.setValue(0.4)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Polite reply", True))
    panel.presets.save_button.click()
    wait_ops(qtbot)
    saved = engine.presets.list("text")["Polite reply"]
    assert saved["prompt"] == "Reply to a customer" and saved["system"] == "You write short ads."
    assert saved["temperature"] == 0.4
    panel.prompt.setPlainText("something else")
    panel.system.clear()
    combo = panel.presets.combo
    combo.setCurrentIndex(0)
    combo.setCurrentIndex(combo.findData("Polite reply"))
    assert panel.prompt.toPlainText() == "Reply to a customer"
    assert panel.system.toPlainText() == "You write short ads."
    panel.presets.delete_button.click()
    wait_ops(qtbot)
    assert engine.presets.list("text") == {} and combo.count() == 1


def test_a_task_never_overwrites_a_typed_prompt(make_window, qtbot):
    window = make_window()
    window.engine.tasks.create({"name": "slogan", "template": "A slogan for {brand}"})
    page = window.show_page("generation")
    wait_ops(qtbot)
    panel = page.text
    panel.task.setCurrentIndex(panel.task.findData("slogan"))
    wait_ops(qtbot)
    assert panel.prompt.toPlainText() == "A slogan for {brand}"      # no examples: the bare template
    panel.prompt.setPlainText("My own prompt")
    panel.task.setCurrentIndex(0)
    panel.task.setCurrentIndex(panel.task.findData("slogan"))
    wait_ops(qtbot)
    assert panel.prompt.toPlainText() == "My own prompt"


def test_image_gallery_order_viewer_save_and_speed(make_window, qtbot, tiny_image_dir, tmp_path, monkeypatch):
    window = make_window()
    import_model(window.engine, tiny_image_dir, "tiny-sd", "image")
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.image
    page.modes.setCurrentWidget(panel)
    panel.prompt.setPlainText("a blue handbag")
    panel.steps.setValue(2)
    panel.batch.setValue(2)
    panel.lock.setChecked(True)
    for seed in (40, 7):
        panel.seed.setValue(seed)
        panel.generate_button.click()
        qtbot.waitUntil(lambda: not panel.generate_button.isEnabled(), timeout=5000)
        qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=180_000)
    qtbot.waitUntil(lambda: panel.gallery.count() == 4, timeout=30_000)
    assert "s/image" in panel.image_speed.text()

    def seeds():
        from desktop.tabs.generation_image import image_provenance
        return [image_provenance(panel.gallery.item(i).data(Qt.ItemDataRole.UserRole + 1))["seed"]
                for i in range(panel.gallery.count())]
    newest = seeds()
    assert newest == [8, 7, 41, 40]      # in the order the jobs made them, even if read back out of order
    panel.order.setCurrentIndex(panel.order.findData("seed"))
    assert seeds() == [7, 8, 40, 41]
    panel.order.setCurrentIndex(panel.order.findData("oldest"))
    assert seeds() == [40, 41, 7, 8]

    # double-click opens the full-size viewer; zoom in, back to fit
    item = panel.gallery.item(0)
    rect = panel.gallery.visualItemRect(item)
    qtbot.mouseClick(panel.gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewer = panel.viewer
    assert viewer is not None and viewer.isVisible()
    assert "tiny-sd" in viewer.caption.text()
    fitted = viewer.zoom
    viewer.zoom_in_button.click()
    assert viewer.zoom > fitted and viewer.image.pixmap().width() > viewer.pixmap.width() * fitted
    viewer.actual_button.click()
    assert viewer.zoom == 1.0 and viewer.image.pixmap().width() == viewer.pixmap.width()
    viewer.fit_button.click()
    assert viewer.fitting and viewer.image.pixmap().width() <= viewer.scroll.viewport().width()
    viewer.close()

    # save a copy of the chosen image
    panel.gallery.setCurrentRow(0)
    target = tmp_path / "poster.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.save_button.click()
    wait_ops(qtbot)
    assert target.read_bytes() == open(panel.gallery.item(0).data(Qt.ItemDataRole.UserRole), "rb").read()
