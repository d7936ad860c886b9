"""In the Chinese window, what the engine says about a job (progress, the last status line, errors)
is Chinese: jobs run on the window's thread and in worker processes alike."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.gui.conftest import add_text_dataset, import_model, wait_ops
from tests.gui.test_datasets_tab import write_csv

CATALOG = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "engine_zh_CN.json"
KEEP = {"JSON", "CSV", "LoRA", "QLoRA", "GGUF", "UTF", "GPU", "CUDA", "CPU", "MiB", "MB", "llama", "cpp"}


def catalog_words() -> set[str]:
    """The English words of the engine's own messages (placeholders and product terms left out)."""
    words = set()
    for english in json.loads(CATALOG.read_text(encoding="utf-8")):
        text = re.sub(r"\{[^}]*\}", " ", english)
        words.update(w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in KEEP)
    return words


def english_in(messages, words) -> list[str]:
    """The messages holding a word of ours in English (file names such as 坏.jsonl are the user's)."""
    return [m for m in messages if set(re.findall(r"[A-Za-z]{3,}", re.sub(r"\S*\.jsonl?|\S*\.csv", "", m))) & words]


def collect_progress(window) -> list[str]:
    seen: list[str] = []
    window.bridge.progress.connect(lambda job_id, fraction, message: seen.append(message))
    return seen


def test_a_dataset_import_reports_in_chinese(make_window, qtbot, tmp_path):
    window = make_window(lang="zh_CN")
    seen = collect_progress(window)
    page = window.show_page("datasets")
    dialog = page.open_import(str(write_csv(tmp_path / "客服.csv", rows=2500)))
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
    for column, target in (("问题", "instruction"), ("回答", "output"), ("类别", "label")):
        box = dialog.mapping_boxes[column]
        box.setCurrentIndex(box.findData(target))
    wait_ops(qtbot)
    dialog.name.setText("客服")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=60_000)
    wait_ops(qtbot)
    assert "已导入 2,500 条样本" in seen, seen
    row = next(iter(window.jobs_panel.rows.values()))
    qtbot.waitUntil(lambda: row.state == "succeeded", timeout=10_000)
    assert row.message.text() == "已导入 2,500 条样本"
    # a split with too few records says why in Chinese (its last word, not "writing the new version")
    window.engine.data.add_examples("小", [{"instruction": "问", "output": "答"}] * 3, "测试", modality="text")
    job = window.engine.jobs.wait(window.engine.data.split("小", val=0.1, test=0.1).id)
    qtbot.waitUntil(lambda: job.id in window.jobs_panel.rows, timeout=10_000)
    split_row = window.jobs_panel.rows[job.id]
    qtbot.waitUntil(lambda: split_row.state == "succeeded", timeout=10_000)
    assert split_row.message.text().startswith("未生成新版本"), split_row.message.text()
    words = catalog_words()
    assert not english_in(seen + [row.message.text(), split_row.message.text()], words)


def test_a_failed_job_explains_itself_in_chinese(make_window, qtbot, tmp_path):
    window = make_window(lang="zh_CN")
    bad = tmp_path / "坏.jsonl"
    bad.write_text('{"instruction": "问", "output": "答"}\n{"instruction": \n', encoding="utf-8")
    job = window.engine.jobs.wait(window.engine.data.import_file(str(bad), "坏").id)
    assert job.state.value == "failed"
    assert job.error.startswith("坏.jsonl 第 2 行：不是有效的 JSON"), job.error
    assert "跳过坏行" in job.error and "--" not in job.error
    library_words = {"Expecting", "value"}    # Python's own JSON reason, quoted as it is
    assert not english_in([job.error], catalog_words() - library_words)


@pytest.mark.slow
def test_a_training_run_in_a_worker_process_reports_in_chinese(make_window, qtbot, tiny_text_dir):
    window = make_window(lang="zh_CN")
    seen = collect_progress(window)
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(window.engine)
    page = window.show_page("training")
    page.refresh()
    wait_ops(qtbot)
    qtbot.waitUntil(lambda: page.preflight.text().startswith("✓"), timeout=60_000)
    page.steps.setValue(4)
    page.batch.setValue(2)
    page.max_length.setValue(32)
    page.start()
    qtbot.waitUntil(lambda: page.current_job is not None, timeout=10_000)
    qtbot.waitUntil(lambda: page.current_row.state in ("succeeded", "failed"), timeout=180_000)
    assert page.current_row.state == "succeeded", window.engine.jobs.get(page.current_job).error
    assert any(re.fullmatch(r"第 \d+/4 步 损失 \d+\.\d{4}", m) for m in seen), seen
    assert "正在载入模型" in seen and page.current_row.message.text() == "训练完成"
    assert not english_in(seen, catalog_words())
