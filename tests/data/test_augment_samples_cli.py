"""Augmentation, the sample installer, the self-test check and the `aigc data` command line."""
from __future__ import annotations

import json
import random
import subprocess
import sys

import data_files as f
import pytest

from engine.data import augment as aug
from engine.errors import UserError


def test_operations_are_seeded_and_change_the_prompt():
    text = "请为新款绿茶写一句简短的广告语，面向年轻客户，语气温暖。"
    assert aug.synonym(text, random.Random(1)) == aug.synonym(text, random.Random(1)) != text
    assert sorted(aug.swap(text, random.Random(2))) == sorted(text)
    assert len(aug.delete(text, random.Random(3))) < len(text)
    assert aug.template("写一句广告语", random.Random(4)) != "写一句广告语"
    assert aug.synonym("Write a short reply for the customer", random.Random(5)) != \
        "Write a short reply for the customer"


def test_augment_job_adds_tagged_train_examples_only(eng):
    rows = [{"instruction": f"为新款{p}写一句简短的广告语，面向年轻客户", "output": f"{p}，好用。", "split": s}
            for p, s in [("绿茶", "train"), ("耳机", "train"), ("台灯", "val")]]
    eng.data.add_examples("a", rows, "seed", modality="text")
    job = eng.jobs.run("data.augment", {"name": "a", "ops": ["synonym", "template"], "per_example": 2, "seed": 3})
    assert job.state.value == "succeeded", job.error
    added = [r for r in eng.data.records("a") if r["id"] > 3]
    assert len(added) == job.result["added"] >= 2
    assert all(r["split"] == "train" and r["tags"][0].startswith("aug:") for r in added)
    assert all(r["output"] in ("绿茶，好用。", "耳机，好用。") for r in added)
    assert eng.data.count("a", split="val") == 1


def test_augment_refuses_unknown_ops(eng):
    eng.data.add_examples("a", [{"instruction": "q", "output": "a"}], "seed", modality="text")
    with pytest.raises(UserError, match="unknown augmentation 'backtranslate'"):  # refused before the job starts
        eng.jobs.submit("data.augment", {"name": "a", "ops": ["backtranslate"]})


def test_sample_installer_is_idempotent(eng, tmp_path):
    from engine.data.samples import sample_sources
    if not sample_sources():
        pytest.skip("resources/samples/datasets is not in this checkout")
    import threading

    from engine.data.samples import install_sample_datasets
    from engine.jobs import JobContext
    ctx = JobContext("samples-test", {}, eng.workspace, tmp_path / "log.txt", lambda e: None, lambda f, m: None,
                     lambda s, n, v: None, threading.Event(), engine=eng)
    first = install_sample_datasets(eng, ctx)
    names = {name for name, _ in sample_sources()}
    assert set(first["added"]) == names == {d.name for d in eng.data.list()}
    assert all(d.count > 0 for d in eng.data.list())
    before = {d.name: d.version_hash for d in eng.data.list()}
    second = install_sample_datasets(eng, ctx)
    assert second["added"] == [] and {d.name: d.version_hash for d in eng.data.list()} == before


def test_selftest_check(eng):
    from engine.data.samples import datasets_check
    result = datasets_check(eng)
    assert result["records"] == 3 and result["images"] == 2


def cli(ws, *args):
    proc = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(ws), *args, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_cli_workflow(tmp_path):
    ws = tmp_path / "ws"
    src = f.excel_gbk_csv(tmp_path / "crm.csv")
    preview = cli(ws, "data", "preview", str(src))
    assert preview["encoding"] == "gb18030" and len(preview["rows"]) == 4
    imported = cli(ws, "data", "import", str(src), "--name", "crm", "--map", "类别=label")
    assert imported["imported"] == 4 and imported["version"] == 1
    assert cli(ws, "data", "list")["datasets"][0]["name"] == "crm"
    annotated = cli(ws, "data", "annotate", "crm", "--ids", "2,3", "--tag", "spam")
    assert annotated["version"] == 2
    assert cli(ws, "data", "annotate", "crm", "--where-tag", "spam", "--reject")["matched"] == 2
    cleaned = cli(ws, "data", "clean", "crm", "--rules", "exact-dup", "pii=redact")
    assert "exact_dup" in cleaned["report"]
    split = cli(ws, "data", "split", "crm", "--val", "0.5", "--test", "0", "--seed", "3")
    assert sum(split["split"].values()) == 2
    shown = cli(ws, "data", "show", "crm", "--records", "2")
    assert shown["stats"]["status"]["rejected"] == 2 and len(shown["records"]) == 2
    diff = cli(ws, "data", "diff", "crm", "1", "3")
    assert diff["counts"]["changed"] == 2
    out = tmp_path / "crm.jsonl"
    assert cli(ws, "data", "export", "crm", "--format", "jsonl", str(out))["count"] == 2
    assert len(cli(ws, "data", "versions", "crm")["versions"]) >= 3
