"""Fixtures for reliability tests: a tiny text model and data, an engine that isolates jobs."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TEXT = Path(__file__).resolve().parents[1] / "text"
if str(_TEXT) not in sys.path:
    sys.path.insert(0, str(_TEXT))


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("reliability-text") / "llama", make_tokenizer())


@pytest.fixture
def text_data(tmp_path):
    from text_tiny import examples, write_jsonl
    return write_jsonl(tmp_path / "ads.jsonl", examples(40))


@pytest.fixture
def iso(workspace_dir):
    """An engine whose heavy kinds run in worker processes, whatever AIGC_INPROCESS_JOBS says."""
    from engine.api import Engine
    engine_ = Engine.open(workspace_dir, isolate=True, kill_grace=1.0)
    yield engine_
    engine_.close()
