"""Shared by the GGUF tests (a module of its own: conftest is not importable by name)."""
from __future__ import annotations

import pytest

PROMPT = "Write a short ad for tea."


def needs_llama_cpp():
    return pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed: GGUF export and the "
                                                   "llama.cpp backend need it")


def run(eng, kind, params):
    job = eng.jobs.run(kind, params)
    assert job.state.value == "succeeded", job.error
    return job
