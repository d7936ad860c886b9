"""Importing image models: diffusers folders and single-file checkpoints, offline; bad input registers nothing."""
from __future__ import annotations

import shutil

import pytest
from safetensors.torch import load_file


def run_import(eng, path, **params):
    return eng.jobs.run("models.import", {"path": str(path), "kind": "image", **params})


def assert_refused(eng, job, *words):
    assert job.state.value == "failed", "the import should have been refused"
    for word in words:
        assert word in job.error, job.error
    assert eng.models.list(kind="image") == []
    assert not any(p.name.startswith("import-") for p in (eng.workspace.root / "tmp").iterdir())


def test_diffusers_folder_imports_and_verifies(eng, tiny_sd_dir):
    job = run_import(eng, tiny_sd_dir, name="tiny-sd")
    assert job.state.value == "succeeded", job.error
    model = eng.models.get("tiny-sd")
    assert model.kind == "image" and model.role == "base"
    assert model.info["family"] == "sd1" and model.info["source_kind"] == "diffusers-folder"
    assert set(model.info["parameters"]) == {"unet", "vae", "text_encoder"}
    assert len(model.sha256) == 64
    assert eng.models.verify("tiny-sd")["ok"]
    from engine.image.verify import verify_pipeline_folder
    assert verify_pipeline_folder(model.path)["family"] == "sd1"


def test_single_file_converts_offline_to_the_same_weights(eng, tiny_sd_dir, tiny_sd_file):
    from engine import offline
    blocked_before = len(offline.blocked_attempts)
    job = run_import(eng, tiny_sd_file, name="tiny-single")
    assert job.state.value == "succeeded", job.error
    assert len(offline.blocked_attempts) == blocked_before, "the conversion tried to reach the network"
    model = eng.models.get("tiny-single")
    assert model.info["source_kind"] == "single-file" and model.info["family"] == "sd1"
    from pathlib import Path
    for component, file in (("unet", "diffusion_pytorch_model.safetensors"), ("vae", "diffusion_pytorch_model.safetensors"),
                            ("text_encoder", "model.safetensors")):
        original = load_file(tiny_sd_dir / component / file)
        converted = load_file(Path(model.path) / component / file)
        assert original.keys() == converted.keys()
        for key in original:
            assert (original[key] - converted[key].reshape(original[key].shape)).abs().max() == 0, key
    # the tokenizer came from the bundled CLIP BPE file and matches the real CLIP ids
    from transformers import CLIPTokenizer
    tok = CLIPTokenizer.from_pretrained(Path(model.path) / "tokenizer", local_files_only=True)
    assert tok("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]


def test_pickle_checkpoint_is_refused(eng, tmp_path):
    path = tmp_path / "model.ckpt"
    path.write_bytes(b"\x80\x04not really a pickle")
    assert_refused(eng, run_import(eng, path), "pickle")


def test_pickle_weights_in_a_folder_are_refused(eng, tiny_sd_copy):
    unet = tiny_sd_copy / "unet"
    (unet / "diffusion_pytorch_model.safetensors").rename(unet / "diffusion_pytorch_model.bin")
    assert_refused(eng, run_import(eng, tiny_sd_copy), "pickle", "diffusion_pytorch_model.bin")


def test_incomplete_folder_is_refused(eng, tiny_sd_copy):
    shutil.rmtree(tiny_sd_copy / "vae")
    assert_refused(eng, run_import(eng, tiny_sd_copy), "vae", "missing")


def test_remote_code_is_refused(eng, tiny_sd_copy):
    (tiny_sd_copy / "unet" / "my_unet.py").write_text("print('hi')\n")
    assert_refused(eng, run_import(eng, tiny_sd_copy), "Python code")


def test_mismatched_shapes_are_refused(eng, tiny_sd_copy):
    import json
    config = json.loads((tiny_sd_copy / "unet" / "config.json").read_text())
    config["block_out_channels"] = [64, 64]
    (tiny_sd_copy / "unet" / "config.json").write_text(json.dumps(config))
    assert_refused(eng, run_import(eng, tiny_sd_copy), "shape")


@pytest.mark.parametrize("name", ["lora.safetensors"])
def test_a_lora_file_is_not_a_base_model(eng, tmp_path, name):
    from safetensors.torch import save_file
    import torch
    path = tmp_path / name
    save_file({"unet.down_blocks.0.attentions.0.proj_in.lora_A.weight": torch.zeros(4, 32)}, str(path))
    assert_refused(eng, run_import(eng, path), "not a Stable Diffusion")
