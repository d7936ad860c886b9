"""A bad bundle is refused with a message naming the item and file, and the workspace stays as it was."""
from __future__ import annotations

import json
import stat
import zipfile

import pytest

from bundles.conftest import snapshot
from bundles.test_roundtrip import export, import_
from bundles.tiny import rewrite_bundle


@pytest.fixture
def bundle(filled_a, tmp_path):
    out = tmp_path / "all.zip"
    export(filled_a, out, models=["tiny-base"], adapters=["tiny-ads-lora"], datasets=["ads"], tasks=["ad-copy"])
    return out


def refused(engine, path, renames=None) -> str:
    """Import must fail, change nothing, and inspect must agree; returns the reason."""
    from engine.errors import UserError
    before = snapshot(engine)
    try:
        job = import_(engine, path, renames)
    except UserError as exc:  # refused before a job started (not a zip, a folder...)
        assert snapshot(engine) == before
        return str(exc)
    assert job.state.value == "failed", job.result
    assert snapshot(engine) == before
    return job.error


def test_tampered_weights_are_named(bundle, eng_b, tmp_path):
    def flip(name, data):
        if name.endswith("adapter_model.safetensors"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data
    bad = rewrite_bundle(bundle, tmp_path / "tampered.zip", change=flip)
    reason = refused(eng_b, bad)
    assert "adapter 'tiny-ads-lora' file adapter_model.safetensors does not match its SHA-256" in reason
    report = eng_b.bundles.inspect(bad)
    assert not report["ok"] and "adapter_model.safetensors" in report["error"]


def test_truncated_zip(bundle, eng_b, tmp_path):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    assert "not a complete zip file" in refused(eng_b, cut)


def test_missing_and_unlisted_entries(bundle, eng_b, tmp_path):
    gone = rewrite_bundle(bundle, tmp_path / "gone.zip",
                          change=lambda n, d: None if n.endswith("records.jsonl") else d)
    assert "dataset 'ads' file records.jsonl is missing from the bundle" in refused(eng_b, gone)
    extra = rewrite_bundle(bundle, tmp_path / "extra.zip", extra={"items/01-model/run_me.py": b"print(1)"})
    assert "'items/01-model/run_me.py' is not listed in manifest.json" in refused(eng_b, extra)


def test_no_manifest_or_a_broken_one(bundle, eng_b, tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("notes.txt", "hello")
    assert "manifest.json is missing" in refused(eng_b, plain)

    def drop_sha(m):
        del m["items"][2]["files"][0]["sha256"]
    broken = rewrite_bundle(bundle, tmp_path / "broken.zip", manifest_change=drop_sha)
    assert "field 'sha256' is missing" in refused(eng_b, broken)

    def future(m):
        m["format_version"] = 99
    assert "newer than this program" in refused(eng_b, rewrite_bundle(bundle, tmp_path / "f.zip",
                                                                       manifest_change=future))


@pytest.mark.parametrize("evil", ["../outside.txt", "/etc/passwd-copy", "a/../../b.txt", "C:/windows.txt"])
def test_path_traversal_in_the_manifest(bundle, eng_b, tmp_path, evil):
    def point_outside(m):
        m["items"][3]["files"].append({"path": evil, "size": 1, "sha256": "0" * 64})
    bad = rewrite_bundle(bundle, tmp_path / "evil.zip", manifest_change=point_outside)
    assert "task 'ad-copy'" in refused(eng_b, bad)
    assert not (tmp_path / "outside.txt").exists()


def test_traversal_and_links_in_zip_entries(bundle, eng_b, tmp_path):
    bad = rewrite_bundle(bundle, tmp_path / "slip.zip", extra={"../slip.txt": b"x"})
    assert "leaves its folder" in refused(eng_b, bad)
    link = tmp_path / "link.zip"
    rewrite_bundle(bundle, link)
    with zipfile.ZipFile(link, "a") as zf:
        info = zipfile.ZipInfo("items/01-model/evil-link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    assert "is a link or special file" in refused(eng_b, link)


def test_pickle_weights_are_refused(bundle, eng_b, tmp_path):
    payload = b"\x80\x04pickled"

    def add_pickle(m):
        m["items"][0]["files"].append({"path": "pytorch_model.bin", "size": len(payload),
                                       "sha256": __import__("hashlib").sha256(payload).hexdigest()})
    bad = rewrite_bundle(bundle, tmp_path / "pickle.zip", manifest_change=add_pickle,
                         extra={"items/01-model/pytorch_model.bin": payload})
    assert "model 'tiny-base' file pytorch_model.bin: pickle files" in refused(eng_b, bad)


def test_adapter_without_its_base(filled_a, eng_b, tmp_path):
    only = tmp_path / "only-adapter.zip"
    export(filled_a, only, adapters=["tiny-ads-lora"])
    reason = refused(eng_b, only)
    assert "adapter 'tiny-ads-lora'" in reason and "base model 'tiny-base'" in reason
    assert eng_b.bundles.inspect(only)["items"][0]["base"] == "missing"
    base = tmp_path / "base.zip"
    export(filled_a, base, models=["tiny-base"])
    assert import_(eng_b, base).state.value == "succeeded"
    job = import_(eng_b, only)  # the base is here now, under any name
    assert job.state.value == "succeeded", job.error
    assert eng_b.models.get("tiny-ads-lora").base_id == eng_b.models.get("tiny-base").id


def test_taken_names_need_a_rename(bundle, eng_b, tmp_path):
    eng_b.data.add_examples("ads", [{"instruction": "something else", "output": "entirely"}], "local", modality="text")
    reason = refused(eng_b, bundle)
    assert "dataset 'ads': a different dataset named 'ads' already exists" in reason and "rename it on import" in reason
    from engine.cli.flag_hints import with_flags
    assert "--rename OLD=NEW" in with_flags(reason)   # the command line names the option
    report = eng_b.bundles.inspect(bundle)
    assert report["ok"] and not report["importable"]
    job = import_(eng_b, bundle, ["dataset:ads=ads-from-a"])
    assert job.state.value == "succeeded", job.error
    assert eng_b.tasks.get("ad-copy").dataset == "ads-from-a"


def test_unknown_rename_is_refused(bundle, eng_b):
    from engine.errors import UserError
    job = import_(eng_b, bundle, ["nope=x"])
    assert job.state.value == "failed" and "holds no item named 'nope'" in job.error
    with pytest.raises(UserError, match="expected OLD=NEW"):
        eng_b.bundles.import_(bundle, ["justaname"])


def test_a_late_failure_removes_what_was_already_registered(bundle, eng_b, tmp_path):
    """Bytes that hash right but do not import (an altered, re-signed bundle): models are rolled back."""
    def break_records(name, data):
        return b'{"instruction": "ok", "output": "fine"}\n{"status": "maybe", "output": "x"}\n' \
            if name.endswith("records.jsonl") else data
    bad = rewrite_bundle(bundle, tmp_path / "resigned.zip", change=break_records, resign=True)
    reason = refused(eng_b, bad)
    assert reason.startswith("dataset 'ads':") and "status" in reason


def test_a_broken_model_folder_is_refused_before_registration(bundle, eng_b, tmp_path):
    def bad_config(name, data):
        if name == "items/01-model/config.json":
            config = json.loads(data)
            config["hidden_size"] = 48
            return json.dumps(config).encode()
        return data

    def keep_digest(m):  # a consistent bundle whose model no longer matches its weights
        from engine.models.manifest import manifest_digest
        item = m["items"][0]
        item["sha256"] = manifest_digest({f["path"]: f for f in item["files"]})
        m["items"][1]["base_sha256"] = item["sha256"]
    bad = rewrite_bundle(bundle, tmp_path / "shape.zip", change=bad_config, resign=True, manifest_change=keep_digest)
    reason = refused(eng_b, bad)
    assert reason.startswith("model 'tiny-base':") and "shape" in reason
