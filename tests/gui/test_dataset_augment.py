"""Datasets tab: Augment runs the real data.augment job and shows its report."""
from __future__ import annotations

from tests.gui.conftest import add_text_dataset, wait_ops


def test_augment_shows_report_and_new_version(make_window, qtbot):
    window = make_window()
    engine = window.engine
    add_text_dataset(engine, "ads", rows=40)
    page = window.show_page("datasets")
    page.refresh()
    wait_ops(qtbot)
    assert page.current == "ads" and page.augment_button.isEnabled()
    dialog = page.augment()
    dialog.op_boxes["delete"].setChecked(False)
    dialog.op_boxes["swap"].setChecked(False)
    dialog.op_boxes["synonym"].setChecked(False)
    assert dialog.chosen_ops() == ["template"] and dialog.start_button.isEnabled()
    dialog.op_boxes["template"].setChecked(False)
    assert not dialog.start_button.isEnabled()          # nothing chosen: nothing to run
    dialog.op_boxes["template"].setChecked(True)
    dialog.per_example.setValue(1)
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    assert dialog.result["version"] == 2 and dialog.result["added"] == dialog.result["per_op"]["template"] > 0
    assert dialog.report_label.text().startswith("✓") and dialog.report.topLevelItemCount() == 1
    assert dialog.report.topLevelItem(0).text(1) == str(dialog.result["added"])
    info = engine.data.get("ads")
    assert info.version == 2 and info.count == 40 + dialog.result["added"]
    qtbot.waitUntil(lambda: page.current_info is not None and page.current_info.version == 2, timeout=10_000)


def test_augment_is_for_text_datasets_only(make_window, qtbot, tmp_path):
    from PIL import Image
    window = make_window()
    folder = tmp_path / "posters"
    folder.mkdir()
    for index in range(3):
        Image.new("RGB", (16, 16), (index * 60, 20, 200)).save(folder / f"p{index}.png")
        (folder / f"p{index}.txt").write_text(f"poster {index}", encoding="utf-8")
    job = window.engine.jobs.run("data.import", {"path": str(folder), "name": "posters", "format": "imagefolder"})
    assert job.state.value == "succeeded", job.error
    page = window.show_page("datasets")
    page.refresh()
    wait_ops(qtbot)
    assert page.current == "posters" and not page.augment_button.isEnabled()
