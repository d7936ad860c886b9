"""Models → "Use in Training" on an adapter: the Training form comes up on the adapter's base model and the
run it starts continues from the adapter's weights."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItemIterator

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def select(page, name):
    """Select ``name`` in the Models tree (an adapter sits under its base model)."""
    found = QTreeWidgetItemIterator(page.tree)
    while found.value():
        item = found.value()
        if item.data(0, Qt.ItemDataRole.UserRole).name == name:
            page.tree.setCurrentItem(item)
            return item
        found += 1
    raise AssertionError(name)


def train_adapter(engine, name: str, **config):
    job = engine.jobs.run("text.train", {"config": {"model": "tiny-llama", "data": "ads", "max_steps": 2,
                                                    "batch_size": 2, "max_length": 32, "lora_r": 4, "lora_alpha": 8,
                                                    "output_name": name, **config}})
    assert job.state.value == "succeeded", job.error
    return engine.models.get(name)


def lora_adapter(engine, base_dir, folder, name: str):
    """A LoRA adapter of the tiny base made with peft directly (no training run), in the catalog."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(base_dir, local_files_only=True)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM")
    get_peft_model(model, config).save_pretrained(folder)
    return engine.models.register(name, "text", "adapter", folder, base="tiny-llama")


def use_in_training(window, qtbot, name: str):
    models = window.show_page("models")
    models.refresh()
    wait_ops(qtbot)
    select(models, name)
    wait_ops(qtbot)
    models.details.train_button.click()
    wait_ops(qtbot)
    assert window.nav.currentRow() == list(window.pages).index("training")
    return window.pages["training"]


def test_use_an_adapter_in_training_chooses_its_base_and_continues_it(make_window, qtbot, tiny_text_dir, tmp_path):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine)
    lora_adapter(engine, tiny_text_dir, tmp_path / "adapter", "ads-helper")
    page = use_in_training(window, qtbot, "ads-helper")
    assert page.model_box.currentData() == "tiny-llama"          # an adapter trains on its base model
    assert page.form.continues.isVisibleTo(page) and "ads-helper" in page.form.continues.text()
    assert not page.method_box.isVisibleTo(page)                 # continuing an adapter is LoRA training
    assert page.text_config()["init_adapter"] == "ads-helper" and page.text_config()["method"] == "lora"
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)
    page.form.clear_continue.click()                              # train afresh on the base again
    assert not page.form.continues.isVisibleTo(page) and "init_adapter" not in page.text_config()
    assert page.method_box.isVisibleTo(page)


@pytest.mark.slow
def test_the_run_started_from_an_adapter_continues_its_weights(make_window, qtbot, tiny_text_dir):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine)
    add_text_dataset(engine, "more", rows=12)
    train_adapter(engine, "ads-helper")
    page = use_in_training(window, qtbot, "ads-helper")
    assert page.model_box.currentData() == "tiny-llama"
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)

    page.data_box.setCurrentIndex(page.data_box.findData("more"))   # other choices keep the adapter
    page.steps.setValue(1)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.output_name.setText("ads-helper-2")
    page.start()
    qtbot.waitUntil(lambda: page.current_row is not None and page.current_row.state == "succeeded", timeout=120_000)
    job = engine.jobs.get(page.current_job)
    assert job.params["config"]["init_adapter"] == "ads-helper"
    assert "ads-helper" in open(job.log_path, encoding="utf-8").read()   # "starting from adapter ads-helper"
    assert engine.models.get("ads-helper-2").base_id == engine.models.get("tiny-llama").id


def test_a_preset_or_another_base_model_drops_the_adapter(make_window, qtbot, tiny_text_dir):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    import_model(engine, tiny_text_dir, "other-llama", "text")
    add_text_dataset(engine)
    page = window.show_page("training")
    page.use_model("tiny-llama", "text", "ads-helper")
    wait_ops(qtbot)
    assert page.model_box.currentData() == "tiny-llama" and page.text_config()["init_adapter"] == "ads-helper"
    page.model_box.setCurrentIndex(page.model_box.findData("other-llama"))   # the adapter does not fit this base
    assert "init_adapter" not in page.text_config() and not page.form.continues.isVisibleTo(page)
    page.use_model("tiny-llama", "text", "ads-helper")
    wait_ops(qtbot)
    assert page.text_config()["init_adapter"] == "ads-helper"
    page.apply_preset("quick")
    assert "init_adapter" not in page.text_config() and not page.form.continues.isVisibleTo(page)
