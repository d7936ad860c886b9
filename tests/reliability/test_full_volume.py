"""A real full disk: a small tmpfs in a user and mount namespace (``unshare -rm``), filled to the brim.

The database, an export and the blob store meet the kernel's own ENOSPC (see ``fullvolume.py``):
the job fails with one line naming the disk and what it was writing, the previous file and the
previous dataset version are intact, nothing partial is left, and the workspace opens again.
Skipped where unprivileged namespaces are not available.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.offline import child_env, python_command

SCRIPT = Path(__file__).with_name("fullvolume.py")


def _namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || "
                            "mount -t tmpfs -o size=1m tmpfs /tmp"], capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _namespaces_work(), reason="no unprivileged user+mount namespaces here")


def _run(tmp_path, scenario: str) -> dict:
    mount, source = tmp_path / "disk", tmp_path / "source"
    mount.mkdir()
    source.mkdir()
    command = " ".join(python_command([str(SCRIPT), str(mount), scenario]))
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=16m tmpfs '{mount}' && exec {command}"],
                          env={**child_env(), "AIGC_SOURCE_DIR": str(source), "AIGC_DEVICE": "cpu"},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["state"] == "failed"
    assert result["error"].startswith("the disk is full while writing "), result["error"]
    assert "\n" not in result["error"] and "nothing was half-written" in result["error"]
    assert result["unchanged"] and result["integrity"] == "ok"
    return result


def test_database_on_a_full_disk(tmp_path):
    result = _run(tmp_path, "database")
    assert "the workspace database" in result["error"]
    assert result["reopened"] == [["ads", 20]]


def test_export_on_a_full_disk_keeps_the_previous_file(tmp_path):
    result = _run(tmp_path, "export")
    assert "ads.jsonl" in result["error"]
    assert result["after"] == result["previous"]
    assert result["siblings"] == ["ads.jsonl"]


def test_blob_store_on_a_full_disk(tmp_path):
    result = _run(tmp_path, "blob")
    assert "blobs" in result["error"] and result["blob_tmp"] == []
