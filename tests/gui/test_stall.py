"""The GUI thread's longest stall while a training job runs (reported, not asserted: bench/)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.gui.conftest import add_text_dataset, import_model

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_gui_stall.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_gui_stall", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_heartbeat_keeps_beating_while_training(make_window, tiny_text_dir, capsys):
    window = make_window()
    import_model(window.engine, tiny_text_dir, "tiny-llama", "text")
    add_text_dataset(window.engine)
    result = load_bench().measure(window, QApplication.instance(), seconds=4)
    with capsys.disabled():
        print("\nGUI stall while training:", json.dumps(result))
    assert result["training"]["beats"] > 50          # the timer kept firing throughout
    assert result["loss_points_drawn"] >= 2          # and the run really trained meanwhile
