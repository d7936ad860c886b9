"""A long import holds the write lock: edits from another thread fail fast with a message naming the job."""
from __future__ import annotations

import json
import threading
import time

import data_files as f
import pytest

from engine.data import busy
from engine.errors import UserError


def _big_file(path, rows: int):
    row = json.dumps({"instruction": "问题", "output": "回答"}, ensure_ascii=False)
    path.write_text("".join(row[:-1] + f', "n": {i}}}\n' for i in range(rows)), encoding="utf-8")
    return path


def test_edit_during_import_fails_fast_naming_the_job(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "small.jsonl", f.alpaca_rows()), name="small")
    path = _big_file(tmp_path / "big.jsonl", 300_000)
    started = threading.Event()
    eng.jobs.subscribe(lambda e: started.set() if e.type == "progress" else None)
    job = eng.jobs.submit("data.import", {"path": str(path), "name": "big"})
    try:
        assert started.wait(60)
        errors = {}

        def gui_edit():  # the GUI edits from its own thread, with its own connection
            t0 = time.monotonic()
            try:
                eng.data.set_status("small", [1], "accepted")
            except UserError as exc:
                errors["error"] = exc
            errors["seconds"] = time.monotonic() - t0

        thread = threading.Thread(target=gui_edit)
        thread.start()
        thread.join(30)
        assert "error" in errors, "the edit should have met the import's write lock"
        message = str(errors["error"])
        assert f"busy with job {job.id}" in message and "import" in message.lower()
        assert "\n" not in message and "database is locked" not in message
        assert errors["seconds"] < busy.INTERACTIVE_WAIT_MS / 1000 + 3
        # reads are not blocked in WAL, and stats does not wait to store its cache
        assert eng.data.stats("small")["count"] == 4
    finally:
        eng.jobs.cancel(job.id)
        eng.jobs.wait(job.id)
    result = eng.data.set_status("small", [1], "accepted")
    assert result["created"] and eng.data.record("small", 1)["status"] == "accepted"


def test_busy_error_names_another_operation_without_a_job(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "small.jsonl", f.alpaca_rows()), name="small")
    holding, release = threading.Event(), threading.Event()

    def hold():
        with eng.workspace.transaction():
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(UserError, match="could not delete dataset 'small': the workspace is busy with "
                                            "another operation"):
            eng.data.delete("small")
    finally:
        release.set()
        thread.join()
    assert eng.data.delete("small") == {"deleted": "small"}


def test_interactive_wait_is_restored_after_the_edit(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "small.jsonl", f.alpaca_rows()), name="small")
    con = eng.workspace.db()
    before = con.execute("PRAGMA busy_timeout").fetchone()[0]
    eng.data.set_status("small", [1], "accepted")
    assert con.execute("PRAGMA busy_timeout").fetchone()[0] == before == busy.JOB_WAIT_MS
