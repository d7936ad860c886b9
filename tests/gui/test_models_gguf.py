"""Models manager: Export as GGUF runs as a job with progress and cancel; GGUF models show size, quant, context."""
from __future__ import annotations

import os

import pytest

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def item_named(tree, name):
    from PySide6.QtWidgets import QTreeWidgetItemIterator
    iterator = QTreeWidgetItemIterator(tree)
    while iterator.value():
        if iterator.value().text(0).split()[0] == name:
            return iterator.value()
        iterator += 1
    raise AssertionError(f"{name} is not in the tree")


def test_export_as_gguf_then_import_shows_quant_and_context(make_window, qtbot, tiny_text_dir, tmp_path):
    pytest.importorskip("llama_cpp")
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine, "ads", rows=8)
    job = engine.jobs.run("text.train", {"config": {"model": "tiny-llama", "data": "ads", "max_steps": 2,
                                                    "batch_size": 4, "output_name": "ads-lora", "lora_r": 4,
                                                    "eval_every": 2, "save_every": 2}})
    assert job.state.value == "succeeded", job.error
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    page.tree.setCurrentItem(item_named(page.tree, "ads-lora"))
    assert page.gguf_button.isEnabled()

    # The adapter alone, as a GGUF LoRA: the quantization choice does not apply to it.
    dialog = page.open_gguf_export()
    assert dialog.adapter.currentData() == "ads-lora" and dialog.adapter_only.isEnabled()
    dialog.adapter_only.setChecked(True)
    assert not dialog.quant.isEnabled()
    dialog.out.setText(str(tmp_path / "ads-lora"))
    dialog.export_button.click()
    wait_ops(qtbot)
    row = dialog.job_row
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=120_000)
    done = engine.jobs.get(row.job_id)
    assert done.state.value == "succeeded", done.error
    assert done.result["adapter_only"] and (tmp_path / "ads-lora.gguf").is_file()
    qtbot.waitUntil(lambda: row.bar.value() == 1000, timeout=10_000)     # the row followed the job's progress

    # The base with the adapter merged, at q8_0; then the file comes back as a model of its own.
    wait_ops(qtbot)
    page.tree.setCurrentItem(item_named(page.tree, "ads-lora"))    # the finished job refreshed the list
    dialog = page.open_gguf_export()
    dialog.adapter_only.setChecked(False)
    dialog.quant.setCurrentIndex(dialog.quant.findData("q8_0"))
    dialog.out.setText(str(tmp_path / "merged.gguf"))
    dialog.export_button.click()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=120_000)
    done = engine.jobs.get(dialog.job_row.job_id)
    assert done.state.value == "succeeded", done.error
    assert done.result["quant"] == "q8_0" and done.result["adapter"] == "ads-lora"

    # An existing file is refused in the dialog itself, before any job starts.
    wait_ops(qtbot)
    page.tree.setCurrentItem(item_named(page.tree, "tiny-llama"))
    dialog = page.open_gguf_export()
    assert dialog.adapter.currentData() is None
    dialog.out.setText(str(tmp_path / "merged.gguf"))
    jobs_before = len(engine.jobs.list())
    dialog.export_button.click()
    wait_ops(qtbot)
    assert dialog.message.text().startswith("✕") and "already exists" in dialog.message.text()
    assert len(engine.jobs.list()) == jobs_before and dialog.export_button.isEnabled()
    dialog.reject()

    import_model(engine, tmp_path / "merged.gguf", "merged-q8", "text")
    page.refresh()
    wait_ops(qtbot)
    item = item_named(page.tree, "merged-q8")
    assert "GGUF q8_0" in item.text(1)
    page.tree.setCurrentItem(item)
    assert not page.gguf_button.isEnabled()     # already a GGUF file
    assert "q8_0" in page.detail.text() and "context 256 tokens" in page.detail.text()


def test_cancelled_gguf_export_leaves_no_file(make_window, qtbot, tiny_text_dir, tmp_path):
    pytest.importorskip("llama_cpp")
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    page.tree.setCurrentItem(item_named(page.tree, "tiny-llama"))
    dialog = page.open_gguf_export()
    assert not dialog.adapter_only.isEnabled()      # no adapter chosen
    (tmp_path / "out").mkdir()
    dialog.out.setText(str(tmp_path / "out" / "tiny.gguf"))
    dialog.export_button.click()
    wait_ops(qtbot)
    row = dialog.job_row
    row.cancel_button.click()
    qtbot.waitUntil(lambda: engine.jobs.get(row.job_id).state.value in ("cancelled", "succeeded", "failed"),
                    timeout=120_000)
    assert engine.jobs.get(row.job_id).state.value == "cancelled"
    assert os.listdir(tmp_path / "out") == []


@pytest.mark.slow
def test_import_dialog_makes_a_gguf_file_trainable(make_window, qtbot, tiny_text_dir, tmp_path):
    pytest.importorskip("llama_cpp")
    import hashlib
    from tests.gui.test_generation_gguf import tiny_gguf
    path = tiny_gguf(tiny_text_dir, tmp_path / "shop.gguf")
    window = make_window()
    page = window.show_page("models")
    dialog = page.open_import(str(tmp_path / "shop"))
    assert not dialog.trainable.isEnabled()            # only a .gguf file can be converted
    dialog.path.setText(str(path))
    assert dialog.trainable.isEnabled() and not dialog.trainable.isChecked()
    dialog.trainable.setChecked(True)
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=60_000)
    assert "format: gguf" in dialog.report.toPlainText() and "architecture: llama" in dialog.report.toPlainText()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(window.engine.jobs.list()) and not window.engine.jobs.active(), timeout=120_000)
    [job] = window.engine.jobs.list()
    assert job.state.value == "succeeded", job.error
    model = window.engine.models.get("shop")
    assert model.lineage["gguf_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert model.info.get("format") != "gguf" and (tmp_path / "shop.gguf").is_file()
