"""Tiny real models for the task tests, built once per session and imported per workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "text"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(scope="session")
def tiny_text_dir(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("task-text") / "llama", make_tokenizer())


@pytest.fixture(scope="session")
def tiny_image_dir(tmp_path_factory):
    from image.tiny import build_tiny_sd
    return build_tiny_sd(tmp_path_factory.mktemp("task-image") / "pipeline")


def import_model(eng, path, name, kind):
    job = eng.jobs.run("models.import", {"path": str(path), "name": name, "kind": kind, "copy": False})
    assert job.state.value == "succeeded", job.error
    return eng.models.get(name)


@pytest.fixture
def starters(eng, tiny_text_dir, tiny_image_dir):
    """Tiny models registered under the names the sample tasks use."""
    return {"text": import_model(eng, tiny_text_dir, "starter-text", "text"),
            "image": import_model(eng, tiny_image_dir, "starter-image", "image")}
