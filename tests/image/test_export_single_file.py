"""Image models leave as one original-layout Stable Diffusion .safetensors file (what A1111 and ComfyUI load),
checked by re-importing it and drawing the same seed; bad input leaves nothing behind."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from engine.cli import main
from image.tiny import caption_folder


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    return code, captured


def result_of(captured) -> dict:
    return json.loads(captured.out.strip().splitlines()[-1])


@pytest.fixture
def closed_ws(workspace_dir, tiny_sd_dir):
    """A workspace holding the tiny pipeline as 'tiny-sd', closed again for the command line."""
    from engine.api import Engine
    with Engine.open(workspace_dir) as eng:
        import_image(eng, tiny_sd_dir, "tiny-sd")
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "text"))
        from text_tiny import build_model, make_tokenizer
        text = eng.jobs.run("models.import", {"path": str(build_model("llama", workspace_dir.parent / "llama",
                                                                              make_tokenizer())),
                                              "name": "tiny-text", "kind": "text"})
        assert text.state.value == "succeeded", text.error
    return workspace_dir


def import_image(eng, path, name):
    job = eng.jobs.run("models.import", {"path": str(path), "name": name, "kind": "image"})
    assert job.state.value == "succeeded", job.error
    return eng.models.get(name)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


def test_cli_export_is_the_original_layout_and_reimports_to_the_same_picture(closed_ws, capsys, tiny_sd_file,
                                                                           tmp_path):
    out = tmp_path / "out" / "tiny.safetensors"
    out.parent.mkdir()
    code, captured = aigc(capsys, closed_ws, "models", "export", "tiny-sd", str(out),
                          "--format", "sd-single-file")
    assert code == 0, captured.err
    result = result_of(captured)
    assert result["family"] == "sd1" and result["check"]["max_pixel_diff"] == 0
    assert result["check"]["max_pixel_diff"] <= result["check"]["tolerance"]
    # the same keys and tensors as an SD 1.x file written by the independent converter of the test fixtures
    ours, reference = load_file(out), load_file(tiny_sd_file)
    assert ours.keys() == reference.keys()
    for key in reference:
        assert torch.equal(ours[key], reference[key]), key
    with safe_open(str(out), framework="pt") as handle:
        meta = handle.metadata()
    assert meta["modelspec.architecture"] == "stable-diffusion-v1" and meta["aigc.base"] == "tiny-sd"
    assert os.listdir(out.parent) == ["tiny.safetensors"]
    assert not any((closed_ws / "tmp").iterdir())


@pytest.mark.slow
def test_merged_lora_draws_what_base_plus_lora_draws(eng, tiny_sd_dir, tmp_path):
    from engine.image.export import TOLERANCE
    import_image(eng, tiny_sd_dir, "tiny-sd")
    job = eng.jobs.run("image.train", {"model": "tiny-sd", "data": str(caption_folder(tmp_path / "data")),
                                       "name": "tiny-lora", "resolution": 16, "max_steps": 2, "batch_size": 2,
                                       "learning_rate": 5e-2, "rank": 4, "alpha": 4, "validation_every": 0,
                                       "checkpoint_every": 0})
    assert job.state.value == "succeeded", job.error
    plain = eng.models.export_checkpoint("tiny-sd", tmp_path / "plain.safetensors")
    merged = eng.models.export_checkpoint("tiny-lora", tmp_path / "merged.safetensors", adapter_scale=0.8)
    for job in (plain, merged):
        eng.jobs.wait(job.id)
    plain, merged = eng.jobs.get(plain.id), eng.jobs.get(merged.id)
    assert merged.state.value == "succeeded", merged.error
    assert merged.result["adapter"] == "tiny-lora" and merged.result["adapter_scale"] == 0.8
    assert merged.result["model"] == "tiny-sd"
    a, b = load_file(tmp_path / "plain.safetensors"), load_file(tmp_path / "merged.safetensors")
    changed = [k for k in a if not torch.equal(a[k], b[k])]
    assert changed and all(k.startswith("model.diffusion_model.") for k in changed)  # the UNet LoRA, fused
    assert not any("lora" in k for k in b)

    import_image(eng, tmp_path / "merged.safetensors", "merged")
    params = {"steps": 3, "seed": 7, "width": 16, "height": 16, "scheduler": "ddim"}
    with_lora = eng.image.generator("tiny-sd", "tiny-lora", adapter_scale=0.8).generate("a red ball", params,
                                                                                        out_dir=tmp_path / "g")
    from_file = eng.image.generator("merged").generate("a red ball", params, out_dir=tmp_path / "g")
    base = eng.image.generator("tiny-sd").generate("a red ball", params, out_dir=tmp_path / "g")
    from PIL import Image
    pixels = [np.asarray(Image.open(r[0]["path"]), dtype=np.int16) for r in (with_lora, from_file, base)]
    assert np.abs(pixels[0] - pixels[1]).max() <= TOLERANCE
    assert np.abs(pixels[0] - pixels[2]).max() > TOLERANCE, "the LoRA did not change the picture"


@pytest.mark.parametrize("family", ["sd2", "sdxl"])
def test_sd2_and_sdxl_export_and_read_back(eng, tiny_family_dirs, family, tmp_path):
    source = tiny_family_dirs[family]
    import_image(eng, source["folder"], family)
    job = eng.jobs.run("models.export", {"model": family, "format": "sd-single-file",
                                         "out": str(tmp_path / f"{family}.safetensors")})
    assert job.state.value == "succeeded", job.error
    assert job.result["family"] == family and job.result["check"]["max_pixel_diff"] <= job.result["check"]["tolerance"]
    keys = set(load_file(tmp_path / f"{family}.safetensors"))
    reference = set(load_file(source["file"]))
    if family == "sdxl":
        assert keys == reference
    else:  # v-prediction is said by the marker; only the blocks in use, as diffusers exports hold
        assert "v_pred" in keys
        prefix = "cond_stage_model.model.transformer.resblocks."
        assert keys - {"v_pred"} == {k for k in reference if k != "cond_stage_model.model.text_projection"
                                     and not k.startswith(prefix + "2.")}


def test_bad_requests_are_refused_and_leave_nothing(closed_ws, capsys, tmp_path):
    ws = closed_ws
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "old.safetensors"
    existing.write_bytes(b"keep me")

    def refused(*argv, words):
        code, captured = aigc(capsys, ws, "models", "export", *argv)
        assert code != 0, captured.out
        for word in words:
            assert word in captured.err, captured.err

    refused("tiny-sd", str(out / "x.gguf"), "--format", "sd-single-file", words=["must end in .safetensors"])
    refused("tiny-sd", str(existing), "--format", "sd-single-file", words=["already exists", "--force"])
    (out / "dir.safetensors").mkdir()
    refused("tiny-sd", str(out / "dir.safetensors"), "--format", "sd-single-file", "--force", words=["is a folder"])
    os.symlink(existing, out / "link.safetensors")
    refused("tiny-sd", str(out / "link.safetensors"), "--format", "sd-single-file", "--force",
            words=["symbolic link"])
    refused("tiny-sd", str(tmp_path / "nowhere" / "x.safetensors"), "--format", "sd-single-file",
            words=["is not a folder"])
    refused("tiny-text", str(out / "t.safetensors"), "--format", "sd-single-file",
            words=["'tiny-text' is a text model", "export text models as GGUF"])
    refused("tiny-sd", str(out / "i.gguf"), words=["'tiny-sd' is an image model", "--format sd-single-file"])
    refused("tiny-sd", str(out / "a.safetensors"), "--format", "sd-single-file", "--adapter-only",
            words=["--adapter-only"])
    refused("no-such-model", str(out / "n.safetensors"), "--format", "sd-single-file", words=["no-such-model"])
    assert existing.read_bytes() == b"keep me"
    assert sorted(os.listdir(out)) == ["dir.safetensors", "link.safetensors", "old.safetensors"]


def test_a_file_that_draws_differently_is_removed(eng, tiny_sd_dir, tmp_path, monkeypatch):
    """The check is real: with a tolerance no file can meet, the export is refused and nothing is kept."""
    from engine.image import export
    import_image(eng, tiny_sd_dir, "tiny-sd")
    monkeypatch.setattr(export, "TOLERANCE", -1)
    job = eng.jobs.run("models.export", {"model": "tiny-sd", "format": "sd-single-file",
                                         "out": str(tmp_path / "x.safetensors")})
    assert job.state.value == "failed" and "draws a different picture" in job.error
    assert os.listdir(tmp_path) == ["workspace"]
    assert not any((eng.workspace.root / "tmp").iterdir())


def test_facade_checks_the_output_path_before_any_job(eng, tiny_sd_dir, tmp_path):
    from engine.errors import UserError
    import_image(eng, tiny_sd_dir, "tiny-sd")
    with pytest.raises(UserError, match="must end in .safetensors"):
        eng.models.export_checkpoint("tiny-sd", tmp_path / "x.ckpt")
    assert [j for j in eng.jobs.list() if j.kind == "models.export"] == []
