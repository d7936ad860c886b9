"""The shipped starter text model: registered by reference, demo-labelled, generates, passes the self-test."""
from __future__ import annotations

import json

from engine.cli import main
from engine.text import starter


def test_starter_weights_are_small_fp16_safetensors():
    folder = starter.model_dir()
    files = list(folder.iterdir())
    assert sum(p.stat().st_size for p in files) < 12 * 2**20
    assert not [p for p in files if p.suffix in (".bin", ".pt", ".pth")]
    config = json.loads((folder / "config.json").read_text())
    assert config["dtype"] == "float16" and config["architectures"] == ["LlamaForCausalLM"]
    card = json.loads((folder / "starter.json").read_text())
    assert card["quality"] == "demo" and card["recipe"] == {
        k: v for k, v in json.loads((starter.starter_dir() / "recipe.json").read_text()).items() if k != "_about"}


def test_fresh_workspace_gets_the_starter_by_reference(eng):
    assert starter.install_into(eng)["added"] == starter.NAME
    assert starter.install_into(eng) == {"skipped": starter.NAME}   # idempotent
    model = eng.models.get(starter.NAME)
    assert model.demo is True and model.path == str(starter.model_dir())
    assert not any((eng.root / "models" / model.id).glob("files"))  # nothing copied
    assert eng.models.verify(starter.NAME)["ok"] is True
    eng.models.remove(starter.NAME)
    assert (starter.model_dir() / "config.json").is_file()


def test_aigc_generate_with_the_starter_prints_text(capsys, tmp_path):
    ws = str(tmp_path / "ws")
    assert main(["--workspace", ws, "models", "starter", "--kind", "text"]) == 0
    capsys.readouterr()
    code = main(["--workspace", ws, "generate", "--model", "starter-text", "--prompt",
                 "Write a one-line ad for the Harbor leather tote bag aimed at busy commuters, tone: minimalist.",
                 "--max-new-tokens", "24", "--seed", "1"])
    captured = capsys.readouterr()
    assert code == 0
    assert len(captured.out.strip()) >= 5
    assert "demo-quality" in captured.err


def test_selftest_text_check_passes():
    from engine.selftest import run_selftest
    report = run_selftest(only=["text"])
    assert report["ok"], report
    assert report["checks"][0]["tokens"] >= 1
