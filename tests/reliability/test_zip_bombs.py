"""Dataset .zip archives: many small members, one large member, or more than the disk can hold."""
from __future__ import annotations

import json
import os
import random
import shutil
import zipfile

import pytest

from engine.data import archive
from engine.data.archive import safe_extract
from engine.errors import UserError


def small_member_bomb(path, members: int = 40, size: int = 1 << 20, suffix: str = ".bin"):
    """Forty 1 MiB members of zeros: each under the per-member rule, 40 MiB from a few dozen KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for i in range(members):
            zf.writestr(f"data/part-{i:03d}{suffix}", bytes(size))
    return path


def files_under(folder):
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_many_small_members_are_refused_before_unpacking(tmp_path):
    bomb = small_member_bomb(tmp_path / "bomb.zip")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(UserError, match=r"40 entries expand \d+x together.*zip bomb"):
        safe_extract(bomb, tmp_path / "out")
    assert files_under(tmp_path / "out") == []


def test_more_than_the_free_disk_space_is_refused(tmp_path, monkeypatch):
    """Incompressible content (ratio 1) that would not fit: the budget is the destination's free space."""
    archive_path = tmp_path / "big.zip"
    with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("data/blob.bin", os.urandom(2 << 20))
    real = shutil.disk_usage

    def small_disk(path):
        usage = real(path)
        return usage._replace(free=archive.DISK_RESERVE + (1 << 20))
    monkeypatch.setattr(shutil, "disk_usage", small_disk)
    with pytest.raises(UserError, match="GB free"):
        safe_extract(archive_path, tmp_path / "out")
    assert files_under(tmp_path / "out") == []


def test_bomb_through_data_import_names_the_archive(eng, tmp_path):
    bomb = small_member_bomb(tmp_path / "records.zip", suffix=".jsonl")
    job = eng.jobs.run("data.import", {"path": str(bomb), "name": "bombed"})
    assert job.state.value == "failed"
    assert "records.zip" in job.error and "zip bomb" in job.error
    assert not eng.data.exists("bombed")
    assert files_under(eng.workspace.root / "tmp") == []


def test_an_ordinary_text_archive_still_imports(eng, tmp_path):
    """2 MiB of real-looking records (about 4x compression) are far from the limits."""
    rng = random.Random(0)
    words = [f"词{i}" for i in range(500)] + [f"word{i}" for i in range(500)]
    path = tmp_path / "ads.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        lines = [json.dumps({"instruction": " ".join(rng.choices(words, k=12)),
                             "output": " ".join(rng.choices(words, k=30))}, ensure_ascii=False)
                 for _ in range(6000)]
        zf.writestr("records.jsonl", "\n".join(lines) + "\n")
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
        assert info.file_size > (1 << 20) and info.file_size / info.compress_size < 20
    job = eng.jobs.run("data.import", {"path": str(path), "name": "ads"})
    assert job.state.value == "succeeded", job.error
    assert eng.data.get("ads").count == 6000
