"""The first day of a new user, through the window only: from an empty workspace, load the samples,
import a CSV, train 20 steps, generate with the new adapter, send the output to review, approve it and
add it to the task's dataset. In English and in Chinese; in Chinese every label on the way is Chinese."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QTableView, QTableWidget, QWidget)

from tests.gui.conftest import wait_ops

ROWS = [("Write a one-line ad for the Aurora water bottle", "Aurora keeps your tea hot from dawn to dusk."),
        ("Write a one-line ad for Echo headphones", "Echo: silence the train, hear the song."),
        ("Write a one-line ad for a leather tote", "One tote, every meeting, all week."),
        ("Write a one-line ad for a desk lamp", "Light that follows your late ideas."),
        ("Write a one-line ad for running shoes", "Lighter steps, longer runs."),
        ("Write a one-line ad for a rice cooker", "Perfect rice while you answer email.")]

# words of our own that stay as they are in Chinese: names, units, formats
KEPT = {"lora", "csv", "json", "jsonl", "xlsx", "tsv", "txt", "zip", "gguf", "gib", "mib", "id", "ok", "top-p",
        "ctrl", "enter", "esc", "alt", "aigc", "workbench", "utf-8", "gb18030", "v", "png", "cpu", "gpu", "fp16",
        "bf16", "lr", "x",
        "pytorch", "llama.cpp"}   # product names, like the model and file names


# -- driving widgets as a person does --------------------------------------------------
def click(qtbot, widget) -> None:
    qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=60_000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def go_to(qtbot, window, key: str):
    """Click the section in the sidebar."""
    row = list(window.pages).index(key)
    nav = window.nav
    rect = nav.visualItemRect(nav.item(row))
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.pages[key]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=5_000)
    return page


def type_into(qtbot, field, text: str, enter: bool = False) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def choose(qtbot, combo: QComboBox, data) -> None:
    """Open the drop-down and click the entry carrying ``data``."""
    qtbot.waitUntil(lambda: combo.findData(data) >= 0 and combo.isEnabled(), timeout=60_000)
    index = combo.findData(data)
    if combo.currentIndex() == index:
        return
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    model_index = view.model().index(index, combo.modelColumn())
    view.scrollTo(model_index)
    rect = view.visualRect(model_index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: combo.currentIndex() == index, timeout=5_000)


def wait(qtbot, condition, shown, timeout: int) -> None:
    """Wait for what the user would see; on a timeout, say what was shown instead."""
    try:
        qtbot.waitUntil(condition, timeout=timeout)
    except Exception:
        dialogs = [w.text() for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "text")]
        raise AssertionError(f"shown instead: {shown()!r}; dialogs: {dialogs}") from None


# -- what a Chinese user sees --------------------------------------------------------
def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every label, button, group title, placeholder and header visible under root."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root.window()) or not widget.isVisible():
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel) and not widget.pixmap().isNull():
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((name, widget.text()))
            if widget.toolTip():
                found.append((name + " tooltip", widget.toolTip()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)) and not (
                widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()):
            found.append((name + " placeholder", widget.placeholderText()))
        if isinstance(widget, QComboBox):
            found.append((name + " choice", widget.currentText()))
        if isinstance(widget, QListWidget):
            found += [(name + " item", widget.item(r).text()) for r in range(widget.count())]
        if isinstance(widget, (QTableView, QTableWidget)) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                found.append((name + " header", str(model.headerData(column, Qt.Orientation.Horizontal) or "")))
    return found


def english_left(root: QWidget, data_words: set[str]) -> list[tuple[str, str]]:
    """Texts with English words and no Chinese: words from the data (names, contents) and KEPT are fine."""
    left = []
    for where, whole in visible_texts(root):
        for text in re.split(r" · |\n|；|; ", re.sub(r"<[^>]+>", " ", whole or "").replace("&", "")):
            if not re.search(r"[\u4e00-\u9fff]", text) and english_words(text, data_words):
                left.append((where, text))
    return left


def english_words(text: str, data_words: set[str]) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", text)]
    return [w for w in words if w.strip(".-") not in KEPT and w.strip(".-") not in data_words
            and not re.fullmatch(r"v\d+", w)]   # a version number


def assert_chinese(page: QWidget, data_words: set[str], lang: str) -> None:
    """Chinese: nothing English is left. English: the same look finds English, so the check can fail."""
    if lang == "zh_CN":
        assert english_left(page, data_words) == []
    else:
        assert english_left(page, data_words)


# -- the walk-through ---------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_first_day_from_an_empty_workspace(make_window, qtbot, tmp_path, lang):
    window = make_window(lang=lang)
    window.resize(1400, 900)
    data_words: set[str] = set()

    # 1. the empty workspace greets the user; load the samples
    qtbot.waitUntil(lambda: window.welcome is not None and window.welcome.isVisible(), timeout=10_000)
    assert_chinese(window.welcome, data_words, lang)
    click(qtbot, window.welcome.samples_button)
    datasets = go_to(qtbot, window, "datasets")
    qtbot.waitUntil(lambda: datasets.list.count() >= 5, timeout=120_000)
    wait_ops(qtbot)
    names = [datasets.list.item(r).data(Qt.ItemDataRole.UserRole).name for r in range(datasets.list.count())]
    assert "ad-copy" in names

    # 2. import a CSV through the import dialog
    source = tmp_path / "walk-ads.csv"
    source.write_text("instruction,output\n" + "".join(f'"{p}","{o}"\n' for p, o in ROWS), encoding="utf-8")
    click(qtbot, datasets.import_button)
    qtbot.waitUntil(lambda: getattr(datasets, "import_dialog", None) is not None and
                    datasets.import_dialog.isVisible(), timeout=5_000)
    dialog = datasets.import_dialog
    type_into(qtbot, dialog.path, str(source), enter=True)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(ROWS), timeout=60_000)
    assert dialog.mapping_boxes["instruction"].currentData() == "instruction"
    assert dialog.mapping_boxes["output"].currentData() == "output"
    assert dialog.format.currentData() == "auto" and dialog.format.currentText() != "auto"
    type_into(qtbot, dialog.name, "walk-ads")
    data_words |= {"walk-ads", "instruction", "output"} | {w.lower() for p, o in ROWS
                                                             for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", p + o)}
    assert_chinese(dialog, data_words, lang)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: datasets.current == "walk-ads" or any(
        datasets.list.item(r).data(Qt.ItemDataRole.UserRole).name == "walk-ads"
        for r in range(datasets.list.count())), timeout=60_000)
    row = next(r for r in range(datasets.list.count())
               if datasets.list.item(r).data(Qt.ItemDataRole.UserRole).name == "walk-ads")
    rect = datasets.list.visualItemRect(datasets.list.item(row))
    qtbot.mouseClick(datasets.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: datasets.model.rowCount() == len(ROWS), timeout=30_000)
    assert datasets.model.rows[0]["instruction"] == ROWS[0][0]
    wait_ops(qtbot)
    data_words |= {n.lower() for n in names} | {"starter-text", "starter-image"}
    assert_chinese(datasets, data_words, lang)

    # 3. train 20 steps on it, naming the adapter
    training = go_to(qtbot, window, "training")
    choose(qtbot, training.model_box, "starter-text")
    choose(qtbot, training.data_box, "walk-ads")
    type_into(qtbot, training.output_name, "walk-adapter")
    click(qtbot, training.advanced_toggle)
    type_into(qtbot, training.steps, "20")
    type_into(qtbot, training.batch, "2")
    data_words |= {"walk-adapter"}
    qtbot.waitUntil(lambda: training.preflight.text().startswith("✓"), timeout=60_000)
    click(qtbot, training.start_button)
    qtbot.waitUntil(lambda: training.current_row is not None, timeout=30_000)
    qtbot.waitUntil(lambda: training.current_row.state in ("succeeded", "failed", "cancelled"), timeout=300_000)
    assert training.current_row.state == "succeeded", training.current_row.message.text()
    summary = "Finished · 20 steps" if lang == "en" else "已完成 · 20 步"
    wait(qtbot, lambda: training.monitor.stats.text().startswith(summary), training.monitor.stats.text, 30_000)
    qtbot.waitUntil(lambda: training.runs_list.count() >= 1, timeout=30_000)
    wait_ops(qtbot)
    assert_chinese(training, data_words | {w.lower() for r in range(training.runs_list.count())
                                           for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*",
                                                               training.runs_list.item(r).text())}, lang)

    # 4. generate with the new adapter, for the ad-copy task, and send the output to review
    generation = go_to(qtbot, window, "generation")
    panel = generation.text
    choose(qtbot, panel.model, "starter-text")
    choose(qtbot, panel.adapter, "walk-adapter")
    qtbot.waitUntil(lambda: panel.task.findData("ad-copy") >= 0, timeout=30_000)
    choose(qtbot, panel.task, "ad-copy")
    type_into(qtbot, panel.max_tokens, "24")
    panel.prompt.setFocus()
    qtbot.keyClicks(panel.prompt, "Write a one-line ad for a rice cooker")
    click(qtbot, panel.generate_button)
    qtbot.waitUntil(lambda: panel.review_buttons[0].isEnabled(), timeout=180_000)
    generated = panel.outputs[0].toPlainText()
    assert generated.strip()
    said = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", generated + " Write a one-line ad for a rice cooker")}
    assert_chinese(generation, data_words | said, lang)
    click(qtbot, panel.review_buttons[0])
    qtbot.waitUntil(lambda: panel.speed.text() != "" and not panel.review_buttons[0].isEnabled(), timeout=30_000)
    wait_ops(qtbot)

    # 5. approve it in Review and add it to the ad-copy dataset
    review = go_to(qtbot, window, "review")
    choose(qtbot, review.task_filter, "ad-copy")
    qtbot.waitUntil(lambda: review.queue.count() == 1, timeout=30_000)
    first = review.queue.item(0)
    qtbot.mouseClick(review.queue.viewport(), Qt.MouseButton.LeftButton,
                     pos=review.queue.visualItemRect(first).center())
    assert review.output.toPlainText() == generated
    ad_copy_before = window.engine.data.get("ad-copy").count
    click(qtbot, review.approve_button)
    approved = review.status_filter.findData("approved")
    choose(qtbot, review.status_filter, "approved")
    qtbot.waitUntil(lambda: review.queue.count() == 1, timeout=30_000)
    assert "ad-copy" in review.feedback_button.text()
    click(qtbot, review.feedback_button)
    added = "1 example(s) added to “ad-copy”" if lang == "en" else "已向“ad-copy”添加 1 条样本"
    wait(qtbot, lambda: added in review.message.text(), lambda: review.message.text(), 30_000)
    wait_ops(qtbot)
    assert approved >= 0
    assert_chinese(review, data_words | said, lang)

    # 6. the Datasets tab shows the example in ad-copy's new version
    datasets = go_to(qtbot, window, "datasets")
    qtbot.waitUntil(lambda: any(
        datasets.list.item(r).data(Qt.ItemDataRole.UserRole).name == "ad-copy" and
        datasets.list.item(r).data(Qt.ItemDataRole.UserRole).count == ad_copy_before + 1
        for r in range(datasets.list.count())), timeout=30_000)


def test_run_durations_are_said_in_the_interface_language(qtbot):
    from desktop import i18n
    from desktop.tabs.training_monitor import duration
    app = QApplication.instance()
    assert [duration(s) for s in (5, 93, 3720)] == ["5s", "1m 33s", "1h 02m"]
    i18n.install(app, "zh_CN")
    try:
        assert [duration(s) for s in (5, 93, 3720)] == ["5 秒", "1 分 33 秒", "1 小时 02 分"]
    finally:
        i18n.install(app, "en")
