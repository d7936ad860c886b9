"""How long does the GUI thread stall while a training job runs?

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui_stall.py [--seconds 20]

Opens the real main window on a fresh sample workspace, starts a text training run on
the starter model from the Training tab, and runs a 10 ms QTimer heartbeat on the GUI
thread. A stall is the gap between heartbeats beyond the 10 ms interval. Prints JSON:
the longest and 99th-percentile gaps while training and, for comparison, while idle.

``--trace-stalls FILE`` arms ``faulthandler`` on every heartbeat: when the GUI thread
misses its beat by more than ``--trace-ms`` (default 40 ms), a C-level watchdog, which
needs no GIL, writes every thread's Python stack to FILE. That shows whether the GUI
thread was busy (and where) or waiting for the GIL while a worker ran C code.
"""
from __future__ import annotations

import argparse
import faulthandler
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class Heartbeat:
    """Records the gaps between ticks of a timer on the GUI thread."""

    def __init__(self, interval_ms: int = 10, trace=None, trace_ms: float = 40.0):
        from PySide6.QtCore import QTimer
        self.interval_ms = interval_ms
        self.trace, self.trace_ms = trace, trace_ms
        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.gaps.clear()
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.trace is not None:
            faulthandler.cancel_dump_traceback_later()

    def tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now
        if self.trace is not None:
            faulthandler.dump_traceback_later((self.interval_ms + self.trace_ms) / 1000, file=self.trace)

    def summary(self) -> dict:
        if not self.gaps:
            return {"beats": 0}
        ordered = sorted(self.gaps)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return {"beats": len(ordered), "longest_gap_ms": round(ordered[-1], 1), "p99_gap_ms": round(p99, 1),
                "longest_stall_ms": round(max(0.0, ordered[-1] - self.interval_ms), 1)}


def run_event_loop(seconds: float) -> None:
    """Let Qt's own event loop run (as in the real app), not a Python polling loop."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def measure(window, app, seconds: float, trace=None, trace_ms: float = 40.0) -> dict:
    """Idle heartbeat, then the heartbeat during a training run started from the Training tab."""
    from desktop.screenshots import wait_until
    beat = Heartbeat(trace=trace, trace_ms=trace_ms)
    beat.start()
    run_event_loop(min(3.0, seconds))
    idle = beat.summary()
    page = window.show_page("training")
    page.refresh()
    wait_until(app, lambda: page.model_box.count() > 0 and page.data_box.count() > 0, timeout=60)
    if not page.start_demo_run():
        raise SystemExit("no text model and text dataset to train on")
    wait_until(app, lambda: page.chart_points() >= 1, timeout=300)
    beat.start()
    run_event_loop(seconds)
    training = beat.summary()
    beat.stop()
    points = page.chart_points()
    page.cancel_current()
    wait_until(app, lambda: not window.engine.jobs.active(), timeout=120)
    return {"idle": idle, "training": training, "loss_points_drawn": points,
            "stall_ratio_training_vs_idle": round(training["longest_gap_ms"] / max(1e-3, idle["longest_gap_ms"]), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--trace-stalls", metavar="FILE", help="write all thread stacks at each stall to FILE")
    parser.add_argument("--trace-ms", type=float, default=40.0, help="a stall worth tracing (ms past the beat)")
    args = parser.parse_args(argv)
    trace = open(args.trace_stalls, "w") if args.trace_stalls else None
    import engine  # noqa: F401
    from PySide6.QtCore import QSettings

    from desktop.app import build_window, create_app, parse_args
    from desktop.screenshots import wait_until
    from desktop.settings import Settings
    app = create_app()
    folder = Path(tempfile.mkdtemp(prefix="aigc-stall-"))
    window = build_window(parse_args(["--workspace", str(folder / "ws"), "--samples", "--lang", "en"]),
                          Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)))
    window.show()
    window.open_workspace()
    wait_until(app, lambda: window.engine is not None, timeout=60)
    wait_until(app, lambda: window.engine.workspace.get_setting("samples_installed") is not None, timeout=900)
    result = measure(window, app, args.seconds, trace, args.trace_ms)
    from engine import devices
    result.update(device=devices.detect().kind, cpu_cores=os.cpu_count(), seconds=args.seconds)
    window._closing = True
    window.engine.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
