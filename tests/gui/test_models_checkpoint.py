"""Models manager: an image model exports as one Stable Diffusion checkpoint from its own dialog, as a job."""
from __future__ import annotations

import os

from safetensors.torch import load_file

from tests.gui.conftest import import_model, wait_ops
from tests.gui.test_models_gguf import item_named


def test_image_model_exports_as_a_checked_checkpoint(make_window, qtbot, tiny_image_dir, tmp_path):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_image_dir, "tiny-sd", "image")
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    page.tree.setCurrentItem(item_named(page.tree, "tiny-sd"))
    assert page.checkpoint_button.isEnabled() and not page.gguf_button.isEnabled()
    assert page.checkpoint_button.isVisibleTo(page) and not page.gguf_button.isVisibleTo(page)
    dialog = page.open_checkpoint_export()
    assert dialog.adapter.currentData() is None and not dialog.scale.isEnabled()

    existing = tmp_path / "old.safetensors"
    existing.write_bytes(b"keep me")
    dialog.out.setText(str(existing))
    jobs_before = len(engine.jobs.list())
    dialog.export_button.click()
    wait_ops(qtbot)
    assert dialog.message.text().startswith("✕") and "already exists" in dialog.message.text()
    assert len(engine.jobs.list()) == jobs_before and existing.read_bytes() == b"keep me"

    dialog.out.setText(str(tmp_path / "tiny"))      # the suffix is added
    dialog.export_button.click()
    wait_ops(qtbot)
    row = dialog.job_row
    qtbot.waitUntil(lambda: not engine.jobs.active(), timeout=180_000)
    done = engine.jobs.get(row.job_id)
    assert done.state.value == "succeeded", done.error
    assert done.result["check"]["max_pixel_diff"] <= done.result["check"]["tolerance"]
    assert "model.diffusion_model.input_blocks.0.0.weight" in load_file(tmp_path / "tiny.safetensors")
    assert sorted(n for n in os.listdir(tmp_path) if "safetensors" in n) == ["old.safetensors", "tiny.safetensors"]
