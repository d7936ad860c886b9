"""A workspace is its owner's only (0700 folders, 0600 files), and job logs cannot grow without bound.

Mode bits are checked, not access: tests may run as root, who can read anything.
"""
from __future__ import annotations

import os
import stat

import pytest

from engine.jobs import job_kind, logfile

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


@job_kind("test.chatty", title="Chatty")
def _chatty(ctx) -> dict:
    for i in range(int(ctx.params["lines"])):
        ctx.log(f"line {i:05d} " + "x" * 30)
    return {"lines": ctx.params["lines"]}


def loose_entries(root) -> list[str]:
    """Everything under ``root`` (and root itself) that group or others may read, write or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {oct(mode)}")
    return found


def test_everything_a_workspace_holds_is_owner_only(tmp_path):
    from engine.api import Engine
    root = tmp_path / "ws"
    with Engine.open(root) as engine:
        engine.data.add_examples("faq", [{"instruction": f"问题 {i}", "output": f"回答 {i}"} for i in range(5)],
                                 "faq", modality="text")
        engine.tasks.create({"name": "faq-reply", "template": "Answer: {question}", "dataset": "faq"})
        engine.keys.create()
        engine.workspace.blobs.put_bytes(b"an image, say")
        job = engine.jobs.wait(engine.bundles.export(root / "exports" / "faq.zip", datasets=["faq"],
                                                     tasks=["faq-reply"]).id)
        assert job.state.value == "succeeded", job.error
        assert engine.jobs.run("test.chatty", {"lines": 3}).state.value == "succeeded"
        names = {p.name for p in root.rglob("*")}
        assert {"workspace.db", "faq.zip", "department.key"} <= names and any(n.endswith(".log") for n in names)
        assert loose_entries(root) == []


def test_an_older_open_workspace_folder_is_closed_on_open(tmp_path):
    from engine.api import Engine
    root = tmp_path / "ws"
    root.mkdir(mode=0o755)
    (root / "jobs").mkdir(mode=0o755)
    os.chmod(root, 0o755)
    os.chmod(root / "jobs", 0o755)
    Engine.open(root).close()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "jobs").stat().st_mode) == 0o700


def test_job_logs_rotate(eng, monkeypatch):
    monkeypatch.setattr(logfile, "MAX_BYTES", 4096)
    monkeypatch.setattr(logfile, "KEEP", 2)
    job = eng.jobs.run("test.chatty", {"lines": 600})   # about 30 KB of log
    assert job.state.value == "succeeded", job.error
    log = eng.workspace.root / "jobs" / f"{job.id}.log"
    files = sorted(log.parent.glob(f"{job.id}.log*"))
    assert [p.name for p in files] == [log.name, f"{log.name}.1", f"{log.name}.2"]
    assert all(p.stat().st_size <= 4096 for p in files)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert log.read_text(encoding="utf-8").rstrip().endswith("finished")

    def numbers(path):
        return [int(line.split()[2]) for line in path.read_text(encoding="utf-8").splitlines() if " line " in line]
    oldest, older, current = numbers(files[2]), numbers(files[1]), numbers(files[0])
    assert oldest + older + current == list(range(oldest[0], 600))  # in order, nothing lost but the oldest
