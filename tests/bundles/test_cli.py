"""``aigc bundle export | inspect | import`` as scripts and IT use them."""
from __future__ import annotations

import json
import subprocess
import sys

from bundles.tiny import rewrite_bundle


def aigc(workspace, *args):
    return subprocess.run([sys.executable, "-m", "engine", "--workspace", str(workspace), *args],
                          capture_output=True, text=True, timeout=300)


def last_json(proc) -> dict:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_export_inspect_import_from_the_command_line(tmp_path):
    from engine.api import Engine
    a, b = tmp_path / "a", tmp_path / "b"
    with Engine.open(a) as engine:
        engine.data.add_examples("faq", [{"instruction": f"问题 {i}", "output": f"回答 {i}"} for i in range(5)],
                                 "faq", modality="text")
        engine.tasks.create({"name": "faq-reply", "template": "Answer: {question}", "dataset": "faq"})
        expected_hash = engine.data.get("faq").version_hash
    out = tmp_path / "faq.zip"
    exported = last_json(aigc(a, "--json", "bundle", "export", str(out), "--dataset", "faq@1", "--task", "faq-reply"))
    assert exported["out"] == str(out) and [i["type"] for i in exported["items"]] == ["dataset", "task"]

    report = last_json(aigc(b, "bundle", "inspect", str(out), "--json"))
    assert report["ok"] and report["importable"] and report["files"] == 2

    human = aigc(b, "bundle", "inspect", str(out), "--rename", "faq=faq-hq")
    assert human.returncode == 0 and "dataset  faq -> faq-hq" in human.stdout

    imported = last_json(aigc(b, "--json", "bundle", "import", str(out), "--rename", "faq=faq-hq"))
    assert imported["added"] == 2
    with Engine.open(b) as engine:
        assert engine.data.get("faq-hq").version_hash == expected_hash
        assert engine.tasks.get("faq-reply").dataset == "faq-hq"

    again = aigc(b, "bundle", "import", str(out))
    assert again.returncode != 0
    assert again.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "task 'faq-reply': a different task named 'faq-reply' already exists" in again.stderr

    bad = rewrite_bundle(out, tmp_path / "bad.zip",
                         change=lambda n, d: d.replace("回答".encode(), "答复".encode()) if n.endswith(".jsonl") else d)
    inspected = aigc(b, "bundle", "inspect", str(bad))
    assert inspected.returncode != 0
    line = inspected.stderr.strip().splitlines()[-1]
    assert line.startswith("error: dataset 'faq' file records.jsonl does not match its SHA-256")


def test_export_of_an_unknown_name_fails_at_once(tmp_path):
    proc = aigc(tmp_path / "ws", "bundle", "export", str(tmp_path / "x.zip"), "--task", "nope")
    assert proc.returncode != 0 and "no task named 'nope'" in proc.stderr
    assert not (tmp_path / "x.zip").exists()
