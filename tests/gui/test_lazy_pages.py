"""Pages are built the first time they are shown or asked for; everything that reaches into a page
still works before then (menus, Ctrl+1..7, Esc, refreshes, job notices, closing)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def test_start_builds_only_the_first_page_and_no_chart_library():
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
        print(sorted(window.pages.built()), "pyqtgraph" in sys.modules, window.nav.count(),
              window.menus.view_menu.actions()[2].text())
        window.pages["training"]
        print(sorted(window.pages.built()), "pyqtgraph" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, after = out.stdout.strip().splitlines()[-2:]
    assert first == "['tasks'] False 7 Training"
    assert after == "['tasks', 'training'] True"


def test_pages_built_later_meet_the_open_workspace(make_window, qtbot):
    window = make_window()
    assert list(window.pages.built()) == ["tasks"]
    window.refresh_all()                     # refreshes and job notices leave unbuilt pages alone
    window._notify_pages("x", "data.import", "succeeded")
    assert list(window.pages.built()) == ["tasks"]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    models = window.pages.loaded("models")
    assert models is not None and window.stack.currentWidget() is models
    assert models.available() and models.engine is window.engine
    assert window.nav.currentRow() == 5 and window.stack.count() == 7
    assert window.pages["review"].available()   # asked for, not shown: built all the same
    assert window.stack.currentWidget() is models
    assert list(window.pages) == ["tasks", "datasets", "training", "generation", "review", "models", "monitor"]
