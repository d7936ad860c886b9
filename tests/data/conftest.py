"""Helpers for the datasets tests: run an import job and check the workspace is untouched on failure."""
from __future__ import annotations

import pytest
from data_files import snapshot


@pytest.fixture
def run_import(eng):
    def run(path, name="ds", **params):
        job = eng.jobs.run("data.import", {"path": str(path), "name": name, **params})
        assert job.state.value == "succeeded", job.error
        return job.result
    return run


@pytest.fixture
def failing_import(eng):
    def run(path, name="ds", **params):
        before = snapshot(eng)
        job = eng.jobs.run("data.import", {"path": str(path), "name": name, **params})
        assert job.state.value == "failed", job.result
        assert snapshot(eng) == before
        assert "\n" not in job.error and "Traceback" not in job.error
        return job.error
    return run
