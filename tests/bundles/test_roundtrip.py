"""Export from one workspace, import into a fresh one: everything arrives intact and usable."""
from __future__ import annotations

import zipfile

from bundles.conftest import snapshot


def export(engine, out, **items):
    job = engine.jobs.wait(engine.bundles.export(out, **items).id)
    assert job.state.value == "succeeded", job.error
    return job.result


def import_(engine, path, renames=None):
    return engine.jobs.wait(engine.bundles.import_(path, renames).id)


def test_everything_moves_to_a_fresh_workspace(filled_a, eng_b, tmp_path):
    a = filled_a
    out = tmp_path / "usb" / "ads.zip"
    result = export(a, out, models=["tiny-base"], adapters=["tiny-ads-lora"], datasets=["ads"], tasks=["ad-copy"])
    assert [i["type"] for i in result["items"]] == ["model", "adapter", "dataset", "task"]
    assert not [p for p in out.parent.iterdir() if p.name != "ads.zip"], "no temporary file left beside the bundle"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "manifest.json" in names
        weights = [i for i in zf.infolist() if i.filename.endswith(".safetensors")]
        assert weights and all(i.compress_type == zipfile.ZIP_STORED for i in weights)
        assert zf.getinfo(next(n for n in names if n.endswith("records.jsonl"))).compress_type == zipfile.ZIP_DEFLATED

    report = eng_b.bundles.inspect(out)
    assert report["ok"] and report["importable"], report
    adapter = next(i for i in report["items"] if i["type"] == "adapter")
    assert adapter["base"] == "in bundle: tiny-base"
    assert snapshot(eng_b)["models"] == [] and snapshot(eng_b)["datasets"] == []  # inspect changes nothing

    job = import_(eng_b, out)
    assert job.state.value == "succeeded", job.error
    assert job.result["added"] == 4

    for name in ("tiny-base", "tiny-ads-lora"):
        here, there = eng_b.models.get(name), a.models.get(name)
        assert (here.sha256, here.kind, here.role) == (there.sha256, there.kind, there.role)
        assert eng_b.models.verify(name)["ok"]
        assert "models" in here.path and str(eng_b.workspace.root) in here.path
    lora = eng_b.models.get("tiny-ads-lora")
    assert lora.base_id == eng_b.models.get("tiny-base").id
    assert lora.lineage["run_id"] == "r-test" and lora.lineage["base_sha256"] == a.models.get("tiny-base").sha256

    src, dst = a.data.get("ads"), eng_b.data.get("ads")
    assert (dst.count, dst.version_hash) == (src.count, src.version_hash)  # annotations and rejected rows too
    assert eng_b.data.count("ads", status="rejected") == 1
    assert list(eng_b.data.iter_examples("ads")) == list(a.data.iter_examples("ads"))
    assert eng_b.tasks.get("ad-copy").to_dict() == a.tasks.get("ad-copy").to_dict()

    gen = eng_b.text.generator("tiny-base", "tiny-ads-lora")
    out_text = gen.generate(["Write a short ad for tea."], {"max_new_tokens": 4, "seed": 1})[0]
    eng_b.text.unload()
    assert out_text["tokens"] >= 1
    assert snapshot(eng_b)["tmp"] == []


def test_an_older_dataset_version_travels(filled_a, eng_b, tmp_path):
    out = tmp_path / "v1.zip"
    export(filled_a, out, datasets=["ads@1"])
    assert import_(eng_b, out).state.value == "succeeded"
    v1 = filled_a.data.versions("ads")[0]
    got = eng_b.data.get("ads")
    assert got.version == 1 and got.count == filled_a.data.count("ads", version=1)
    assert got.version_hash == v1["hash"]


def test_import_twice_skips_what_is_already_here(filled_a, eng_b, tmp_path):
    out = tmp_path / "b.zip"
    export(filled_a, out, models=["tiny-base"], datasets=["ads"], tasks=["ad-copy"])
    assert import_(eng_b, out).state.value == "succeeded"
    before = snapshot(eng_b)
    job = import_(eng_b, out)
    assert job.state.value == "succeeded", job.error
    assert job.result["added"] == 0 and job.result["present"] == 3
    assert snapshot(eng_b) == before


def test_rename_on_import_and_task_follows(filled_a, tmp_path):
    a = filled_a
    out = tmp_path / "r.zip"
    export(a, out, adapters=["tiny-ads-lora"], datasets=["ads"], tasks=["ad-copy"])
    report = a.bundles.inspect(out)  # identical items are already here: nothing to do
    assert [i["action"] for i in report["items"]] == ["present", "present", "present"]
    renames = ["tiny-ads-lora=ads-lora-hq", "dataset:ads=ads-hq", "ad-copy=ad-copy-hq"]
    notes = a.bundles.inspect(out, renames=renames)["items"][0]["notes"]
    assert notes == ["the same files are already here as 'tiny-ads-lora'; this adds a second copy"]
    job = import_(a, out, renames)
    assert job.state.value == "succeeded", job.error
    task = a.tasks.get("ad-copy-hq")
    assert (task.dataset, task.adapter, task.model) == ("ads-hq", "ads-lora-hq", "tiny-base")
    assert a.models.get("ads-lora-hq").base_id == a.models.get("tiny-base").id
    assert a.data.get("ads-hq").version_hash == a.data.get("ads").version_hash


def test_export_refuses_unknown_names_and_wrong_roles(filled_a, tmp_path):
    import pytest

    from engine.errors import UserError
    with pytest.raises(UserError, match="no model named 'nope'"):
        filled_a.bundles.export(tmp_path / "x.zip", models=["nope"])
    with pytest.raises(UserError, match="add it as an adapter") as wrong_role:
        filled_a.bundles.export(tmp_path / "x.zip", models=["tiny-ads-lora"])
    assert wrong_role.value.options == ("--adapter",)   # the command line names the option after the words
    with pytest.raises(UserError, match="no version 7"):
        filled_a.bundles.export(tmp_path / "x.zip", datasets=["ads@7"])
    with pytest.raises(UserError, match="nothing to export"):
        filled_a.bundles.export(tmp_path / "x.zip")
    export(filled_a, tmp_path / "x.zip", tasks=["ad-copy"])
    with pytest.raises(UserError, match="already exists"):
        filled_a.bundles.export(tmp_path / "x.zip", tasks=["ad-copy"])
    export(filled_a, tmp_path / "x.zip", tasks=["ad-copy"], overwrite=True)


def test_export_refuses_a_model_changed_since_import(filled_a, text_lora_dir, tmp_path):
    import shutil

    import pytest

    from engine.errors import UserError
    copy = tmp_path / "lora-copy"
    shutil.copytree(text_lora_dir, copy)
    filled_a.models.register("lora-copy", "text", "adapter", copy, base="tiny-base")
    config = copy / "adapter_config.json"
    config.write_text(config.read_text(encoding="utf-8").replace('"r": 4', '"r": 8'), encoding="utf-8")
    out = tmp_path / "changed.zip"
    job = filled_a.jobs.wait(filled_a.bundles.export(out, adapters=["lora-copy"]).id)
    assert job.state.value == "failed"
    assert "adapter 'lora-copy': file adapter_config.json changed since it entered the catalog" in job.error
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".changed")] == []
    (copy / "adapter_config.json").unlink()
    with pytest.raises(UserError, match="adapter_config.json is missing"):
        filled_a.bundles.export(out, adapters=["lora-copy"])


def test_inspect_notes_what_a_task_needs_that_is_not_coming(filled_a, eng_b, tmp_path):
    out = tmp_path / "task-only.zip"
    export(filled_a, out, tasks=["ad-copy"])
    report = eng_b.bundles.inspect(out)
    assert report["importable"]
    notes = report["items"][0]["notes"]
    assert any("model 'tiny-base'" in n for n in notes) and any("adapter 'tiny-ads-lora'" in n for n in notes)
    assert any("dataset 'ads'" in n for n in notes)
    export(filled_a, tmp_path / "with-data.zip", datasets=["ads"], tasks=["ad-copy"])
    notes = eng_b.bundles.inspect(tmp_path / "with-data.zip", renames=["ads=ads2"])["items"][1]["notes"]
    assert not any("dataset" in n for n in notes)
