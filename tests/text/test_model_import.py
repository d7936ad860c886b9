"""Importing text models: every family imports; bad folders are refused and register nothing."""
from __future__ import annotations

import json
import shutil

import pytest

from engine.errors import UserError


def run_import(eng, path, **params):
    job = eng.jobs.run("models.import", {"path": str(path), **params})
    return job


def assert_refused(eng, path, fragment, **params):
    """Refused before the job starts (a path or name problem) or by the job (a problem inside the files)."""
    try:
        job = run_import(eng, path, **params)
    except UserError as exc:
        error = str(exc)
    else:
        assert job.state.value == "failed", job.to_dict()
        error = job.error
    assert fragment in error, error
    assert "\n" not in error
    assert eng.models.list() == []
    assert [p.name for p in (eng.root / "models").iterdir()] == []
    assert [p.name for p in (eng.root / "tmp").iterdir()] == []
    return error


@pytest.mark.parametrize("arch", ["llama", "qwen2", "gpt2", "mistral", "phi3", "gemma"])
def test_every_family_imports_and_verifies(eng, tiny_models, arch):
    job = run_import(eng, tiny_models[arch], name=f"tiny-{arch}")
    assert job.state.value == "succeeded", job.error
    model = eng.models.get(f"tiny-{arch}")
    assert model.kind == "text" and model.role == "base" and len(model.sha256) == 64
    assert model.info["chat_template"] is True
    assert model.info["sharded"] is (arch == "llama")
    manifest = json.loads((eng.root / "models" / model.id / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"config.json", "tokenizer.json"}
    assert eng.models.verify(model.name)["ok"] is True


def test_verify_detects_changed_file_and_remove(eng, llama_dir):
    run_import(eng, llama_dir, name="m")
    model = eng.models.get("m")
    (eng.models.get("m").path and open(f"{model.path}/config.json", "a")).write(" ")
    report = eng.models.verify("m")
    assert report["ok"] is False and report["changed"] == ["config.json"]
    eng.models.remove("m")
    assert eng.models.list() == []
    assert not (eng.root / "models" / model.id).exists()


def test_reference_instead_of_copy(eng, llama_dir):
    job = run_import(eng, llama_dir, name="ref", copy=False)
    assert job.state.value == "succeeded", job.error
    model = eng.models.get("ref")
    assert model.path == str(llama_dir.resolve())
    eng.models.remove("ref")
    assert llama_dir.exists()


def test_duplicate_name_refused(eng, llama_dir):
    run_import(eng, llama_dir, name="dup")
    with pytest.raises(UserError, match="already exists"):  # refused before the job starts
        run_import(eng, llama_dir, name="DUP")


def test_pickle_only_weights_refused(eng, llama_dir, tmp_path):
    import torch
    from safetensors.torch import load_file
    bad = tmp_path / "pickle"
    shutil.copytree(llama_dir, bad)
    state = {}
    for shard in bad.glob("*.safetensors"):
        state.update(load_file(shard))
        shard.unlink()
    (bad / "model.safetensors.index.json").unlink()
    torch.save(state, bad / "pytorch_model.bin")
    error = assert_refused(eng, bad, "pickle")
    assert "safetensors" in error


def test_remote_code_refused(eng, llama_dir, tmp_path):
    bad = tmp_path / "remote"
    shutil.copytree(llama_dir, bad)
    cfg = json.loads((bad / "config.json").read_text())
    cfg["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilModel"}
    (bad / "config.json").write_text(json.dumps(cfg))
    assert_refused(eng, bad, "auto_map")


def test_missing_tokenizer_refused(eng, tiny_models, tmp_path):
    bad = tmp_path / "notok"
    shutil.copytree(tiny_models["qwen2"], bad)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json"):
        (bad / name).unlink(missing_ok=True)
    assert_refused(eng, bad, "tokenizer")


def test_truncated_shard_refused(eng, llama_dir, tmp_path):
    bad = tmp_path / "trunc"
    shutil.copytree(llama_dir, bad)
    shard = sorted(bad.glob("model-*.safetensors"))[1]
    shard.write_bytes(shard.read_bytes()[:-64])
    assert_refused(eng, bad, shard.name)


def test_missing_shard_refused(eng, llama_dir, tmp_path):
    bad = tmp_path / "noshard"
    shutil.copytree(llama_dir, bad)
    sorted(bad.glob("model-*.safetensors"))[-1].unlink()
    assert_refused(eng, bad, "missing")


def test_huge_config_refused(eng, tiny_models, tmp_path):
    bad = tmp_path / "huge"
    shutil.copytree(tiny_models["qwen2"], bad)
    cfg = json.loads((bad / "config.json").read_text())
    cfg.update(hidden_size=8192, intermediate_size=28672, num_hidden_layers=96, num_attention_heads=64,
               num_key_value_heads=8, dtype="bfloat16")
    cfg.pop("layer_types", None)
    (bad / "config.json").write_text(json.dumps(cfg))
    error = assert_refused(eng, bad, "billion parameters")
    assert "GB" in error


def test_vocab_embedding_mismatch_refused(eng, tok, tmp_path):
    from text_tiny import make_config
    import torch
    from transformers import AutoModelForCausalLM
    bad = tmp_path / "vocab"
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(make_config("llama", tok, vocab_size=100)).save_pretrained(bad)
    tok.save_pretrained(bad)
    assert_refused(eng, bad, "tokenizer has")


def test_shape_mismatch_refused(eng, tiny_models, tmp_path):
    bad = tmp_path / "shape"
    shutil.copytree(tiny_models["gpt2"], bad)
    cfg = json.loads((bad / "config.json").read_text())
    cfg["n_inner"] = 100
    (bad / "config.json").write_text(json.dumps(cfg))
    assert_refused(eng, bad, "shape")


def test_not_a_model_folder(eng, tmp_path):
    (tmp_path / "empty").mkdir()
    assert_refused(eng, tmp_path / "empty", "config.json")
    assert_refused(eng, tmp_path / "nope", "does not exist")
