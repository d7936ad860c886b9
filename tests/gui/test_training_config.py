"""Training as kohya_ss and LlamaBoard users expect it: length in epochs, a config saved and loaded as the
run's typed config, and the aigc train command that starts the same run (parsed back by the real CLI)."""
from __future__ import annotations

import json
import shlex

from PySide6.QtWidgets import QApplication, QFileDialog

from engine.cli import build_parser, hoist_global_options
from engine.cli.models import text_config_from_args
from tests.gui.conftest import wait_ops
from tests.gui.test_training_tab import open_training


def shown_config(page):
    argv = shlex.split(page.config_tools.command.toPlainText())
    assert argv[:3] == ["aigc", "--workspace", str(page.engine.root)] and argv[3] == "train"
    args = build_parser().parse_args(hoist_global_options(argv[1:]))
    return args, text_config_from_args(args)


def test_epochs_command_save_and_load(make_window, qtbot, tiny_text_dir, tmp_path, monkeypatch):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    tools = page.config_tools
    assert not tools.command.isVisible()
    tools.command_button.click()
    wait_ops(qtbot)
    args, config = shown_config(page)
    assert config == {k: v for k, v in page.text_config().items() if v is not None}
    assert config["max_steps"] == 30 and "epochs" not in config

    # epochs instead of steps: the command follows the form
    form = page.form
    page.advanced_toggle.setChecked(True)
    form.length_unit.setCurrentIndex(form.length_unit.findData("epochs"))
    assert form.epochs.isVisible() and not page.steps.isVisible()
    form.epochs.setValue(0.2)
    page.output_name.setText("ads by epoch")
    qtbot.waitUntil(lambda: "--epochs 0.2" in tools.command.toPlainText(), timeout=10_000)
    wait_ops(qtbot)
    args, config = shown_config(page)
    assert config["epochs"] == 0.2 and "max_steps" not in config and config["output_name"] == "ads by epoch"
    tools.copy_button.click()
    assert QApplication.clipboard().text() == tools.command.toPlainText()

    # save: the typed config, defaults filled in
    saved = tmp_path / "ads.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    tools.save_button.click()
    wait_ops(qtbot)
    typed = json.loads(saved.read_text(encoding="utf-8"))
    assert typed["epochs"] == 0.2 and typed["max_steps"] is None and typed["warmup_ratio"] == 0.03

    # load brings it back after the form changed; a field without a box is kept and named
    page.apply_preset("balanced")
    assert not form.by_epochs() and page.steps.value() == 200
    typed["warmup_steps"] = 3
    saved.write_text(json.dumps(typed), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    tools.load_button.click()
    wait_ops(qtbot)
    assert form.by_epochs() and form.epochs.value() == 0.2 and page.output_name.text() == "ads by epoch"
    assert page.lr.value() == typed["learning_rate"] and page.rank.value() == typed["lora_r"]
    assert "warmup_steps" in tools.note.text() and page.text_config()["warmup_steps"] == 3
    qtbot.waitUntil(lambda: "--warmup-steps 3" in tools.command.toPlainText(), timeout=10_000)

    # the run starts with that config: by epochs
    page.max_length.setValue(32)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.current_job is not None, timeout=10_000)
    job = window.engine.jobs.wait(page.current_job, timeout=240)
    assert job.state.value == "succeeded", job.error
    [run] = [r for r in window.engine.text.runs() if r["job_id"] == job.id]
    assert run["config"]["epochs"] == 0.2 and run["config"]["max_steps"] is None
    assert run["config"]["warmup_steps"] == 3 and run["total_steps"] >= 1


def test_a_bad_config_file_is_refused_with_its_name(make_window, qtbot, tiny_text_dir, tmp_path, monkeypatch):
    window, page = open_training(make_window, qtbot, tiny_text_dir)
    bad = tmp_path / "broken.json"
    bad.write_text('{"model": "tiny-llama", "data": "ads", "lora_r": 8, "colour": "red"}', encoding="utf-8")
    shown = []
    monkeypatch.setattr("desktop.widgets.error_dialog.show_error", lambda parent, exc, details=None: shown.append(exc))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    steps = page.steps.value()
    page.config_tools.load_button.click()
    wait_ops(qtbot)
    assert len(shown) == 1 and "broken.json" in str(shown[0]) and "colour" in str(shown[0])
    assert page.steps.value() == steps
