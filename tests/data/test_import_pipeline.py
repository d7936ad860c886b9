"""A large JSONL import (reading process + deferred indexes) stores exactly what the row-by-row import stores."""
from __future__ import annotations

import json
import multiprocessing
import threading

import pytest
from data_files import snapshot

from engine.api import Engine
from engine.data import bulk, pipeline

DEFERRABLE = set(bulk.DEFERRABLE)


def _rows(n: int) -> list[str]:
    lines = []
    for i in range(n):
        row = {"instruction": f"为产品{i % 7}写一句广告语", "output": f"第{i % 50}条：清香温暖"}
        if i % 5 == 0:
            row["tags"] = ["促销", f"t{i % 3}"] if i % 2 else "夏季，新品"
        if i % 4 == 1:
            row["label"] = "营销" if i % 8 == 1 else "客服"
        if i % 6 == 2:
            row["status"], row["note"] = "rejected", "太长"
        if i % 9 == 3:
            row["split"] = "val"
        if i % 11 == 4:
            row = {"messages": [{"role": "user", "content": f"问{i}"}, {"role": "assistant", "content": "答"}]}
        lines.append(json.dumps(row, ensure_ascii=False))
    return lines


def _state(eng) -> dict:
    con = eng.workspace.db()
    return {
        "records": con.execute("SELECT hash, fields, chars FROM records ORDER BY hash").fetchall(),
        "members": [tuple(r) for r in con.execute("SELECT * FROM members ORDER BY id")],
        "tags": [tuple(r) for r in con.execute("SELECT * FROM member_tags ORDER BY member_id, tag")],
        "versions": [tuple(r) for r in con.execute("SELECT version, hash, count, acc, counts, message "
                                                   "FROM dataset_versions ORDER BY dataset_id, version")],
        "indexes": {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")},
    }


def _import_both_ways(tmp_path, monkeypatch, files: list, **params):
    """The same imports into two workspaces, one row by row and one through the reading process."""
    states, results, used = [], [], []
    real = pipeline.write_rows
    monkeypatch.setattr(pipeline, "write_rows", lambda *a, **k: used.append(1) or real(*a, **k))
    for fast in (False, True):
        monkeypatch.setattr(pipeline, "MIN_ROWS", 1 if fast else 10**12)
        monkeypatch.setattr(bulk, "MIN_ROWS", 1 if fast else 10**12)
        eng = Engine.open(tmp_path / f"ws-{fast}")
        try:
            out = []
            for i, path in enumerate(files):
                job = eng.jobs.run("data.import", {"path": str(path), "name": "ads", "append": i > 0, **params})
                assert job.state.value == "succeeded", job.error
                out.append(job.result)
            states.append(_state(eng))
            results.append(out)
        finally:
            eng.close()
    assert len(used) == len(files)        # the second workspace really went through the reading process
    return states, results


def test_reading_process_stores_the_same_dataset(tmp_path, monkeypatch):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(_rows(5000)) + "\n", encoding="utf-8")
    second.write_text("\n".join(_rows(4500)[::-1]) + "\n", encoding="utf-8")   # an append with duplicates
    (slow, fast), (slow_result, fast_result) = _import_both_ways(tmp_path, monkeypatch, [first, second])
    assert fast == slow
    assert fast_result == slow_result
    assert DEFERRABLE <= fast["indexes"]
    assert len(fast["members"]) == 9500 and fast["tags"]


def test_skipped_rows_reported_the_same_way(tmp_path, monkeypatch):
    lines = _rows(3000)
    lines[1200] = '{"instruction": "a", "output": '
    lines[2500] = '{"instruction": "", "output": ""}'
    path = tmp_path / "gaps.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (slow, fast), (slow_result, fast_result) = _import_both_ways(tmp_path, monkeypatch, [path], skip_bad=True)
    assert fast == slow and fast_result == slow_result
    assert [(s["line"], s["field"]) for s in fast_result[0]["skipped_rows"]] == [(1201, None), (2501, "output")]


@pytest.mark.parametrize("bad, expected", [
    ('{"instruction": "a", "output": ', "rows.jsonl line 4001: is not valid JSON"),
    ('{"instruction": "", "output": ""}', "rows.jsonl line 4001 field output"),
])
def test_bad_line_in_the_middle_refused_with_its_line(eng, tmp_path, monkeypatch, failing_import, bad, expected):
    monkeypatch.setattr(pipeline, "MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)
    lines = _rows(8000)
    lines[4000] = bad
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = failing_import(path)
    assert error.startswith(expected)
    assert DEFERRABLE <= _state(eng)["indexes"]          # the dropped indexes came back with the rollback
    assert not multiprocessing.active_children()


def test_cancel_through_the_reading_process_leaves_the_dataset_as_it_was(eng, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(_rows(300)) + "\n", encoding="utf-8")
    assert eng.jobs.run("data.import", {"path": str(first), "name": "ads"}).state.value == "succeeded"
    before, state = snapshot(eng), _state(eng)
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(_rows(200_000)) + "\n", encoding="utf-8")
    progressed = threading.Event()
    eng.jobs.subscribe(lambda e: progressed.set() if e.type == "progress" and "rows read" in
                       str(e.data.get("message")) else None)
    job = eng.jobs.submit("data.import", {"path": str(big), "name": "ads", "append": True})
    assert progressed.wait(120)
    eng.jobs.cancel(job.id)
    assert eng.jobs.wait(job.id).state.value == "cancelled"
    assert snapshot(eng) == before and _state(eng) == state
    assert not multiprocessing.active_children()


def test_reading_process_dying_fails_the_import_in_one_line(eng, tmp_path, monkeypatch):
    """An out-of-memory kill of the reading process: the import fails naming it, nothing is written."""
    import os
    import signal
    monkeypatch.setattr(pipeline, "MIN_ROWS", 1)
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(_rows(200_000)) + "\n", encoding="utf-8")
    before = snapshot(eng)
    killed = []

    def kill_reader(event):
        if event.type == "progress" and "rows read" in str(event.data.get("message")) and not killed:
            for child in multiprocessing.active_children():
                if child.name == "aigc-import-reader":
                    os.kill(child.pid, signal.SIGKILL)
                    killed.append(child.pid)
    eng.jobs.subscribe(kill_reader)
    job = eng.jobs.run("data.import", {"path": str(big), "name": "big"})
    assert killed and job.state.value == "failed"
    assert "reading process ended unexpectedly" in job.error and "\n" not in job.error
    assert snapshot(eng) == before and not multiprocessing.active_children()
