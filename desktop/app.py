"""Start AIGC Workbench: ``aigc-workbench`` / ``python -m desktop``.

    --workspace PATH   open this workspace (default: $AIGC_WORKBENCH_HOME, then the last one, else the user
                       data folder)
    --samples          load the sample content into the workspace on first open
    --lang en|zh_CN    interface language for this run (default: the saved setting)
    --selftest         run the offline self-test headless and exit 0 (passed) or 1
"""
from __future__ import annotations

import argparse
import json
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aigc-workbench", description="AIGC Workbench desktop application")
    parser.add_argument("--workspace", help="workspace folder to open")
    parser.add_argument("--samples", action="store_true", help="load the sample content on first open")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="interface language for this run")
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme for this run")
    parser.add_argument("--selftest", action="store_true", help="run the offline self-test and exit")
    return parser.parse_args(argv)


def run_selftest() -> int:
    """Headless: no window, a JSON report on stdout, progress on stderr."""
    import engine  # noqa: F401 - offline switches first
    from engine.selftest import run_selftest as run
    report = run(progress=lambda text: print(text, file=sys.stderr, flush=True))
    print(json.dumps(report, ensure_ascii=False))
    return 0 if report["ok"] else 1


def create_app(argv: list[str] | None = None):
    """The QApplication with name, style and translators (shared with tests and screenshots)."""
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1] if argv is None else argv)
    app.setApplicationName("AIGC Workbench")
    app.setOrganizationName("AIGC Workbench")
    app.setApplicationDisplayName("AIGC Workbench")
    collect_garbage_on_gui_thread(app)
    from desktop.widgets import wheel_guard
    wheel_guard.install(app)
    return app


def collect_garbage_on_gui_thread(app) -> None:
    """Python's cycle collector may otherwise run on a job worker thread and destroy a
    widget there, which deadlocks Qt against the GIL; collect on the GUI thread instead."""
    if getattr(app, "_aigc_gc", None) is None:
        from desktop.gui_gc import GuiThreadCollector
        app._aigc_gc = GuiThreadCollector(app)


def build_window(args: argparse.Namespace, settings=None):
    """Apply settings, language and theme, and create the main window (not yet shown)."""
    from PySide6.QtWidgets import QApplication

    from desktop import i18n, style
    from desktop.main_window import MainWindow
    from desktop.settings import Settings
    settings = settings or Settings()
    settings.apply_device()
    from engine import devices
    devices.set_interactive(True)   # jobs run in this process leave a core for the window
    app = QApplication.instance()
    i18n.install(app, args.lang or settings.language)
    style.apply(app, args.theme or settings.theme)
    from engine.workspace.paths import choose_workspace
    workspace = str(choose_workspace(args.workspace, settings.workspace or None))
    return MainWindow(settings, workspace=workspace, samples=args.samples)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.selftest:
        return run_selftest()
    import engine  # noqa: F401 - offline switches and network guard before anything else
    from engine.errors import UserError
    app = create_app()
    try:
        window = build_window(args)
    except UserError as exc:  # e.g. --workspace ""
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    window.show()
    window.open_workspace()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
