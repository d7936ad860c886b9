"""Fixtures for the image area: one tiny SD pipeline per test session, copied where tests change it."""
from __future__ import annotations

import shutil

import pytest

from image.tiny import build_tiny_sd, save_single_file


@pytest.fixture(scope="session")
def tiny_sd_dir(tmp_path_factory):
    return build_tiny_sd(tmp_path_factory.mktemp("tiny-sd") / "pipeline")


@pytest.fixture(scope="session")
def tiny_sd_file(tiny_sd_dir, tmp_path_factory):
    return save_single_file(tiny_sd_dir, tmp_path_factory.mktemp("tiny-sd-file") / "tiny-sd.safetensors")


@pytest.fixture
def tiny_sd_copy(tiny_sd_dir, tmp_path):
    target = tmp_path / "pipeline-copy"
    shutil.copytree(tiny_sd_dir, target)
    return target
