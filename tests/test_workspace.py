import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from engine import atomic
from engine.errors import UserError, WorkspaceLocked
from engine.workspace import Workspace, db


def test_new_workspace_has_latest_schema_wal_and_foreign_keys(workspace_dir):
    with Workspace.open(workspace_dir) as ws:
        assert ws.schema_version() == db.latest_version() >= 1
        assert ws.db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ws.db().execute("PRAGMA foreign_keys").fetchone()[0] == 1
        for name in ("blobs", "models", "runs", "jobs"):
            assert (workspace_dir / name).is_dir()


def test_second_open_in_same_process_is_refused_with_holder(workspace_dir):
    with Workspace.open(workspace_dir):
        with pytest.raises(WorkspaceLocked) as info:
            Workspace.open(workspace_dir)
        assert f"process {os.getpid()}" in str(info.value)
    Workspace.open(workspace_dir).close()  # released on close


def test_second_process_gets_clear_error_and_exit_code(workspace_dir):
    with Workspace.open(workspace_dir):
        proc = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(workspace_dir), "init",
                               "--no-samples"],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "in use by process" in proc.stderr
    assert str(os.getpid()) in proc.stderr


def test_stale_lock_from_killed_process_is_taken_over(workspace_dir):
    code = textwrap.dedent(f"""
        import os, signal
        from engine.workspace import Workspace
        ws = Workspace.open({str(workspace_dir)!r})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], timeout=120)
    assert proc.returncode == -9
    assert "pid" in (workspace_dir / "workspace.lock").read_text()
    Workspace.open(workspace_dir).close()


def test_newer_schema_is_refused_and_left_untouched(workspace_dir):
    Workspace.open(workspace_dir).close()
    con = sqlite3.connect(workspace_dir / "workspace.db")
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(UserError, match="newer than this program"):
        Workspace.open(workspace_dir)
    con = sqlite3.connect(workspace_dir / "workspace.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == 999


def test_corrupt_database_gives_one_line_error(workspace_dir):
    workspace_dir.mkdir()
    (workspace_dir / "workspace.db").write_bytes(b"this is not sqlite" * 200)
    with pytest.raises(UserError, match="damaged or not a database"):
        Workspace.open(workspace_dir)
    assert (workspace_dir / "workspace.db").read_bytes().startswith(b"this is not sqlite")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(UserError, match="not writable"):
        Workspace.open(folder)


def test_path_that_is_a_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(UserError, match="is a file"):
        Workspace.open(target)


def test_migrations_apply_forward_from_an_older_version(workspace_dir):
    Workspace.open(workspace_dir).close()
    con = sqlite3.connect(workspace_dir / "workspace.db")
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert "jobs" in names
    con.close()


def test_blob_store_is_content_addressed(workspace_dir):
    with Workspace.open(workspace_dir) as ws:
        a = ws.blobs.put_bytes(b"hello")
        b = ws.blobs.put_bytes(b"hello")
        assert a == b
        assert ws.blobs.path_for(a).read_bytes() == b"hello"
        assert not list(ws.blobs.root.glob("*.tmp"))


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "config.json"
    atomic.write_json(target, {"a": 1})
    with pytest.raises(RuntimeError):
        with atomic.atomic_open(target, "w", encoding="utf-8") as handle:
            handle.write("{ half")
            raise RuntimeError("crash while writing")
    assert '"a": 1' in target.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def test_workspace_env_var_and_default(monkeypatch, tmp_path):
    from engine.workspace.paths import resolve_workspace
    monkeypatch.setenv("AIGC_WORKBENCH_HOME", str(tmp_path / "envws"))
    assert resolve_workspace(None) == (tmp_path / "envws").resolve()
    assert resolve_workspace(tmp_path / "x") == (tmp_path / "x").resolve()


def test_close_while_another_thread_queries_does_not_crash(workspace_dir):
    """A background reader (a GUI refresh) may still be inside a query when the workspace closes."""
    import threading
    ws = Workspace.open(workspace_dir)
    ws.db().execute("CREATE TABLE t (x)")
    ws.db().executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(20000)])
    started, errors = threading.Event(), []

    def reader():
        con = ws.db()
        started.set()
        try:
            for _ in range(30):
                con.execute("SELECT sum(a.x) FROM t a JOIN t b ON a.x = b.x").fetchone()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    started.wait(5)
    ws.close()
    thread.join(60)
    assert not errors
    with pytest.raises(UserError, match="closed"):
        ws.db()
    Workspace.open(workspace_dir).close()
