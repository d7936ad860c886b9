"""Pictures of the real window: ``python -m desktop.screenshots OUTDIR [--lang zh_CN]``.

Opens the main window on a workspace (a new one in a temporary folder unless
``--workspace`` is given); a new one greets with the first-run welcome, whose
button loads the sample content and the starter models. It then brings the
product into a working state (``desktop.screenshot_scenes``: a trained adapter,
generated text and posters, a review queue from a sample task run) and writes
one PNG per view, plus one of a training run in progress with its live chart, and the import dialog marking a bad row with the failed import it
leads to (``desktop.screenshot_extras``). ``--quick`` only pictures the tabs as
they open; ``--theme dark`` adds ``-dark`` to the names.

The pictures in ``docs/screenshots/`` are made with::

    python -m desktop.screenshots docs/screenshots --optimise
    python -m desktop.screenshots docs/screenshots --optimise --lang zh_CN
    python -m desktop.screenshots docs/screenshots --optimise --theme dark --only 01-tasks,03-training,07-models
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


def optimise(path: Path) -> None:
    """Rewrite a PNG with an adaptive 256-colour palette when that is smaller (UI pictures lose nothing
    visible; the README and docs stay light)."""
    from PIL import Image
    with Image.open(path) as image:
        image.load()
        rgb = image.convert("RGB")
    palette = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    candidate = path.with_suffix(".tmp.png")
    palette.save(candidate, "PNG", optimize=True)
    if candidate.stat().st_size < path.stat().st_size:
        candidate.replace(path)
    else:
        candidate.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots")
    parser.add_argument("outdir")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default="en")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--workspace", help="use this workspace instead of a fresh temporary one")
    parser.add_argument("--quick", action="store_true",
                        help="only the tabs as they open: no training, generation or task runs")
    parser.add_argument("--optimise", action="store_true", help="palette PNGs (about a third of the size)")
    parser.add_argument("--size", default="1360x860")
    parser.add_argument("--only", help="comma-separated picture names (e.g. 01-tasks,07-models): only these")
    args = parser.parse_args(argv)

    import engine  # noqa: F401
    from PySide6.QtCore import QSettings

    from desktop.app import build_window, create_app, parse_args
    from desktop.screenshot_extras import Extras, composite
    from desktop.screenshot_scenes import Scenes
    from desktop.settings import Settings

    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    workspace = args.workspace or str(Path(tempfile.mkdtemp(prefix="aigc-shots-")) / "workspace")
    app = create_app()
    store = QSettings(str(Path(tempfile.mkdtemp(prefix="aigc-shots-settings-")) / "settings.ini"),
                      QSettings.Format.IniFormat)
    # no --samples: a new workspace opens with the first-run greeting, whose button loads the samples
    window = build_window(parse_args(["--workspace", workspace, "--lang", args.lang, "--theme", args.theme]),
                          Settings(store))
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.open_workspace()
    if not wait_until(app, lambda: window.engine is not None, timeout=60):
        print("the workspace did not open", file=sys.stderr)
        return 1
    suffix = ("-dark" if args.theme == "dark" else "") + ("" if args.lang == "en" else f"-{args.lang}")
    wanted = set(args.only.split(",")) if args.only else None

    def shot(name: str, picture=None) -> None:
        if wanted is None or name in wanted:
            path = out / f"{name}{suffix}.png"
            (picture or window.grab()).save(str(path), "PNG")
            if args.optimise:
                optimise(path)
            print(path, flush=True)

    extras = Extras(app, window, args.lang, wait_until, settle)
    settle(app, 800)
    if extras.welcome():
        shot("00-welcome")
        extras.load_samples()
    wait_until(app, lambda: window.engine.workspace.get_setting("samples_installed") is not None, timeout=600)
    window.refresh_all()
    settle(app, 800)

    scenes = Scenes(app, window, args.lang, wait_until, settle)
    if args.quick:
        for index, key in enumerate(window.pages):
            window.show_page(key)
            settle(app, 500)
            shot(f"{index + 1:02d}-{key}")
    else:
        scenes.train_adapter()
        scenes.run_sample_tasks()
        scenes.monitor_runs()
        window.refresh_all()
        settle(app, 800)
        for name, scene in (("01-tasks", scenes.tasks), ("02-datasets", scenes.datasets),
                            ("03-training", scenes.training_finished), ("04-generation-text", scenes.generation_text),
                            ("05-generation-image", scenes.generation_images), ("06-review", scenes.review),
                            ("07-models", scenes.models), ("09-monitor", scenes.monitor),
                            ("10-task-evaluation", scenes.task_evaluation)):
            if wanted is None or name in wanted:
                scene()
                settle(app, 400)
                shot(name)
        if wanted is None or "08-training-running" in wanted:
            if scenes.training_running():
                shot("08-training-running")
            scenes.stop_training()   # also a run that did not reach the chart points in time
        if wanted is None or wanted & {"11-import-dialog", "12-import-failed"}:
            extras.import_dialog()
            shot("11-import-dialog", composite(window, extras.dialog))
            extras.failed_import()
            shot("12-import-failed")
    window._closing = True
    window.engine.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
