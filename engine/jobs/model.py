"""Job records and events: plain data, shared by the runner, the CLI and the GUI bridge."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED)


@dataclass
class Job:
    id: str
    kind: str
    title: str
    state: JobState
    progress: float = 0.0
    message: str = ""
    params: dict = field(default_factory=dict)
    result: Any = None
    error: str | None = None
    resumable: bool = False
    resumed_from: str | None = None
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    log_path: str = ""
    error_options: tuple = ()       # command-line options the error refers to (the CLI names them)

    @classmethod
    def from_row(cls, row, log_path: str = "") -> "Job":
        return cls(
            id=row["id"], kind=row["kind"], title=row["title"], state=JobState(row["state"]),
            progress=row["progress"], message=row["message"], params=json.loads(row["params"] or "{}"),
            result=json.loads(row["result"]) if row["result"] else None, error=row["error"],
            resumable=bool(row["resumable"]), resumed_from=row["resumed_from"],
            created_at=row["created_at"], started_at=row["started_at"], finished_at=row["finished_at"],
            log_path=log_path,
            error_options=tuple(json.loads(row["error_options"] or "[]")) if "error_options" in row.keys() else (),
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "state": self.state.value,
            "progress": round(self.progress, 4), "message": self.message, "params": self.params,
            "result": self.result, "error": self.error, "resumable": self.resumable,
            "resumed_from": self.resumed_from, "created_at": self.created_at,
            "started_at": self.started_at, "finished_at": self.finished_at, "log_path": self.log_path,
        }


@dataclass
class JobEvent:
    """Something happened to a job. ``type`` is one of:

    state     data = {"state": ..., "message": ..., "error": ...}
    progress  data = {"fraction": float, "message": str}
    metric    data = {"step": int, "name": str, "value": float}
    log       data = {"text": str}
    partial   data = anything the work function streams (tokens, preview images...)
    """

    job_id: str
    type: str
    data: dict
