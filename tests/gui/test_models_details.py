"""Models tab: the selected model's size, parameters, dtype, context and licence; rename; open its folder;
use it in Generation and Training."""
from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog

from tests.gui.conftest import add_text_dataset, import_model, wait_ops


def select(page, name):
    for index in range(page.tree.topLevelItemCount()):
        item = page.tree.topLevelItem(index)
        if item.data(0, Qt.ItemDataRole.UserRole).name == name:
            page.tree.setCurrentItem(item)
            return item
    raise AssertionError(name)


def test_details_rename_open_and_use(make_window, qtbot, tiny_text_dir, tmp_path, monkeypatch):
    folder = tmp_path / "llama"
    shutil.copytree(tiny_text_dir, folder)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n", encoding="utf-8")
    window = make_window()
    engine = window.engine
    import_model(engine, folder, "tiny-llama", "text")
    add_text_dataset(engine)
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    select(page, "tiny-llama")
    wait_ops(qtbot)
    facts = {key: label.text() for key, label in page.details.facts.items()}
    details = engine.models.details("tiny-llama")
    assert facts["weights"] == "float32" and facts["license"] == "apache-2.0"
    assert facts["context"] == f"{details['context_length']:,} tokens"
    assert facts["parameters"] not in ("", "—") and "files" in facts["size"]

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page.details.folder_button.click()
    assert opened == [str(folder)]

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("tiny base", True))
    page.details.rename_button.click()
    wait_ops(qtbot)
    assert engine.models.get("tiny base").path == str(folder)
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 1 and
                    page.tree.topLevelItem(0).text(0).startswith("tiny base"), timeout=10_000)

    select(page, "tiny base")
    page.details.generate_button.click()
    wait_ops(qtbot)
    generation = window.pages["generation"]
    assert window.nav.currentRow() == list(window.pages).index("generation")
    assert generation.modes.currentWidget() is generation.text and generation.text.model.currentData() == "tiny base"

    page = window.show_page("models")
    select(page, "tiny base")
    page.details.train_button.click()
    wait_ops(qtbot)
    training = window.pages["training"]
    assert window.nav.currentRow() == list(window.pages).index("training")
    assert training.model_box.currentData() == "tiny base"


def test_the_kind_and_fingerprint_columns_are_never_cut_short(make_window, qtbot, tiny_image_dir):
    window = make_window()
    import_model(window.engine, tiny_image_dir, "tiny-sd", "image")
    page = window.show_page("models")
    page.refresh()
    wait_ops(qtbot)
    assert page.tree.topLevelItem(0).text(1) == "Image base model"
    for column in (1, 3):
        assert page.tree.columnWidth(column) >= page.tree.sizeHintForColumn(column), column
