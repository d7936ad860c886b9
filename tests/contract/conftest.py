"""Fixtures of the bad-input contract: a sample workspace per test (copied from one built per session
with the sample datasets and tasks and tiny models as the starter models), and a folder for files."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "text"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from harness import COUNTS  # noqa: E402
from tasks.conftest import import_model, tiny_image_dir, tiny_text_dir  # noqa: E402,F401 - shared fixtures


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.write_line(
            f"bad-input contract: {COUNTS['run']} bad inputs run, {COUNTS['refused cleanly']} refused cleanly, "
            f"{COUNTS['valid, not run']} valid values not run")


@pytest.fixture(scope="session")
def golden_workspace(tmp_path_factory, tiny_text_dir, tiny_image_dir):
    """A workspace with the sample datasets and tasks, and tiny models as the starter models."""
    from engine.api import Engine
    root = tmp_path_factory.mktemp("contract-golden") / "workspace"
    with Engine.open(root) as eng:
        import_model(eng, tiny_text_dir, "starter-text", "text")
        import_model(eng, tiny_image_dir, "starter-image", "image")
        job = eng.jobs.run("samples.install", {})
        assert job.state.value == "succeeded", job.error
    return root


@pytest.fixture
def ws(golden_workspace, tmp_path):
    """A fresh copy of the sample workspace (closed: the CLI opens it like a user would)."""
    target = tmp_path / "workspace"
    shutil.copytree(golden_workspace, target, ignore=shutil.ignore_patterns("workspace.lock"))
    return target


@pytest.fixture
def files(tmp_path):
    """A folder for the test's own input and output files, outside the workspace."""
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


