"""One process owns a workspace: an OS file lock plus the holder's pid and host.

The OS drops the lock when its process dies, so a stale lock file from a dead
process is simply taken over; a live holder is named in the error.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

from engine.errors import WorkspaceLocked
from engine.i18n import tr

if os.name == "nt":
    import msvcrt
else:
    import fcntl


class WorkspaceLock:
    def __init__(self, folder: Path):
        self.path = folder / "workspace.lock"
        self._handle = None

    def acquire(self) -> None:
        handle = open(self.path, "a+")
        try:
            if os.name == "nt":
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = self.read_holder()
            handle.close()
            who = f"process {holder.get('pid')} ({holder.get('program', '?')}) on {holder.get('host', '?')}" if holder else "another process"
            raise WorkspaceLocked(
                tr("workspace {parent} is in use by {who}", parent=self.path.parent, who=who),
                hint=tr("close that program first, or choose another workspace"), options=("--workspace",),
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "program": Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python",
                "since": time.strftime("%Y-%m-%dT%H:%M:%S")}
        handle.seek(0)
        handle.truncate()
        # keep byte 0 lockable on Windows: the info goes after a newline
        handle.write("\n" + json.dumps(info) + "\n")
        handle.flush()
        self._handle = handle

    def read_holder(self) -> dict:
        try:
            text = self.path.read_text().strip()
            return json.loads(text) if text else {}
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            if os.name == "nt":
                self._handle.seek(0)
                msvcrt.locking(self._handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None
