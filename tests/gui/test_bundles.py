"""Models manager: export an offline bundle, then import it with its verification report first."""
from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def test_export_then_import_bundle_with_report_first(make_window, qtbot, tiny_text_dir, tmp_path):
    window = make_window()
    engine = window.engine
    import_model(engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(engine, "ads", rows=6)
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    export = page.open_bundle_export()
    wait_ops(qtbot)
    assert export.chosen() == {"models": ["tiny-llama"], "adapters": [], "datasets": [], "tasks": []}
    export.set_checked("datasets", "ads")
    out = tmp_path / "usb" / "bundle.zip"
    out.parent.mkdir()
    export.out.setText(str(out))
    export.export_button.click()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: out.is_file() and not engine.jobs.active(), timeout=60_000)
    assert [j.state.value for j in engine.jobs.list() if j.kind == "bundle.export"] == ["succeeded"]

    # remove what the bundle holds, then bring it back
    engine.models.remove("tiny-llama")
    engine.data.delete("ads")
    page.refresh()
    wait_ops(qtbot)
    dialog = page.open_bundle_import(str(out))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.report_data is not None, timeout=30_000)
    assert dialog.import_button.isEnabled(), dialog.summary.text()
    assert dialog.summary.text().startswith("✓") and "2 item(s) will be added" in dialog.summary.text()
    rows = {dialog.items.topLevelItem(i).text(0).split()[0]: dialog.items.topLevelItem(i).text(3)
            for i in range(dialog.items.topLevelItemCount())}
    assert rows == {"tiny-llama": "will be added", "ads": "will be added"}
    assert [m.name for m in engine.models.list()] == []      # nothing registered by the check
    dialog.import_button.click()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: not engine.jobs.active() and any(m.name == "tiny-llama" for m in engine.models.list()),
                    timeout=60_000)
    assert engine.data.get("ads").counts
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1, timeout=10_000)


def test_bad_bundle_shows_reason_and_registers_nothing(make_window, qtbot, tmp_path):
    window = make_window()
    page = window.show_page("models")
    fake = tmp_path / "bundle.zip"
    fake.write_bytes(b"this is not a zip archive")
    dialog = page.open_bundle_import(str(fake))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("✕"), timeout=10_000)
    assert "bundle.zip" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert window.engine.models.list() == [] and not Path(window.engine.root, "models", "tiny-llama").exists()
