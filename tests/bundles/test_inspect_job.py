"""Checking a bundle is a ``bundle.inspect`` job: progress per block, the same report as ``inspect``,
and a cancel between files that leaves the bundle and the workspace as they were."""
from __future__ import annotations

import hashlib

import pytest

from bundles.conftest import snapshot
from bundles.test_roundtrip import export
from engine.errors import UserError


def test_inspect_job_reports_progress_and_a_cancel_changes_nothing(filled_a, eng_b, tmp_path):
    out = tmp_path / "all.zip"
    export(filled_a, out, models=["tiny-base"], adapters=["tiny-ads-lora"], datasets=["ads"], tasks=["ad-copy"])
    bundle_hash = hashlib.sha256(out.read_bytes()).hexdigest()
    events = []
    unsubscribe = eng_b.jobs.subscribe(events.append)
    job = eng_b.jobs.wait(eng_b.bundles.start_inspect(out).id)
    assert job.state.value == "succeeded" and job.result == eng_b.bundles.inspect(out)
    assert job.result["importable"] and job.result["files"] > 2
    fractions = [e.data["fraction"] for e in events if e.job_id == job.id and e.type == "progress"]
    assert len(fractions) > 2 and fractions == sorted(fractions)
    unsubscribe()

    before = snapshot(eng_b)
    seen = []

    def cancel_after_first_file(event):
        if event.type == "progress" and "checking" in (event.data.get("message") or ""):
            seen.append(event.data["message"])
            eng_b.jobs.cancel(event.job_id)
    unsubscribe = eng_b.jobs.subscribe(cancel_after_first_file)
    job = eng_b.jobs.wait(eng_b.bundles.start_inspect(out).id)
    unsubscribe()
    assert job.state.value == "cancelled" and not job.result and len(set(seen)) == 1
    assert snapshot(eng_b) == before and hashlib.sha256(out.read_bytes()).hexdigest() == bundle_hash


def test_inspect_job_of_a_missing_bundle_is_refused_before_a_job_exists(eng_b, tmp_path):
    with pytest.raises(UserError, match="missing.zip"):
        eng_b.bundles.start_inspect(tmp_path / "missing.zip")
    assert eng_b.jobs.list() == []
