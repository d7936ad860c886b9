"""SIGKILL at named points of a dataset import (text and image) and of a cleaning, through ``aigc``.

After each kill the workspace is opened as the next run would: the database passes
``PRAGMA integrity_check``, no temporary file or folder is left, no dataset is half there,
the job is ``interrupted``; running the same command again ends exactly where an
uninterrupted run ends.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from reliability.faultkit import KILLED, after_kill, aigc, comparable, ok, points, snapshot

_DATA = Path(__file__).resolve().parents[1] / "data"
if str(_DATA) not in sys.path:
    sys.path.insert(0, str(_DATA))


def _text_file(folder: Path) -> Path:
    rows = [{"instruction": f"为产品 {i} 写一句广告", "output": f"产品 {i}：轻巧耐用，{'好' * (i % 5)}"}
            for i in range(40)]
    rows += [dict(rows[i]) for i in range(0, 20, 2)]           # ten exact duplicates for the cleaning
    rows += [{"instruction": f"空回答 {i}", "output": " "} for i in range(4)]
    path = folder / "ads.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _image_folder(folder: Path) -> Path:
    from data_files import png_bytes
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(6):
        (folder / f"poster_{i}.png").write_bytes(png_bytes((40 * i, 20, 200 - 30 * i), (16 + i, 12)))
        (folder / f"poster_{i}.txt").write_text(f"海报 {i}", encoding="utf-8")
    return folder


TEXT_POINTS = ["data.import.row@1", "data.import.row@2", "data.import.row@10", "data.import.row@25",
               "data.import.row@54", "db.commit@1"]
IMAGE_POINTS = ["blob.write@1", "blob.commit@1", "blob.write@4", "blob.commit@6", "data.import.row@1",
                "data.import.row@6"]
CLEAN_POINTS = ["data.clean.row@1", "data.clean.row@2", "data.clean.row@5", "data.clean.row@9",
                "data.clean.row@13", "db.commit@1"]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill-data")
    text, images = _text_file(folder), _image_folder(folder / "posters")
    reference = {}
    ws = folder / "reference"
    ok(aigc(ws, "data", "import", text, "--name", "ads"))
    reference["text"] = comparable(snapshot(ws))
    ok(aigc(ws, "data", "clean", "ads"))
    reference["clean"] = comparable(snapshot(ws))
    ws = folder / "reference-images"
    ok(aigc(ws, "data", "import", images, "--name", "posters"))
    reference["images"] = comparable(snapshot(ws))
    return {"text": text, "images": images, "reference": reference}


def _kill_then_rerun(ws: Path, args: list, point: str, kind: str, expected: dict, before: dict | None = None) -> None:
    proc = aigc(ws, *args, fault=point)
    assert proc.returncode == KILLED, f"{point} was never reached: {proc.returncode} {proc.stderr[-500:]}"
    state = after_kill(ws, kind)
    if before is not None:
        assert comparable(state) == before        # the interrupted operation left nothing of itself
    ok(aigc(ws, *args))
    assert comparable(snapshot(ws)) == expected


@pytest.mark.parametrize("point", points(TEXT_POINTS))
def test_text_import_killed(sources, tmp_path, point):
    ws = tmp_path / "ws"
    ok(aigc(ws, "status"))
    _kill_then_rerun(ws, ["data", "import", sources["text"], "--name", "ads"], point, "data.import",
                     sources["reference"]["text"], before=comparable(snapshot(ws)))


@pytest.mark.parametrize("point", points(IMAGE_POINTS))
def test_image_import_killed(sources, tmp_path, point):
    ws = tmp_path / "ws"
    ok(aigc(ws, "status"))
    empty = comparable(snapshot(ws))
    proc = aigc(ws, "data", "import", sources["images"], "--name", "posters", fault=point)
    assert proc.returncode == KILLED, f"{point} was never reached: {proc.returncode} {proc.stderr[-500:]}"
    state = after_kill(ws, "data.import")
    assert state["datasets"] == [] and state["images"] == []
    # a blob stored before the kill is complete (named by its content) and is used again by the re-run
    for blob in state["blobs"]:
        assert blob in sources["reference"]["images"]["blobs"]
    assert {k: v for k, v in comparable(state).items() if k != "blobs"} == \
        {k: v for k, v in empty.items() if k != "blobs"}
    ok(aigc(ws, "data", "import", sources["images"], "--name", "posters"))
    assert comparable(snapshot(ws)) == sources["reference"]["images"]


@pytest.mark.parametrize("point", points(CLEAN_POINTS))
def test_cleaning_killed(sources, tmp_path, point):
    ws = tmp_path / "ws"
    ok(aigc(ws, "data", "import", sources["text"], "--name", "ads"))
    _kill_then_rerun(ws, ["data", "clean", "ads"], point, "data.clean", sources["reference"]["clean"],
                     before=sources["reference"]["text"])


def _reading_processes(marker: str) -> list[int]:
    """Live processes started with ``AIGC_FAULT_AT=marker`` in their environment (the killed run's children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if f"AIGC_FAULT_AT={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find the reading process")
@pytest.mark.parametrize("point", ["data.import.row@30000", "db.commit@1"])
def test_large_import_killed_beside_its_reading_process(tmp_path, point):
    """A file big enough for the reading process and the deferred indexes: killed mid-write, nothing of it
    is left, the orphaned reading process ends by itself, and the re-run imports everything."""
    path = tmp_path / "big.jsonl"
    row = json.dumps({"instruction": "为产品写一句广告", "output": "轻巧耐用"}, ensure_ascii=False)[:-1]
    path.write_text("".join(f'{row}, "n": {i}, "label": "l{i % 7}"}}\n' for i in range(60_000)), encoding="utf-8")
    ws = tmp_path / "ws"
    ok(aigc(ws, "status"))
    before = comparable(snapshot(ws))
    proc = aigc(ws, "data", "import", path, "--name", "big", fault=point)
    assert proc.returncode == KILLED, f"{point} was never reached: {proc.returncode} {proc.stderr[-500:]}"
    deadline = time.monotonic() + 30
    while _reading_processes(point) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _reading_processes(point) == []
    assert comparable(after_kill(ws, "data.import")) == before
    result = ok(aigc(ws, "data", "import", path, "--name", "big"))
    assert result["imported"] == 60_000
    con = sqlite3.connect(ws / "workspace.db")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()
    assert {"members_head", "members_head_status", "members_item", "member_tags_member"} <= names
