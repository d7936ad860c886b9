"""Hostile bundles: manifests that point outside the bundle, altered records, and bombs. All refused whole.

Every case is a bundle an attacker can build by hand (valid zip, valid JSON,
correct SHA-256 for every listed file); each must be refused by import (nothing
registered, nothing left in tmp/) and by inspect.
"""
from __future__ import annotations

import json
import zipfile

import pytest

from reliability.conftest import item, rebuild, refused, state

UP = "../../../../../"   # from tmp/bundle-import-X/items/NN-type up to the folder holding both workspaces


def _secret_records(tmp_path):
    secret = tmp_path / "secret.jsonl"
    secret.write_text(json.dumps({"instruction": "SECRET salary list", "output": "not for export"}) + "\n",
                      encoding="utf-8")
    return secret


def _outside_task(light_bundle, tmp_path):
    with zipfile.ZipFile(light_bundle) as zf:
        member = next(n for n in zf.namelist() if n.endswith("task.json"))
        doc = json.loads(zf.read(member))
    doc["tasks"][0]["template"] = "EXFILTRATED {product}"
    path = tmp_path / "evil-task.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _point(item_type, value):
    def change(manifest):
        item(manifest, item_type)["info"]["file"] = value
    return change


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_dataset_file_outside_the_bundle_is_refused(light_bundle, eng_b, tmp_path, where):
    secret = _secret_records(tmp_path)
    target = str(secret) if where == "absolute" else UP + secret.name
    bad = rebuild(light_bundle, tmp_path / "evil.zip", manifest_change=_point("dataset", target))
    reason = refused(eng_b, bad)
    assert "dataset 'ads'" in reason and "info.file" in reason
    assert not eng_b.data.exists("ads")
    report = eng_b.bundles.inspect(bad)
    assert not report["ok"] and "info.file" in report["error"]


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_task_file_outside_the_bundle_is_refused(light_bundle, eng_b, tmp_path, where):
    evil = _outside_task(light_bundle, tmp_path)
    target = str(evil) if where == "absolute" else UP + evil.name
    bad = rebuild(light_bundle, tmp_path / "evil.zip", manifest_change=_point("task", target))
    reason = refused(eng_b, bad)
    assert "task 'ad-copy'" in reason and "info.file" in reason
    report = eng_b.bundles.inspect(bad)
    assert not report["ok"] and "info.file" in report["error"]


@pytest.mark.parametrize("value, why", [("../02-task/task.json", "leaves its folder"),
                                         ("notes.txt", "not one of the item's files"),
                                         (["records.jsonl"], "not text")])
def test_dataset_file_must_be_one_of_its_own_files(light_bundle, eng_b, tmp_path, value, why):
    bad = rebuild(light_bundle, tmp_path / "evil.zip", manifest_change=_point("dataset", value))
    reason = refused(eng_b, bad)
    assert "info.file" in reason and why in reason


def test_unknown_dataset_format_is_refused(light_bundle, eng_b, tmp_path):
    def change(manifest):
        item(manifest, "dataset")["info"]["format"] = "../../csv"
    reason = refused(eng_b, rebuild(light_bundle, tmp_path / "evil.zip", manifest_change=change))
    assert "info.format" in reason


def test_altered_records_with_recomputed_file_hash_are_refused(light_bundle, eng_b, tmp_path):
    """The file hash was recomputed, the dataset's version hash was not: refused, and the task not added either."""
    def add_record(name, data):
        if name.endswith("records.jsonl"):
            return data + (json.dumps({"instruction": "injected", "output": "buy now"}) + "\n").encode()
        return data
    bad = rebuild(light_bundle, tmp_path / "altered.zip", change=add_record, rehash=True)
    reason = refused(eng_b, bad)
    assert "dataset 'ads'" in reason and "version hash" in reason
    assert not eng_b.data.exists("ads") and [t.name for t in eng_b.tasks.list()] == []


def _padding(count: int, size: int) -> dict:
    return {f"items/01-dataset/padding/{i:03d}.txt": bytes(size) for i in range(count)}


def _list_padding(padding: dict):
    import hashlib

    def change(manifest):
        files = item(manifest, "dataset")["files"]
        for name, data in padding.items():
            files.append({"path": name.split("/", 2)[2], "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return change


@pytest.mark.parametrize("count, size", [(40, 1 << 20), (1, 8 << 20)], ids=["many-small", "one-large"])
def test_bundle_bombs_are_refused_before_unpacking(light_bundle, eng_b, tmp_path, count, size):
    padding = _padding(count, size)
    bad = rebuild(light_bundle, tmp_path / "bomb.zip", extra=padding, manifest_change=_list_padding(padding))
    assert bad.stat().st_size < 200_000  # MiBs of zeros in a few KB
    report = eng_b.bundles.inspect(bad)
    assert not report["ok"] and "zip bomb" in report["error"]
    assert "zip bomb" in refused(eng_b, bad)


def test_an_honest_bundle_still_imports(light_bundle, eng_b):
    before = state(eng_b)
    job = eng_b.jobs.wait(eng_b.bundles.import_(light_bundle).id)
    assert job.state.value == "succeeded", job.error
    assert job.result["added"] == 2 and state(eng_b) != before
