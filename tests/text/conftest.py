"""Fixtures for the text area: one trained tokenizer and a few tiny model folders per session."""
from __future__ import annotations

import pytest

from text_tiny import build_model, make_tokenizer


@pytest.fixture(scope="session")
def tok():
    return make_tokenizer()


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory, tok):
    """{arch: folder}; llama is saved sharded with a tiny max_shard_size."""
    root = tmp_path_factory.mktemp("tiny-models")
    folders = {}
    for arch in ("llama", "qwen2", "gpt2", "mistral", "phi3", "gemma"):
        folders[arch] = build_model(arch, root / arch, tok, shard="40KB" if arch == "llama" else None)
    return folders


@pytest.fixture
def llama_dir(tiny_models):
    return tiny_models["llama"]
