"""A chat answer sent from Generation to Review keeps its conversation: the reviewer reads the system prompt
and the earlier turns, and "Add approved to dataset" writes the whole conversation as a messages example."""
from __future__ import annotations

from tests.gui.conftest import add_text_dataset, import_model, wait_ops
from tests.gui.test_generation_extras import generate, text_jobs


def test_a_chat_answer_goes_to_review_with_its_conversation(make_window, qtbot, tiny_text_dir):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine, "ads", rows=4)
    engine.tasks.create({"name": "ad-copy", "template": "Write an ad for {product}", "examples": {"product": "a tote"},
                         "system_prompt": "You write short ads.", "model": "tiny-llama", "dataset": "ads"})
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    panel.task.setCurrentIndex(panel.task.findData("ad-copy"))
    wait_ops(qtbot)
    panel.max_tokens.setValue(4)
    panel.temperature.setValue(0.0)
    panel.chat.setChecked(True)
    generate(qtbot, panel)
    panel.prompt.setPlainText("Shorter, please")
    generate(qtbot, panel)
    second = text_jobs(engine)[-1]
    earlier = second.params["history"]
    assert [turn["role"] for turn in earlier] == ["user", "assistant"]
    panel.review_buttons[0].click()
    wait_ops(qtbot)
    [item] = engine.review.list()
    assert item.prompt == "Shorter, please" and item.history == earlier
    assert item.system_prompt == "You write short ads." and item.task == "ad-copy"

    review = window.show_page("review")
    review.refresh()
    qtbot.waitUntil(lambda: review.queue.count() == 1, timeout=10_000)
    wait_ops(qtbot)
    review.queue.setCurrentRow(0)
    assert review.prompt_title.text() == "Conversation"
    shown = review.prompt.text()
    assert shown.startswith("System: You write short ads.\n\nUser: Write an ad for a tote\n\nAssistant: ")
    assert shown.endswith("\n\nUser: Shorter, please")
    review.output.setPlainText("Short.")
    review.approve_button.click()
    qtbot.waitUntil(lambda: review.saves.pending() == 0, timeout=10_000)
    wait_ops(qtbot)
    review.feedback_button.click()
    wait_ops(qtbot)
    added = [e for e in engine.data.iter_examples("ads") if e.get("messages")]
    assert len(added) == 1 and added[0]["system"] == "You write short ads."
    assert added[0]["messages"] == earlier + [{"role": "user", "content": "Shorter, please"},
                                              {"role": "assistant", "content": "Short."}]
