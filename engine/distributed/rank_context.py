"""What a work function sees inside one rank: the job's context, relayed through a file by rank 0.

Rank 0 appends one JSON line per report/metric/log/partial to ``events-0.jsonl`` in the job's
exchange folder; the job process tails it and replays each line on its own context, so the
job's progress, metrics and log look as they do for one process. Other ranks report nothing
(except their own failure, in ``events-<rank>.jsonl``). A cancel is a file the job writes:
ranks agree on it together (``cancel_requested``), so they all stop at the same step.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from engine.distributed.ranks import Ranks


def events_file(folder: Path, rank: int) -> Path:
    return Path(folder) / f"events-{rank}.jsonl"


def cancel_file(folder: Path) -> Path:
    return Path(folder) / "cancel"


class RankContext:
    def __init__(self, engine, folder: Path, job_id: str, params: dict, ranks: Ranks):
        self.engine, self.workspace = engine, engine.workspace
        self.folder, self.job_id, self.params, self.ranks = Path(folder), job_id, params, ranks
        self.resumed_from = None
        self.committed = False
        self._handle = None

    def emit(self, kind: str, **data) -> None:
        """One event line, flushed at once (the job process reads it while the rank works)."""
        if self._handle is None:
            self._handle = open(events_file(self.folder, self.ranks.rank), "a", encoding="utf-8")
        self._handle.write(json.dumps({"type": kind, **data}, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        if kind in ("result", "error"):
            os.fsync(self._handle.fileno())

    def report(self, fraction: float | None = None, message: str | None = None) -> None:
        if self.ranks.main:
            self.emit("progress", fraction=fraction, message=message)

    def metric(self, name: str, value: float, step: int) -> None:
        if self.ranks.main:
            self.emit("metric", name=name, value=float(value), step=int(step))

    def log(self, text: str) -> None:
        if self.ranks.main:
            self.emit("log", text=str(text))

    def partial(self, **data) -> None:
        if self.ranks.main:
            self.emit("partial", **data)

    # A rank never stops on its own: the ranks stop together when cancel_requested() agrees.
    def cancelled(self) -> bool:
        return False

    def check_cancelled(self) -> None:
        return None

    def mark_committed(self) -> None:
        self.committed = True

    def cancel_requested(self) -> bool:
        """True on every rank once any rank has seen the job's cancel file (a collective call)."""
        seen = 1.0 if cancel_file(self.folder).exists() else 0.0
        return self.ranks.sum([seen])[0] > 0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
