"""Tiny real models for bundle tests (the two workspaces, eng_a and eng_b, are in tests/conftest.py)."""
from __future__ import annotations

import pytest

from bundles.tiny import build_text_lora, build_text_model


@pytest.fixture(scope="session")
def text_model_dir(tmp_path_factory):
    return build_text_model(tmp_path_factory.mktemp("bundle-models") / "tiny-llama")


@pytest.fixture(scope="session")
def text_lora_dir(text_model_dir, tmp_path_factory):
    return build_text_lora(text_model_dir, tmp_path_factory.mktemp("bundle-lora") / "tiny-lora")


@pytest.fixture
def filled_a(eng_a, text_model_dir, text_lora_dir):
    """Workspace A with a base model, an adapter on it, an annotated dataset and a task that uses all three."""
    job = eng_a.jobs.run("models.import", {"path": str(text_model_dir), "name": "tiny-base", "kind": "text"})
    assert job.state.value == "succeeded", job.error
    eng_a.models.register("tiny-ads-lora", "text", "adapter", text_lora_dir, base="tiny-base",
                          lineage={"dataset": "ads", "dataset_version": 1, "run_id": "r-test"})
    rows = [{"instruction": f"为产品 {i} 写广告", "output": f"产品 {i}：轻巧耐用。", "tags": ["ad", f"t{i % 2}"],
             "label": "good" if i % 3 else None, "split": "val" if i == 4 else "train",
             "status": "rejected" if i == 5 else ("accepted" if i == 2 else None), "note": "checked" if i == 1 else ""}
            for i in range(8)]
    rows.append({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
                 "system": "be brief"})
    eng_a.data.add_examples("ads", rows, "first version", modality="text")
    eng_a.data.add_examples("ads", [{"instruction": "one more", "output": "added later"}], "second version")
    eng_a.tasks.create({"name": "ad-copy", "template": "Write an ad for {product}", "dataset": "ads",
                        "model": "tiny-base", "adapter": "tiny-ads-lora",
                        "constraints": {"max_chars": 60, "banned_terms": ["cheap"]}})
    return eng_a


def snapshot(engine) -> dict:
    """Everything an import could change, to prove a refused import changed nothing."""
    ws = engine.workspace
    return {"models": sorted((m.name, m.sha256) for m in engine.models.list()),
            "model_dirs": sorted(p.name for p in (ws.root / "models").iterdir()),
            "datasets": sorted((d.name, d.version_hash) for d in engine.data.list()),
            "tasks": sorted(t.name for t in engine.tasks.list()),
            "tmp": sorted(p.name for p in (ws.root / "tmp").iterdir())}
