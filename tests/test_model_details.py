"""Model details read from the files: size, parameters, dtype, context length and licence, no weights loaded."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "text"))


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("details") / "llama", make_tokenizer())


def test_text_model_details_match_the_weights(eng, tiny_dir, tmp_path):
    import shutil
    from transformers import AutoModelForCausalLM
    folder = tmp_path / "llama"
    shutil.copytree(tiny_dir, folder)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nlanguage: en\n---\n# Tiny\n", encoding="utf-8")
    job = eng.jobs.run("models.import", {"path": str(folder), "name": "tiny", "kind": "text", "copy": False})
    assert job.state.value == "succeeded", job.error
    details = eng.models.details("tiny")
    weights = AutoModelForCausalLM.from_pretrained(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert details["parameters"] == weights.num_parameters()
    assert details["dtype"] == "float32" and details["quantization"] is None
    assert details["context_length"] == config["max_position_embeddings"]
    assert details["license"] == "apache-2.0"
    assert details["size_bytes"] == sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_licence_file_and_unknowns(eng, tiny_dir, tmp_path):
    import shutil
    folder = tmp_path / "other"
    shutil.copytree(tiny_dir, folder)
    (folder / "LICENSE").write_text("\n  MIT License\n\nCopyright ...\n", encoding="utf-8")
    job = eng.jobs.run("models.import", {"path": str(folder), "name": "other", "kind": "text", "copy": False})
    assert job.state.value == "succeeded", job.error
    assert eng.models.details("other")["license"] == "MIT License"
    from engine.errors import NotFound, UserError
    with pytest.raises((NotFound, UserError)):
        eng.models.details("ghost")


def test_rename_keeps_files_and_refuses_taken_names_and_task_references(eng, tiny_dir):
    from engine.errors import UserError
    job = eng.jobs.run("models.import", {"path": str(tiny_dir), "name": "first", "kind": "text", "copy": False})
    assert job.state.value == "succeeded", job.error
    job = eng.jobs.run("models.import", {"path": str(tiny_dir), "name": "second", "kind": "text", "copy": False})
    assert job.state.value == "succeeded", job.error
    before = eng.models.get("first")
    renamed = eng.models.rename("first", "Ads base")
    assert (renamed.id, renamed.sha256, renamed.path) == (before.id, before.sha256, before.path)
    assert eng.models.find("first") is None and eng.models.get("Ads base").id == before.id
    with pytest.raises(UserError, match="a model named 'second' already exists"):
        eng.models.rename("Ads base", "SECOND")
    eng.tasks.create({"name": "slogans", "template": "{x}", "model": "second"})
    with pytest.raises(UserError, match="named by task 'slogans'"):
        eng.models.rename("second", "third")
    assert eng.models.get("second").name == "second"


def test_cli_details_and_rename(tmp_path, tiny_dir):
    import subprocess

    def aigc(*args):
        result = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(tmp_path / "ws"), "--json", *args],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])
    aigc("models", "import", str(tiny_dir), "--name", "tiny", "--kind", "text")
    assert aigc("models", "details", "tiny")["dtype"] == "float32"
    assert aigc("models", "rename", "tiny", "tiny base")["name"] == "tiny base"
    assert aigc("models", "details", "tiny base")["parameters"] > 0
