"""Generation tab with a GGUF model: the answer streams in and the pane says llama.cpp made it, from which file."""
from __future__ import annotations

import hashlib

import pytest

from tests.gui.conftest import import_model, wait_ops


def tiny_gguf(folder, path):
    from transformers import AutoModelForCausalLM
    from engine.deploy.writer import write_gguf
    from engine.text.loader import load_tokenizer
    from engine.text.templates import template_of
    tok = load_tokenizer(folder)
    write_gguf(AutoModelForCausalLM.from_pretrained(folder), tok, path, "f16", "tiny", template_of(tok))
    return path


def test_generate_text_with_a_gguf_model(make_window, qtbot, tiny_text_dir, tmp_path):
    pytest.importorskip("llama_cpp")
    path = tiny_gguf(tiny_text_dir, tmp_path / "tiny.gguf")
    window = make_window()
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    job = window.engine.jobs.run("models.import", {"path": str(path), "name": "tiny-gguf"})
    assert job.state.value == "succeeded", job.error
    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    panel.model.setCurrentIndex(panel.model.findData("tiny-gguf"))
    wait_ops(qtbot)
    assert [panel.adapter.itemData(i) for i in range(panel.adapter.count())] == [None]   # none run on GGUF
    panel.compare.setCurrentIndex(panel.compare.findData(""))   # the same file again, same seed
    panel.prompt.setPlainText("Write an ad for a tote bag")
    panel.max_tokens.setValue(12)
    panel.temperature.setValue(0.0)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: not panel.generate_button.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
    qtbot.waitUntil(lambda: all(b.isEnabled() for b in panel.review_buttons), timeout=10_000)
    first, second = (pane.toPlainText() for pane in panel.outputs)
    assert first.strip() and first == second
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for label in panel.provenance:
        assert "llama.cpp" in label.text() and "f16" in label.text() and digest[:12] in label.text()
        assert f"seed {panel.seed.value()}" in label.text()

    panel.review_buttons[0].click()
    wait_ops(qtbot)
    [item] = window.engine.review.list()
    assert item.model == "tiny-gguf" and item.model_sha256 == digest
    assert item.params.get("backend") == "llama.cpp" and item.output_text.strip() == first.strip()

    # the PyTorch model says so too, and the pane forgets the previous provenance when generating again
    panel.model.setCurrentIndex(panel.model.findData("tiny-llama"))
    panel.compare.setCurrentIndex(panel.compare.findData(None))
    panel.generate_button.click()
    assert panel.provenance[0].text() == ""
    qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
    qtbot.waitUntil(lambda: "PyTorch" in panel.provenance[0].text(), timeout=10_000)
    assert "cpu" in panel.provenance[0].text() and "llama.cpp" not in panel.provenance[0].text()
