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


@pytest.fixture(scope="session")
def tiny_family_dirs(tmp_path_factory):
    """SD 2.x- and SDXL-class tiny pipelines, each as a diffusers folder and an original single file."""
    from image.tiny_families import build_tiny_sd2, build_tiny_sdxl, save_single_file_family
    root = tmp_path_factory.mktemp("tiny-families")
    made = {}
    for family, build in (("sd2", build_tiny_sd2), ("sdxl", build_tiny_sdxl)):
        folder = build(root / family / "pipeline")
        made[family] = {"folder": folder,
                        "file": save_single_file_family(folder, root / family / f"tiny-{family}.safetensors")}
    return made
