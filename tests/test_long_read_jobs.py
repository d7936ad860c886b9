"""Model verify, bundle check and review export run as jobs: progress events, cancel between files or
items, and a cancel changes nothing (verify and check only read; a cancelled export writes nothing)."""
from __future__ import annotations

import hashlib
import os

import pytest

from engine.errors import UserError


def _tree(folder) -> dict:
    """Every file under ``folder`` with its bytes' hash and mtime."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = (hashlib.sha256(handle.read()).hexdigest(),
                                                        os.stat(path).st_mtime_ns)
    return found


def _model(eng, tmp_path, name="weights", files=4, size=3 << 20):
    folder = tmp_path / name
    folder.mkdir()
    for index in range(files):
        (folder / f"part-{index}.bin").write_bytes(bytes([index]) * size)
    return eng.models.register(name, "image", "base", folder)


def _events(eng, job_kind_seen: list, cancel_when=None):
    def on_event(event):
        job_kind_seen.append(event)
        if cancel_when is not None and cancel_when(event):
            eng.jobs.cancel(event.job_id)
    return eng.jobs.subscribe(on_event)


def test_verify_job_reports_progress_and_finds_a_changed_file(eng, tmp_path):
    model = _model(eng, tmp_path)
    events = []
    unsubscribe = _events(eng, events)
    job = eng.jobs.wait(eng.models.start_verify(model.name).id)
    unsubscribe()
    assert job.state.value == "succeeded" and job.result["ok"] and job.result["files"] == 4
    fractions = [e.data["fraction"] for e in events if e.job_id == job.id and e.type == "progress"]
    assert len(fractions) >= 12 and fractions == sorted(fractions) and fractions[-1] == 1.0
    with open(tmp_path / "weights" / "part-2.bin", "r+b") as handle:
        handle.write(b"\xff")
    job = eng.jobs.wait(eng.models.start_verify(model.name).id)
    assert job.state.value == "succeeded" and not job.result["ok"] and job.result["changed"] == ["part-2.bin"]
    assert eng.models.verify(model.name)["changed"] == ["part-2.bin"]   # the command line's synchronous path


def test_cancel_mid_verify_stops_between_blocks_and_changes_nothing(eng, tmp_path):
    model = _model(eng, tmp_path)
    before = (_tree(tmp_path / "weights"), _tree(eng.root / "models"), eng.models.get(model.name))
    events = []
    unsubscribe = _events(eng, events, cancel_when=lambda e: e.type == "progress" and "part-1.bin" in
                          (e.data.get("message") or ""))
    job = eng.jobs.wait(eng.models.start_verify(model.name).id)
    unsubscribe()
    assert job.state.value == "cancelled" and not job.result
    messages = [e.data["message"] for e in events if e.job_id == job.id and e.type == "progress"]
    assert not any("part-2.bin" in m or "part-3.bin" in m for m in messages)
    assert (_tree(tmp_path / "weights"), _tree(eng.root / "models"), eng.models.get(model.name)) == before


def test_verify_of_an_unknown_model_is_refused_before_a_job_exists(eng):
    with pytest.raises(UserError, match="nope"):
        eng.models.start_verify("nope")
    with pytest.raises(UserError, match="nope"):
        eng.jobs.submit("models.verify", {"name": "nope"})
    assert eng.jobs.list() == []


def _approved(eng, count):
    for index in range(count):
        item = eng.review.add("text", f"prompt {index}", text=f"slogan number {index}")
        eng.review.approve(item.id)


def test_review_export_job_writes_the_file_and_a_cancelled_one_writes_nothing(eng, tmp_path):
    _approved(eng, 5)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "approved.jsonl"
    events = []
    unsubscribe = _events(eng, events, cancel_when=lambda e: e.type == "progress" and
                          e.data.get("message") == "item 3 of 5")
    job = eng.jobs.wait(eng.review.start_export(out).id)
    assert job.state.value == "cancelled"
    assert list((tmp_path / "out").iterdir()) == []
    unsubscribe()
    job = eng.jobs.wait(eng.review.start_export(out).id)
    assert job.state.value == "succeeded" and job.result["items"] == 5 and job.result["format"] == "jsonl"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    with pytest.raises(UserError, match="approved.jsonl"):   # exists: refused before a job exists
        eng.review.start_export(out)
    assert eng.review.export(tmp_path / "again.csv")["items"] == 5   # the command line's synchronous path
