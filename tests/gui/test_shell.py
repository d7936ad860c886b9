"""The desktop shell: window, bridge, Op, status bar, settings, closing with running jobs."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QSplitter

from engine.jobs import job_kind
from tests.gui.conftest import wait_ops


@job_kind("test.gui_steps", title="GUI steps", resumable=True)
def _steps(ctx):
    for step in range(int(ctx.params.get("steps", 50))):
        ctx.check_cancelled()
        ctx.metric("loss", 1.0 / (step + 1), step)
        ctx.report((step + 1) / ctx.params.get("steps", 50), f"step {step + 1}")
        time.sleep(ctx.params.get("delay", 0.005))
    return {"steps": ctx.params.get("steps", 50)}


@job_kind("test.gui_boom", title="GUI boom")
def _boom(ctx):
    raise ValueError("column 'prompt' is empty on line 3")


def test_window_appears_without_torch_family():
    code = textwrap.dedent("""
        import os, sys, tempfile
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from desktop.app import build_window, create_app, parse_args
        from desktop.settings import Settings
        app = create_app()
        store = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat)
        window = build_window(parse_args(["--workspace", tempfile.mkdtemp()]), Settings(store))
        window.show()
        for _ in range(20):
            app.processEvents()
        heavy = [m for m in ("torch", "transformers", "diffusers", "peft", "accelerate") if m in sys.modules]
        print("visible" if window.isVisible() else "hidden", heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "visible []"


def test_bridge_delivers_engine_events_on_the_gui_thread(qtbot, eng):
    from desktop.bridge import JobBridge
    bridge = JobBridge()
    bridge.attach(eng)
    gui_thread = QThread.currentThread()
    seen = {"threads": set(), "metrics": [], "progress": [], "states": []}

    def on_metric(job_id, name, step, value):
        seen["threads"].add(QThread.currentThread() is gui_thread)
        seen["metrics"].append(step)

    bridge.metric.connect(on_metric)
    bridge.progress.connect(lambda job_id, fraction, message: seen["progress"].append(fraction))
    bridge.state_changed.connect(lambda job_id, state, data: seen["states"].append(state))
    job = eng.jobs.submit("test.gui_steps", {"steps": 40, "delay": 0})
    per_job = []
    bridge.for_job(job.id).metric.connect(lambda name, step, value: per_job.append(step))
    qtbot.waitUntil(lambda: "succeeded" in seen["states"], timeout=10_000)
    assert seen["threads"] == {True}
    assert seen["metrics"] == list(range(40))
    assert seen["progress"][-1] == 1.0  # coalesced, but the last value always arrives
    assert len(seen["progress"]) <= 40
    assert seen["states"][-1] == "succeeded"
    bridge.detach()


def test_a_row_opened_after_the_job_started_shows_it_running_without_a_fresh_read(qtbot, eng):
    """The row is built from an older snapshot (queued) after the bridge already delivered
    "running": it must show running at once, even when every background thread is busy."""
    from desktop.bridge import JobBridge, Op
    from desktop.widgets.job_row import JobRow
    bridge = JobBridge()
    bridge.attach(eng)
    job = eng.jobs.submit("test.gui_steps", {"steps": 400, "delay": 0.01})
    snapshot = eng.jobs.get(job.id)
    qtbot.waitUntil(lambda: (bridge.latest_state(job.id) or {}).get("state") == "running", timeout=10_000)
    snapshot.state = type(snapshot.state)("queued")
    release = threading.Event()
    owner = QObject()
    for _ in range(Op.pool().maxThreadCount()):
        Op(owner, release.wait, 30).run_in_background()
    try:
        row = JobRow(bridge, snapshot, compact=True)
        qtbot.addWidget(row)
        assert row.state == "running"
        row.cancel()
    finally:
        release.set()
    qtbot.waitUntil(lambda: eng.jobs.get(job.id).state.value == "cancelled", timeout=20_000)
    wait_ops(qtbot)
    bridge.detach()


def test_op_runs_off_the_gui_thread_and_reports_back(qtbot):
    from desktop.bridge import Op
    owner = QObject()
    gui = threading.get_ident()
    results, errors = [], []
    Op(owner, lambda: threading.get_ident()).success(results.append).run_in_background()
    Op(owner, lambda: 1 / 0).failure(lambda exc, details: errors.append((exc, details))).run_in_background()
    wait_ops(qtbot)
    assert results and results[0] != gui
    assert isinstance(errors[0][0], ZeroDivisionError) and "ZeroDivisionError" in errors[0][1]


def test_op_skips_callbacks_when_the_widget_is_gone(qtbot):
    from PySide6.QtWidgets import QWidget

    from desktop.bridge import Op
    widget = QWidget()
    called = []
    gate = threading.Event()
    Op(widget, gate.wait, 5).success(called.append).run_in_background()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(widget), timeout=2000)
    gate.set()
    wait_ops(qtbot)
    assert called == []


def test_window_opens_workspace_and_shows_device_and_jobs(make_window, qtbot):
    window = make_window()
    assert str(window.engine.root) in window.status.workspace_label.text()
    qtbot.waitUntil(lambda: "CPU" in window.status.device_label.text(), timeout=60_000)
    assert "GiB" in window.status.memory_label.text()
    job = window.engine.jobs.submit("test.gui_steps", {"steps": 400, "delay": 0.01})
    qtbot.waitUntil(lambda: job.id in window.status.active_jobs, timeout=5000)
    assert "1" in window.status.jobs_button.text()
    window.toggle_jobs()
    qtbot.waitUntil(lambda: job.id in window.jobs_panel.rows, timeout=5000)
    row = window.jobs_panel.rows[job.id]
    qtbot.waitUntil(lambda: row.bar.value() > 0, timeout=5000)
    row.cancel_button.click()
    qtbot.waitUntil(lambda: row.state == "cancelled", timeout=5000)
    assert row.resume_button.isVisible()
    row.resume_button.click()
    qtbot.waitUntil(lambda: len(window.jobs_panel.rows) == 2, timeout=5000)
    resumed = [r for r in window.jobs_panel.rows if r != job.id][0]
    qtbot.waitUntil(lambda: window.jobs_panel.rows[resumed].state in ("running", "succeeded"), timeout=5000)
    window.engine.jobs.cancel(resumed)
    qtbot.waitUntil(lambda: not window.status.active_jobs, timeout=5000)


def test_failed_job_shows_reason_in_window(make_window, qtbot):
    window = make_window()
    window.toggle_jobs()
    job = window.engine.jobs.submit("test.gui_boom", {})
    qtbot.waitUntil(lambda: job.id in window.jobs_panel.rows, timeout=5000)
    row = window.jobs_panel.rows[job.id]
    qtbot.waitUntil(lambda: row.state == "failed", timeout=5000)
    assert "column 'prompt' is empty on line 3" in row.message.text()


def test_error_dialog_has_reason_and_details(qtbot):
    from desktop.widgets.error_dialog import open_dialogs, show_error
    from engine.errors import UserError
    dialog = show_error(None, UserError("data.csv line 4: no 'output' column", hint="map a column to output"),
                        "Traceback ...")
    qtbot.addWidget(dialog)
    assert dialog.text() == "data.csv line 4: no 'output' column (map a column to output)"
    assert dialog.detailedText() == "Traceback ..."
    assert dialog in open_dialogs
    dialog.accept()
    assert dialog not in open_dialogs


def test_workspace_that_cannot_open_explains_why(make_window, qtbot, tmp_path, settings):
    from desktop.app import build_window, parse_args
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    window = build_window(parse_args(["--workspace", str(blocker), "--lang", "en"]), settings)
    qtbot.addWidget(window)
    window.show()
    failures = []
    window.engine_failed.connect(failures.append)
    window.open_workspace()
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert "is a file, not a folder" in failures[0]
    assert "is a file" in window.pages["datasets"].loading.text.text()
    from desktop.widgets.error_dialog import open_dialogs
    for dialog in list(open_dialogs):
        dialog.accept()


def test_settings_persist_and_geometry_restores(make_window, qtbot, settings):
    settings.device = "cpu"
    settings.theme = "dark"
    import os
    assert os.environ["AIGC_DEVICE"] == "cpu"
    window = make_window()
    window.resize(790, 760)
    saved = (window.width(), window.height())
    assert saved[1] == 760
    window.settings.save_window(window.saveGeometry(), window.saveState())
    from desktop.app import build_window, parse_args
    again = build_window(parse_args(["--workspace", str(window.engine.root)]), settings)
    qtbot.addWidget(again)
    screen = again.screen().availableGeometry()
    assert again.height() == saved[1] and again.width() == min(saved[0], screen.width() - 2)
    assert settings.theme == "dark" and settings.device == "cpu"
    settings.theme = "light"


def test_docks_and_splitters_come_back_where_they_were_left(make_window, qtbot, settings):
    window = make_window()
    window.jobs_panel.show()
    splitter = window.pages["training"].findChildren(QSplitter)[0]
    splitter.setSizes([380, 900])
    left = splitter.sizes()[0]
    window.save_layout()
    from desktop.app import build_window, parse_args
    again = build_window(parse_args(["--workspace", str(window.engine.root)]), settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(50)
    assert again.jobs_panel.isVisible()
    assert abs(again.pages["training"].findChildren(QSplitter)[0].sizes()[0] - left) <= 2


def test_closing_with_running_job_asks_and_leaves_it_resumable(make_window, qtbot):
    window = make_window()
    engine = window.engine
    job = engine.jobs.submit("test.gui_steps", {"steps": 10**6, "delay": 0.01})  # never ends alone
    qtbot.waitUntil(lambda: engine.jobs.get(job.id).state.value == "running", timeout=5000)
    window.close()   # the running jobs are looked up off the GUI thread, then asked about without blocking
    qtbot.waitUntil(lambda: getattr(window, "jobs_question", None) is not None and window.jobs_question.isVisible(),
                    timeout=10_000)
    window.jobs_question.button(QMessageBox.StandardButton.No).click()
    assert window.isVisible() and window.engine is engine
    window.close()
    qtbot.waitUntil(lambda: window.jobs_question.isVisible(), timeout=10_000)
    window.jobs_question.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    from engine.api import Engine
    reopened = Engine.open(engine.root)
    try:
        stopped = reopened.jobs.get(job.id)
        assert stopped.state.value == "cancelled" and stopped.resumable
        resumed = reopened.jobs.resume(job.id)
        assert resumed.resumed_from == job.id
        reopened.jobs.cancel(resumed.id)
    finally:
        reopened.close()


def test_a_load_still_running_when_the_window_closes_shows_no_error_and_lets_it_close(make_window, qtbot):
    """A page's load that reaches the database after the workspace closed has nobody to answer: an
    error dialog for it would be the last visible window and keep the program from ending."""
    import threading

    from PySide6.QtWidgets import QApplication

    from desktop.bridge import Op
    window = make_window()
    engine = window.engine
    closed = threading.Event()
    late = Op(window, lambda: (closed.wait(30), engine.tasks.list())).run_in_background()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    closed.set()
    qtbot.waitUntil(lambda: late not in Op._running, timeout=30_000)
    qtbot.wait(100)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorDialog" and w.isVisible()]
    assert not dialogs, [d.text() for d in dialogs]


def test_keyboard_shortcuts_switch_tabs(make_window, qtbot):
    from PySide6.QtCore import Qt
    window = make_window()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages["training"]
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages["models"]


def test_selftest_flag_runs_headless():
    out = subprocess.run([sys.executable, "-m", "desktop", "--selftest"], capture_output=True, text=True,
                         timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    import json
    report = json.loads(out.stdout.strip().splitlines()[-1])   # the JSON report is always the last line
    assert report["checks"] and out.returncode == (0 if report["ok"] else 1), out.stderr[-2000:]
    assert "selftest: workspace ok" in out.stderr


def test_chinese_interface_is_translated(make_window):
    window = make_window(lang="zh_CN")
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["任务", "数据集", "训练", "生成", "审核", "模型", "监控"]
    assert window.status.jobs_button.text() == "没有运行中的作业"


def test_every_interface_string_has_a_chinese_translation():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(root / "resources/i18n/build.py"), "--check"],
                         capture_output=True, text=True, timeout=120, cwd=root)
    assert out.returncode == 0, out.stderr
