"""SIGKILL at named points of a model import, a bundle export and a bundle import, through ``aigc``.

After each kill: the database is intact, no temporary file or folder is left in the workspace,
every registered model has all its files (a model folder never exists without its catalog row),
no bundle file appears half-written, and running the command again ends where an uninterrupted
run ends. All under ``-m slow``: each model or bundle import loads transformers to verify the model.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from reliability.faultkit import KILLED, after_kill, aigc, comparable, ok, points, snapshot

MODEL_POINTS = ["model.copy@1", "model.register@1", "model.copy@3", "atomic.replace_dir@1", "model.copy@2",
                "model.copy@4", "model.copy@5", "atomic.write@1", "atomic.replace@1", "model.copy@6"]
EXPORT_POINTS = ["bundle.export.write@1", "bundle.export.replace@1", "bundle.export.write@4",
                 "bundle.export.write@2", "bundle.export.write@3", "bundle.export.write@5",
                 "bundle.export.write@6", "bundle.export.write@7",
                 "atomic.write@1", "atomic.replace@1"]
IMPORT_POINTS = ["bundle.import.item@2", "bundle.extract@1", "bundle.import.item@3", "db.commit@2",
                 "bundle.extract@3", "bundle.extract@5", "bundle.extract@8", "bundle.import.item@1",
                 "db.commit@1", "atomic.write@1"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A tiny real model, a dataset and a task in one workspace, its bundle, and the reference states."""
    from bundles.tiny import build_text_model
    folder = tmp_path_factory.mktemp("kill-models")
    model = build_text_model(folder / "tiny-llama")
    data = folder / "ads.jsonl"
    data.write_text("".join(json.dumps({"instruction": f"广告 {i}", "output": f"产品 {i} 好用"}, ensure_ascii=False)
                            + "\n" for i in range(12)), encoding="utf-8")
    source = folder / "source"
    ok(aigc(source, "models", "import", model, "--name", "tiny-base"))
    after_model = comparable(snapshot(source))
    ok(aigc(source, "data", "import", data, "--name", "ads"))
    ok(aigc(source, "task", "create", "--name", "ad-copy", "--template", "Write an ad for {product}",
            "--dataset", "ads", "--model", "tiny-base"))
    bundle = folder / "ref.zip"
    ok(aigc(source, "bundle", "export", bundle, "--model", "tiny-base", "--dataset", "ads", "--task", "ad-copy"))
    target = folder / "target"
    ok(aigc(target, "bundle", "import", bundle))
    return {"model": model, "source": source, "bundle": bundle, "after_model": after_model,
            "after_import": comparable(snapshot(target))}


def _killed(proc, point):
    assert proc.returncode == KILLED, f"{point} was never reached: {proc.returncode} {proc.stderr[-500:]}"


@pytest.mark.parametrize("point", points(MODEL_POINTS, quick=0))
def test_model_import_killed(setup, tmp_path, point):
    ws = tmp_path / "ws"
    ok(aigc(ws, "status"))
    empty = comparable(snapshot(ws))
    _killed(aigc(ws, "models", "import", setup["model"], "--name", "tiny-base", fault=point), point)
    assert comparable(after_kill(ws, "models.import")) == empty
    ok(aigc(ws, "models", "import", setup["model"], "--name", "tiny-base"))
    assert comparable(snapshot(ws)) == setup["after_model"]


def _listing(bundle: Path) -> list:
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    return sorted((i["type"], i["name"], f["path"], f["sha256"]) for i in manifest["items"] for f in i["files"])


@pytest.mark.parametrize("point", points(EXPORT_POINTS, quick=0))
def test_bundle_export_killed(setup, tmp_path, point):
    import shutil
    ws = tmp_path / "ws"
    shutil.copytree(setup["source"], ws)
    before = comparable(snapshot(ws))
    out = tmp_path / "stick" / "dept.zip"
    out.parent.mkdir()
    args = ["bundle", "export", out, "--model", "tiny-base", "--dataset", "ads", "--task", "ad-copy"]
    _killed(aigc(ws, *args, fault=point), point)
    assert not out.exists()                                  # never a bundle that looks whole but is not
    assert comparable(after_kill(ws, "bundle.export")) == before
    ok(aigc(ws, *args))
    assert sorted(p.name for p in out.parent.iterdir()) == ["dept.zip"]   # the killed run's temp file is gone
    assert _listing(out) == _listing(setup["bundle"])


@pytest.mark.parametrize("point", points(IMPORT_POINTS, quick=0))
def test_bundle_import_killed(setup, tmp_path, point):
    ws = tmp_path / "ws"
    _killed(aigc(ws, "bundle", "import", setup["bundle"], fault=point), point)
    state = after_kill(ws, "bundle.import")
    reference = setup["after_import"]
    # each item is either wholly there or not at all
    assert set(state["models"]) <= set(reference["models"])
    assert set(state["datasets"]) <= set(reference["datasets"])
    assert set(state["tasks"]) <= set(reference["tasks"])
    ok(aigc(ws, "bundle", "import", setup["bundle"]))
    assert comparable(snapshot(ws)) == reference
