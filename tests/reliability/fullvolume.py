"""Run inside a small tmpfs (see test_full_volume.py): fill the disk for real, then write.

``python fullvolume.py FOLDER SCENARIO`` prints one JSON line with what happened. FOLDER is the
mount point of a tmpfs of a few MiB, so every write there meets the kernel's own ENOSPC.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import engine  # noqa: F401 - offline first


def fill(folder: Path, leave: int) -> Path:
    """Take every free byte of the file system but ``leave``."""
    ballast = folder / "ballast.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(ballast, "wb") as handle:
        try:
            handle.write(b"\0" * max(0, free - leave))
        except OSError:
            pass
    return ballast


def rows(n: int, width: int) -> str:
    return "".join(json.dumps({"instruction": f"q{i} " + "x" * width, "output": f"a{i} " + "y" * width}) + "\n"
                   for i in range(n))


def main(folder: Path, scenario: str) -> dict:
    from engine.api import Engine
    source = Path(os.environ["AIGC_SOURCE_DIR"])     # input files live outside the small disk
    ws = folder / "ws"
    eng = Engine.open(ws, isolate=False)
    out: dict = {"scenario": scenario}
    try:
        (source / "small.jsonl").write_text(rows(20, 20))
        (source / "big.jsonl").write_text(rows(400, 4000))
        job = eng.jobs.run("data.import", {"path": str(source / "small.jsonl"), "name": "ads"})
        assert job.state.value == "succeeded", job.error
        before = [(d.name, d.version_hash, d.count) for d in eng.data.list()]
        if scenario == "database":
            fill(folder, 64 << 10)
            job = eng.jobs.run("data.import", {"path": str(source / "big.jsonl"), "name": "ads", "append": True})
        elif scenario == "export":
            target = folder / "exports" / "ads.jsonl"
            assert eng.jobs.wait(eng.data.export("ads", "alpaca", target).id).state.value == "succeeded"
            out["previous"] = target.read_text()
            # the database gets the big version first, then the disk fills and the export cannot be written
            assert eng.jobs.run("data.import", {"path": str(source / "big.jsonl"), "name": "ads",
                                                "append": True}).state.value == "succeeded"
            before = [(d.name, d.version_hash, d.count) for d in eng.data.list()]
            fill(folder, 256 << 10)
            job = eng.jobs.wait(eng.data.export("ads", "alpaca", target, force=True).id)
            out["after"] = target.read_text()
            out["siblings"] = sorted(p.name for p in target.parent.iterdir())
        elif scenario == "blob":
            from PIL import Image
            images = source / "images"
            images.mkdir()
            for i in range(4):
                Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(images / f"noise{i}.png")
                (images / f"noise{i}.txt").write_text(f"noise {i}")
            fill(folder, 1 << 20)
            job = eng.jobs.run("data.import", {"path": str(images), "name": "noise"})
            out["blob_tmp"] = [p.name for p in (ws / "blobs").glob("*.tmp")]
        else:
            raise SystemExit(f"unknown scenario {scenario}")
        out.update(state=job.state.value, error=job.error,
                   unchanged=[(d.name, d.version_hash, d.count) for d in eng.data.list()] == before)
    finally:
        eng.close()
    (folder / "ballast.bin").unlink(missing_ok=True)
    con = sqlite3.connect(ws / "workspace.db")
    out["integrity"] = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    reopened = Engine.open(ws, isolate=False)       # and the workspace opens and works again
    out["reopened"] = [(d.name, d.count) for d in reopened.data.list()]
    reopened.close()
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2]), ensure_ascii=False))
