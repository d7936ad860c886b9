"""The backend choice in the window: the Generation tab's Backend box and the workspace setting in Settings."""
from __future__ import annotations

import pytest

from tests.gui.conftest import import_model, wait_ops


def test_generation_tab_backend_box_and_settings_choice(make_window, qtbot, tiny_text_dir, monkeypatch):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: the llama.cpp backend needs it")
    monkeypatch.delenv("AIGC_GENERATION_BACKEND", raising=False)
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    window.open_settings()
    dialog = window._settings_dialog
    assert dialog.text_backend.currentData() == "auto"
    dialog.text_backend.setCurrentIndex(dialog.text_backend.findData("torch"))
    dialog.accept()
    assert engine.text.generation_backend() == "torch"

    page = window.show_page("generation")
    page.refresh()
    wait_ops(qtbot)
    panel = page.text
    panel.prompt.setPlainText("Write an ad for a tote bag")
    panel.max_tokens.setValue(6)
    panel.temperature.setValue(0.0)
    backends = []
    for choice in (None, "llamacpp"):     # the workspace's PyTorch, then llama.cpp asked for in the tab
        panel.backend.setCurrentIndex(panel.backend.findData(choice))
        panel.generate_button.click()
        qtbot.waitUntil(lambda: not panel.generate_button.isEnabled(), timeout=5000)
        qtbot.waitUntil(lambda: panel.generate_button.isEnabled(), timeout=120_000)
        wait_ops(qtbot)
        job = next(j for j in engine.jobs.list() if j.kind == "text.generate")
        assert job.state.value == "succeeded", job.error
        backends.append(job.result["results"][0]["backend"])
    assert backends == ["pytorch", "llama.cpp"]
