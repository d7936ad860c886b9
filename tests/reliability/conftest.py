"""Reliability fixtures: a small real bundle to attack (between eng_a and eng_b of tests/conftest.py); a tiny
text model and data; engines that isolate jobs or run them in-process."""
from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pytest

_TEXT = Path(__file__).resolve().parents[1] / "text"
if str(_TEXT) not in sys.path:
    sys.path.insert(0, str(_TEXT))


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("reliability-text") / "llama", make_tokenizer())


@pytest.fixture
def text_data(tmp_path):
    from text_tiny import examples, write_jsonl
    return write_jsonl(tmp_path / "ads.jsonl", examples(40))


@pytest.fixture
def iso(workspace_dir):
    """An engine whose heavy kinds run in worker processes, whatever AIGC_INPROCESS_JOBS says."""
    from engine.api import Engine
    engine_ = Engine.open(workspace_dir, isolate=True, kill_grace=1.0)
    yield engine_
    engine_.close()



@pytest.fixture
def light_bundle(eng_a, tmp_path) -> Path:
    rows = [{"instruction": f"为产品 {i} 写广告", "output": f"产品 {i}：轻巧耐用。", "tags": ["ad"]}
            for i in range(6)]
    eng_a.data.add_examples("ads", rows, "first version", modality="text")
    eng_a.tasks.create({"name": "ad-copy", "template": "Write an ad for {product}", "dataset": "ads"})
    out = tmp_path / "light.zip"
    job = eng_a.jobs.wait(eng_a.bundles.export(out, datasets=["ads"], tasks=["ad-copy"]).id)
    assert job.state.value == "succeeded", job.error
    return out


def state(engine) -> dict:
    """Everything an import could change, to prove a refused import changed nothing."""
    ws = engine.workspace
    return {"models": sorted(m.name for m in engine.models.list()),
            "datasets": sorted((d.name, d.version_hash) for d in engine.data.list()),
            "tasks": sorted(t.name for t in engine.tasks.list()),
            "tmp": sorted(p.name for p in (ws.root / "tmp").iterdir())}


def refused(engine, path, **kwargs) -> str:
    """Import must fail and change nothing; returns the reason."""
    before = state(engine)
    job = engine.jobs.wait(engine.bundles.import_(path, **kwargs).id)
    assert job.state.value == "failed", job.result
    assert state(engine) == before
    return job.error


def rebuild(src: Path, dst: Path, manifest_change=None, change=None, extra: dict | None = None,
            rehash: bool = False, compression=zipfile.ZIP_DEFLATED) -> Path:
    """Copy a bundle the way an attacker would: edit members, edit the manifest, add entries, recompute hashes."""
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    signature = members.pop("signature.json", None)
    members = {n: (change(n, d) if change else d) for n, d in members.items()}
    members.update(extra or {})
    if rehash:
        for item in manifest["items"]:
            for f in item["files"]:
                data = members.get(f"{item['root']}/{f['path']}")
                if data is not None:
                    f["size"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    if manifest_change:
        manifest_change(manifest)
    with zipfile.ZipFile(dst, "w", compression, compresslevel=9 if compression else None) as zout:
        for name, data in members.items():
            zout.writestr(name, data)
        zout.writestr("manifest.json", json.dumps(manifest))
        if signature is not None:
            zout.writestr("signature.json", signature)
    return dst


def item(manifest: dict, item_type: str) -> dict:
    return next(i for i in manifest["items"] if i["type"] == item_type)


@pytest.fixture
def inproc(workspace_dir):
    """An engine that runs every job on its own thread (imports, and fault rules set in this process)."""
    from engine.api import Engine
    engine_ = Engine.open(workspace_dir, isolate=False)
    yield engine_
    engine_.close()
