"""GUI fixtures: an isolated settings file, the real main window on a fresh workspace."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

pytestmark = pytest.mark.gui


@pytest.fixture
def settings(tmp_path):
    from desktop.settings import Settings
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def wait_ops(qtbot, timeout=30_000):
    from desktop.bridge import Op
    qtbot.waitUntil(lambda: Op.pending() == 0, timeout=timeout)


@pytest.fixture
def make_window(qtbot, settings, workspace_dir):
    """Build the main window (language/theme as asked), open the workspace, wait until ready."""
    windows = []

    def make(lang="en", samples=False, workspace=None):
        from desktop.app import build_window, create_app, parse_args
        create_app()
        argv = ["--workspace", str(workspace or workspace_dir), "--lang", lang, "--theme", "light"]
        if samples:
            argv.append("--samples")
        window = build_window(parse_args(argv), settings)
        qtbot.addWidget(window)
        window.show()
        window.open_workspace()
        qtbot.waitUntil(lambda: window.engine is not None, timeout=30_000)
        wait_ops(qtbot)
        windows.append(window)
        return window

    yield make
    from desktop.bridge import Op
    for window in windows:
        engine = window.engine
        window._closing = True
        if engine is not None:
            window.bridge.detach()
            wait_ops(qtbot, timeout=60_000)   # a refresh still reading the database must not meet a closed one
            engine.close()
            window.engine = None
    qtbot.waitUntil(lambda: Op.pending() == 0, timeout=60_000)
    import gc
    from shiboken6 import isValid
    for window in windows:
        if isValid(window):
            window.close()
            window.deleteLater()
    qtbot.wait(10)
    gc.collect()  # widgets die here, on the GUI thread, never on a job worker
    from desktop import i18n
    from PySide6.QtWidgets import QApplication
    i18n.install(QApplication.instance(), "en")


import sys as _sys
from pathlib import Path as _Path

_TESTS = _Path(__file__).resolve().parents[1]
for _folder in (_TESTS, _TESTS / "text"):
    if str(_folder) not in _sys.path:
        _sys.path.insert(0, str(_folder))


@pytest.fixture(scope="session")
def tiny_text_dir(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("gui-text") / "llama", make_tokenizer())


@pytest.fixture(scope="session")
def tiny_image_dir(tmp_path_factory):
    from image.tiny import build_tiny_sd
    return build_tiny_sd(tmp_path_factory.mktemp("gui-image") / "pipeline")


def import_model(engine, path, name, kind):
    job = engine.jobs.run("models.import", {"path": str(path), "name": name, "kind": kind, "copy": False})
    assert job.state.value == "succeeded", job.error
    return engine.models.get(name)


def add_text_dataset(engine, name="ads", rows=24):
    examples = [{"instruction": f"Write an ad for product {i}", "output": f"Product {i} makes mornings easy."}
                for i in range(rows)]
    return engine.data.add_examples(name, examples, "test data", modality="text")
