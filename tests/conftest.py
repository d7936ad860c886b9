"""Shared fixtures: a fresh workspace and engine per test, offline, Qt offscreen."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AIGC_DEVICE", "cpu")
# Generation tests exercise the PyTorch path unless they ask for another backend; the llama.cpp route
# (the default a user gets on the CPU) is tested in tests/gguf/test_fast_backend.py.
os.environ.setdefault("AIGC_GENERATION_BACKEND", "torch")
# Image generation likewise stays in PyTorch unless a test asks; OpenVINO (the CPU default) is tested in
# tests/image/test_openvino.py.
os.environ.setdefault("AIGC_IMAGE_BACKEND", "torch")
os.environ["AIGC_LANG"] = "en"   # messages in English whatever the machine's locale (tests/test_i18n.py sets others)

import pytest  # noqa: E402

import engine  # noqa: E402,F401 - sets the offline switches and the network guard first


@pytest.fixture
def workspace_dir(tmp_path):
    return tmp_path / "workspace"


@pytest.fixture
def eng(workspace_dir):
    from engine.api import Engine
    engine_ = Engine.open(workspace_dir)
    yield engine_
    engine_.close()


@pytest.fixture
def eng_a(tmp_path):
    """The workspace a bundle leaves (bundle and reliability tests)."""
    from engine.api import Engine
    engine_ = Engine.open(tmp_path / "machine-a")
    yield engine_
    engine_.close()


@pytest.fixture
def eng_b(tmp_path):
    """The workspace a bundle arrives at."""
    from engine.api import Engine
    engine_ = Engine.open(tmp_path / "machine-b")
    yield engine_
    engine_.close()
