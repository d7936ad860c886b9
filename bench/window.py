"""Start-up of the window: from launching the process to the main window painted, beside the floor
any PySide6 program pays (a bare QMainWindow in a fresh Python).

Each side is a fresh ``python`` process (offscreen platform), started alternately; the time runs
from just before the launch to the first paint of the window, and for ours also to the workspace
being open. Target: the window shown in under 1.5 s.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT

_CHILD = r"""
import os, sys, time, tempfile
started = float(sys.argv[1]); side = sys.argv[2]
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
marks = {}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "shown" not in marks:
            marks["shown"] = time.time() - started
        return False
def finish():
    print(__import__("json").dumps({k: round(v, 3) for k, v in marks.items()}), flush=True)
    QApplication.instance().quit()
if side == "baseline":
    app = QApplication(sys.argv[:1])
    window = QMainWindow(); window.setCentralWidget(QLabel("hello")); window.resize(1280, 800)
    spy = FirstPaint(); window.centralWidget().installEventFilter(spy)
    window.show()
    QTimer.singleShot(0, lambda: QTimer.singleShot(50, finish))
else:
    import engine
    from desktop.app import build_window, create_app, parse_args
    from desktop.settings import Settings
    app = create_app()
    store = QSettings(os.path.join(tempfile.mkdtemp(), "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(parse_args(["--workspace", sys.argv[3], "--lang", "en"]), Settings(store))
    spy = FirstPaint(); window.installEventFilter(spy)
    for child in window.findChildren(QObject):
        if hasattr(child, "installEventFilter"):
            child.installEventFilter(spy)
    window.show()
    window.open_workspace()
    def poll():
        if window.engine is not None and "shown" in marks:
            marks["workspace_open"] = time.time() - started
            finish()
        else:
            QTimer.singleShot(10, poll)
    poll()
app.exec()
"""


def _launch(side: str, workspace: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    started = time.time()
    proc = subprocess.run([sys.executable, "-c", _CHILD, repr(started), side, workspace], env=env,
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"{side} window did not start: {proc.stderr.strip()[-400:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench(quick: bool, work: Path) -> dict:
    workspace = tempfile.mkdtemp(prefix="window-", dir=work)
    _launch("ours", workspace)  # warm-up: first start builds the workspace and fills the OS file cache
    _launch("baseline", workspace)
    ours, base = [], []
    for _ in range(2 if quick else 5):
        ours.append(_launch("ours", workspace))
        base.append(_launch("baseline", workspace))
    shown = sorted(r["shown"] for r in ours)[len(ours) // 2]
    floor = sorted(r["shown"] for r in base)[len(base) // 2]
    return {"name": "window_shown", "unit": "s", "ours": shown, "baseline": floor, "ratio": floor / shown,
            "higher_is_better": False,
            "details": {"target_s": 1.5, "meets_target": shown < 1.5,
                        "workspace_open_s": sorted(r["workspace_open"] for r in ours)[len(ours) // 2],
                        "runs": {"ours": ours, "baseline": base},
                        "baseline_is": "a bare PySide6 QMainWindow in a fresh Python process (the floor)"}}
