"""Pictures of the real window: ``python -m desktop.screenshots OUTDIR [--lang zh_CN]``.

Opens the main window on a sample workspace (created in a temporary folder unless
``--workspace`` is given), waits for the sample content, and writes one PNG per tab,
plus one of a training run in progress with its loss chart when training is
available.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def wait_until(app, condition, timeout: float = 120.0, step_ms: int = 50) -> bool:
    """Process events until ``condition()`` holds (the GUI keeps running meanwhile)."""
    from PySide6.QtCore import QThread
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        QThread.msleep(step_ms)
    app.processEvents()
    return condition()


def settle(app, ms: int = 400) -> None:
    from desktop.bridge import Op
    wait_until(app, lambda: Op.pending() == 0, timeout=30)
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def grab(window, path: Path) -> None:
    window.grab().save(str(path), "PNG")
    print(path, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots")
    parser.add_argument("outdir")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default="en")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--workspace", help="use this workspace instead of a fresh temporary one")
    parser.add_argument("--no-training", action="store_true", help="skip the training-in-progress picture")
    parser.add_argument("--size", default="1360x860")
    args = parser.parse_args(argv)

    import engine  # noqa: F401
    from PySide6.QtCore import QSettings

    from desktop.app import build_window, create_app, parse_args
    from desktop.settings import Settings

    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    workspace = args.workspace or str(Path(tempfile.mkdtemp(prefix="aigc-shots-")) / "workspace")
    app = create_app()
    store = QSettings(str(Path(tempfile.mkdtemp(prefix="aigc-shots-settings-")) / "settings.ini"),
                      QSettings.Format.IniFormat)
    window = build_window(parse_args(["--workspace", workspace, "--samples", "--lang", args.lang,
                                      "--theme", args.theme]), Settings(store))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.open_workspace()
    if not wait_until(app, lambda: window.engine is not None, timeout=60):
        print("the workspace did not open", file=sys.stderr)
        return 1
    wait_until(app, lambda: window.engine.workspace.get_setting("samples_installed") is not None, timeout=600)
    window.refresh_all()
    settle(app, 800)
    suffix = "" if args.lang == "en" else f"-{args.lang}"
    for index, key in enumerate(window.pages):
        window.show_page(key)
        settle(app, 500)
        grab(window, out / f"{index + 1:02d}-{key}{suffix}.png")
    training = window.pages["training"]
    if not args.no_training and hasattr(training, "start_demo_run"):
        window.show_page("training")
        if training.start_demo_run():
            wait_until(app, lambda: training.chart_points() >= 8, timeout=300)
            settle(app, 300)
            grab(window, out / f"07-training-running{suffix}.png")
            training.cancel_current()
            wait_until(app, lambda: not window.engine.jobs.active(), timeout=120)
    window._closing = True
    window.engine.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
