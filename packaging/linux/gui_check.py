"""Open the frozen desktop app on a virtual X display and take a screenshot.

    python packaging/linux/gui_check.py [dist/aigc-workbench] [--out dist/gui-check.png]

Starts Xvfb, runs ``aigc-workbench`` with the real xcb platform plugin (not
offscreen) in a fresh home folder and workspace, waits for its main window to be
mapped, saves a screenshot, checks the program is still running, then closes it.
Needs Xvfb, xwininfo (x11-utils) and ImageMagick's ``import`` on the build machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINDOW_TITLE = "AIGC Workbench"
TOOLS = ("Xvfb", "xwininfo", "import")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def _window_mapped(display: str) -> bool:
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                         env={**os.environ, "DISPLAY": display}, timeout=10)
    return any(WINDOW_TITLE in line and "has no name" not in line for line in out.stdout.splitlines())


def check_gui(app_dir: Path, screenshot: Path, timeout: float = 180, settle: float = 4,
              app_args: tuple[str, ...] = ()) -> dict:
    """Returns {"ok", "seconds_to_window", "screenshot", "log_tail"}."""
    app_dir, screenshot = Path(app_dir).resolve(), Path(screenshot).resolve()
    missing = missing_tools()
    if missing:
        raise SystemExit(f"error: {', '.join(missing)} not found: apt-get install xvfb x11-utils imagemagick")
    display = f":{_free_display()}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    home = Path(tempfile.mkdtemp(prefix="aigc-gui-home-"))
    log_path = home / "gui.log"
    result = {"ok": False, "seconds_to_window": None, "screenshot": None, "display": display}
    app = None
    try:
        time.sleep(1.0)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AIGC_", "QT_", "HF_"))}
        env.update({"DISPLAY": display, "HOME": str(home), "QT_QPA_PLATFORM": "xcb",
                    "XDG_RUNTIME_DIR": str(home / "run"), "AIGC_WORKBENCH_HOME": str(home / "workspace")})
        (home / "run").mkdir(mode=0o700)
        started = time.monotonic()
        with open(log_path, "wb") as log:
            app = subprocess.Popen([str(app_dir / "aigc-workbench"), *app_args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=home)
        while time.monotonic() - started < timeout:
            if app.poll() is not None:
                break
            if _window_mapped(display):
                result["seconds_to_window"] = round(time.monotonic() - started, 1)
                break
            time.sleep(0.5)
        if result["seconds_to_window"] is not None:
            time.sleep(settle)  # let the first paint and any start-up work finish
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["import", "-display", display, "-window", "root", str(screenshot)], check=True,
                           timeout=60)
            result["screenshot"] = str(screenshot)
            result["ok"] = app.poll() is None and screenshot.stat().st_size > 0
    finally:
        if app is not None and app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                app.kill()
        result["exit_code"] = app.returncode if app is not None else None
        result["log_tail"] = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
        xvfb.terminate()
        xvfb.wait(timeout=20)
        shutil.rmtree(home, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Open the frozen GUI under Xvfb and take a screenshot.")
    parser.add_argument("app_dir", nargs="?", type=Path, default=ROOT / "dist" / "aigc-workbench")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "gui-check.png")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="interface language for this run")
    args = parser.parse_args(argv)
    result = check_gui(args.app_dir, args.out, app_args=("--lang", args.lang) if args.lang else ())
    if result["ok"]:
        print(f"gui: window shown after {result['seconds_to_window']}s, screenshot {result['screenshot']}")
        return 0
    print(f"gui: FAILED (window after {result['seconds_to_window']}s, exit {result['exit_code']})\n{result['log_tail']}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
