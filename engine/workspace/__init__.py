"""The workspace: one folder holding the database, the blob store and every artefact.

Layout::

    workspace.db        SQLite (WAL), schema versioned
    workspace.lock      who owns the workspace now
    blobs/              content-addressed files (images, weights)
    models/             imported base models and trained adapters, one folder each
    runs/               training runs: config, checkpoints, logs
    jobs/               one log file per job
    exports/            default destination for exports
    keys/               bundle signing keys (private halves, owner-only)

Everything in it is its owner's only: folders 0700, files 0600 (POSIX).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from engine.errors import UserError, WorkspaceClosed
from engine.workspace import db as _db
from engine.workspace.blobs import BlobStore
from engine.workspace.lock import WorkspaceLock
from engine.workspace.paths import default_workspace, resolve_workspace
from engine.i18n import tr

__all__ = ["Workspace", "default_workspace", "resolve_workspace"]

SUBFOLDERS = ("blobs", "models", "runs", "jobs", "exports", "tmp")


def private_files() -> None:
    """Everything this process creates from now on is its owner's only (0700 folders, 0600 files).

    A workspace holds a department's data, models and logs; the setting is process-wide so that files
    written by libraries (weights, images, SQLite's journal) are covered too. POSIX only."""
    if os.name != "nt":
        os.umask(0o077)


def _owner_only(path: Path, mode: int) -> None:
    """Take group and other permissions off a folder this user owns (workspaces made before this rule too)."""
    if os.name == "nt":
        return
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, mode)
    except OSError:
        pass


class Workspace:
    """An open, locked workspace. Use ``Workspace.open(path)`` and ``close()``."""

    def __init__(self, root: Path, read_only: bool = False):
        self.root = root
        self.read_only = read_only  # opened beside the process that owns it: reads only, no lock
        self.db_path = root / "workspace.db"
        self._lock = WorkspaceLock(root)
        self._local = threading.local()
        self._all_connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._con_lock = threading.Lock()
        self.blobs: BlobStore | None = None
        self.closed = False
        self.attached = False     # a job worker's view of a workspace its owner process holds
        self.recovered: list[str] = []   # leftovers of interrupted writes removed when it was opened

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, create: bool = True) -> "Workspace":
        root = resolve_workspace(path)
        _refuse_empty_database(root / "workspace.db")
        if root.exists() and not root.is_dir():
            raise UserError(tr("workspace path {root} is a file, not a folder", root=root), hint=tr("choose a folder"))
        private_files()
        if not root.exists():
            if not create:
                raise UserError(tr("workspace {root} does not exist", root=root), hint=tr("run 'aigc init' first"))
            try:
                root.mkdir(parents=True, mode=0o700)
            except OSError as exc:
                raise UserError(tr("cannot create workspace folder {root}: {strerror}", root=root, strerror=exc.strerror),
                                hint=tr("choose a folder you can write to")) from None
        if not os.access(root, os.W_OK | os.X_OK):
            raise UserError(tr("workspace folder {root} is not writable", root=root),
                            hint=tr("fix its permissions or choose another workspace folder"), options=("--workspace",))
        ws = cls(root)
        ws._lock.acquire()
        try:
            _owner_only(root, 0o700)
            for name in SUBFOLDERS:
                (root / name).mkdir(mode=0o700, exist_ok=True)
                _owner_only(root / name, 0o700)
            if not ws.db_path.exists():  # SQLite gives its -wal and -shm files the database file's mode
                os.close(os.open(ws.db_path, os.O_WRONLY | os.O_CREAT, 0o600))
            con = _db.open_database(ws.db_path)
            ws._local.con = con
            ws._all_connections.append((threading.current_thread(), con))
            ws.blobs = BlobStore(root / "blobs")
            from engine.workspace.recover import recover
            try:
                ws.recovered = recover(ws)
            except OSError:   # tidying is best effort: a leftover never stops the workspace from opening
                ws.recovered = []
        except BaseException:
            ws._lock.release()
            raise
        return ws

    @classmethod
    def attach(cls, path: str | os.PathLike) -> "Workspace":
        """Open a workspace that another process of this program owns, as its job worker.

        The owner holds the lock and has migrated the database; a worker takes no lock
        (it must not fight its owner for it) and uses the database (WAL, busy timeout) and
        the blob store like any other connection."""
        root = Path(path)
        ws = cls(root)
        ws.attached = True
        con = _db.connect(ws.db_path)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version != _db.latest_version():
            con.close()
            raise UserError(tr("workspace database {db_path} has schema version {version}, expected {latest_version}", db_path=ws.db_path, version=version, latest_version=_db.latest_version()), hint=tr("open the workspace with the program first"))
        ws._local.con = con
        ws._all_connections.append((threading.current_thread(), con))
        ws.blobs = BlobStore(root / "blobs")
        return ws

    @classmethod
    def open_read_only(cls, path: str | os.PathLike | None = None) -> "Workspace":
        """Open a workspace another process owns, for reading: no lock, no migration, no new folders.

        SQLite in WAL mode lets readers work beside the one writer, so 'aigc data list' or 'jobs list'
        answer while the window (or a long job) holds the workspace.
        """
        root = resolve_workspace(path)
        db_path = root / "workspace.db"
        if not db_path.is_file():
            raise UserError(tr("workspace {root} has no database yet", root=root), hint=tr("run 'aigc init' first"))
        _refuse_empty_database(db_path)
        ws = cls(root, read_only=True)
        con = _db.connect(db_path, read_only=True)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version != _db.latest_version():
            con.close()
            raise UserError(tr("workspace {root} has schema version {version}, this program uses {latest_version}; it can "
                               "only be read once its owner has upgraded it", root=root, version=version, latest_version=_db.latest_version()),
                            hint=tr("close the program that holds it and run the command again"))
        ws._local.con = con
        ws._all_connections.append((threading.current_thread(), con))
        ws.blobs = BlobStore(root / "blobs")
        return ws

    # -- database -------------------------------------------------------
    def db(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared across threads)."""
        if self.closed:
            raise WorkspaceClosed(tr("workspace {root} is closed", root=self.root))
        con = getattr(self._local, "con", None)
        if con is None:
            con = _db.connect(self.db_path, read_only=self.read_only)
            self._local.con = con
            with self._con_lock:
                self._all_connections.append((threading.current_thread(), con))
        return con

    @contextmanager
    def transaction(self):
        with _db.transaction(self.db()) as con:
            yield con

    def schema_version(self) -> int:
        return self.db().execute("PRAGMA user_version").fetchone()[0]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.db().execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # -- folders --------------------------------------------------------
    def folder(self, *parts: str) -> Path:
        path = self.root.joinpath(*parts)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with self._con_lock:
            # Closing a connection while another live thread is inside a query on it crashes
            # the interpreter; those are left to close with their thread (db() refuses new use).
            current = threading.current_thread()
            keep = []
            for thread, con in self._all_connections:
                if thread is current or not thread.is_alive():
                    try:
                        con.close()
                    except sqlite3.Error:
                        pass
                else:
                    keep.append((thread, con))
            self._all_connections = keep
        self._lock.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _refuse_empty_database(db_path: Path) -> None:
    """A 0-byte workspace.db is a database whose writing was cut off, not a new workspace: giving it a
    fresh schema would hide that every dataset, model and task record is gone."""
    try:
        empty = db_path.is_file() and db_path.stat().st_size == 0
    except OSError:
        return
    if empty:
        raise UserError(tr("workspace database {db_path} is empty (0 bytes); the workspace's records are lost", db_path=db_path),
                        hint=tr("restore workspace.db from a backup, or move the folder aside and run 'aigc init' to start "
                                "a new workspace"))
