"""SD 2.x and SDXL: folder and single-file imports give the same model; the prediction type is honoured;
SDXL trains a LoRA that plain diffusers loads."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from safetensors.torch import load_file

from image.tiny import caption_folder

GEN = {"steps": 3, "width": 16, "height": 16, "seed": 3}
WEIGHTS = {"unet": "diffusion_pytorch_model.safetensors", "vae": "diffusion_pytorch_model.safetensors",
           "text_encoder": "model.safetensors", "text_encoder_2": "model.safetensors"}


def imported(eng, path, name):
    job = eng.jobs.run("models.import", {"path": str(path), "kind": "image", "name": name})
    assert job.state.value == "succeeded", job.error
    return eng.models.get(name)


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def prediction_type(folder) -> str:
    return json.loads((Path(folder) / "scheduler" / "scheduler_config.json").read_text())["prediction_type"]


@pytest.mark.parametrize("family, prediction", [("sd2", "v_prediction"), ("sdxl", "epsilon")])
def test_folder_and_single_file_import_to_the_same_model(eng, tiny_family_dirs, family, prediction, tmp_path):
    source = tiny_family_dirs[family]
    folder = imported(eng, source["folder"], f"{family}-folder")
    single = imported(eng, source["file"], f"{family}-file")
    assert folder.info["family"] == single.info["family"] == family
    assert single.info["source_kind"] == "single-file"
    assert eng.models.verify(f"{family}-file")["ok"]
    for component, file in WEIGHTS.items():
        if not (source["folder"] / component).is_dir():
            continue
        original = load_file(source["folder"] / component / file)
        converted = load_file(Path(single.path) / component / file)
        assert original.keys() == converted.keys(), component
        for key in original:
            assert (original[key] - converted[key].reshape(original[key].shape)).abs().max() == 0, key
    assert prediction_type(folder.path) == prediction_type(single.path) == prediction
    # same weights and the same effective configs: the same picture, with the family's prediction type
    a = eng.image.generator(f"{family}-folder").generate("a red bottle", GEN, out_dir=tmp_path)[0]
    b = eng.image.generator(f"{family}-file").generate("a red bottle", GEN, out_dir=tmp_path)[0]
    assert (pixels(a["path"]) == pixels(b["path"])).all()
    assert a["provenance"]["prediction_type"] == prediction and a["provenance"]["model_family"] == family


def test_v_prediction_is_kept_by_every_sampler_and_changes_the_picture(eng, tiny_family_dirs, tmp_path):
    v_folder = tiny_family_dirs["sd2"]["folder"]
    eps_folder = tmp_path / "as-epsilon"
    shutil.copytree(v_folder, eps_folder)
    config_path = eps_folder / "scheduler" / "scheduler_config.json"
    config = json.loads(config_path.read_text())
    config["prediction_type"] = "epsilon"
    config_path.write_text(json.dumps(config))
    v_gen = eng.image.generator(str(v_folder))
    for sampler in ("default", "euler a", "dpm++ 2m", "ddim"):
        made = v_gen.generate("a red bottle", {**GEN, "scheduler": sampler}, out_dir=tmp_path)[0]
        assert made["provenance"]["prediction_type"] == "v_prediction", sampler
    v_image = v_gen.generate("a red bottle", GEN, out_dir=tmp_path)[0]["path"]
    eps_image = eng.image.generator(str(eps_folder)).generate("a red bottle", GEN, out_dir=tmp_path)[0]["path"]
    assert np.abs(pixels(v_image) - pixels(eps_image)).mean() > 1, "the prediction type had no effect"


def test_sdxl_time_embedding_mismatch_is_refused_at_import(eng, tiny_family_dirs, tmp_path):
    broken = tmp_path / "broken-xl"
    shutil.copytree(tiny_family_dirs["sdxl"]["folder"], broken)
    config_path = broken / "unet" / "config.json"
    config = json.loads(config_path.read_text())
    config["addition_time_embed_dim"] = 256
    config_path.write_text(json.dumps(config))
    job = eng.jobs.run("models.import", {"path": str(broken), "kind": "image"})
    assert job.state.value == "failed"
    assert "addition_time_embed_dim 256" in job.error and "unet/config.json" in job.error
    assert eng.models.list(kind="image") == []


def plain_sdxl_image(folder, lora=None):
    """SDXL generation with plain diffusers, outside the product."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    pipe = StableDiffusionXLPipeline.from_pretrained(str(folder), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    if lora is not None:
        pipe.load_lora_weights(str(lora.parent), weight_name=lora.name)
    return pipe("a white ball on a red background", num_inference_steps=3, width=16, height=16,
                generator=torch.Generator("cpu").manual_seed(5), output_type="np").images[0]


def test_sdxl_lora_trains_two_steps_and_loads_in_plain_diffusers(eng, tiny_family_dirs, tmp_path):
    base = imported(eng, tiny_family_dirs["sdxl"]["folder"], "xl")
    job = eng.jobs.run("image.train", {"model": "xl", "data": str(caption_folder(tmp_path / "data")), "name": "xl-lora",
                                       "resolution": 16, "max_steps": 2, "batch_size": 2, "learning_rate": 5e-3,
                                       "rank": 4, "alpha": 4, "train_text_encoder": True, "checkpoint_every": 1,
                                       "validation_steps": 2, "caption_dropout": 0.0})
    assert job.state.value == "succeeded", job.error
    losses = [m["value"] for m in eng.jobs.metrics(job.id) if m["name"] == "loss"]
    assert len(losses) == 2 and all(np.isfinite(losses))
    adapter = eng.models.get("xl-lora")
    assert adapter.info["base_family"] == "sdxl" and adapter.lineage["base_sha256"] == base.sha256
    final = Path(job.result["path"])
    saved = load_file(final / "pytorch_lora_weights.safetensors")
    assert {k.split(".")[0] for k in saved} == {"unet", "text_encoder", "text_encoder_2"}
    assert Path(job.result["kohya_file"]).is_file()
    with_lora = plain_sdxl_image(base.path, final / "pytorch_lora_weights.safetensors")
    assert np.abs(plain_sdxl_image(base.path) - with_lora).mean() > 1e-4, "the LoRA did not change the image"
    made = eng.image.generator("xl", "xl-lora").generate("a white ball on a red background", GEN, out_dir=tmp_path)
    assert made[0]["provenance"]["adapter_sha256"] == adapter.sha256


def test_sd2_lora_trains_on_the_velocity_target(eng, tiny_family_dirs, tmp_path):
    imported(eng, tiny_family_dirs["sd2"]["folder"], "sd2")
    job = eng.jobs.run("image.train", {"model": "sd2", "data": str(caption_folder(tmp_path / "data")),
                                       "name": "sd2-lora", "resolution": 16, "max_steps": 2, "rank": 4,
                                       "checkpoint_every": 0, "validation_steps": 2})
    assert job.state.value == "succeeded", job.error
    assert any("v_prediction" in line for line in Path(job.log_path).read_text().splitlines())


def test_v_pred_markers_in_a_single_file_switch_the_prediction_type(eng, tiny_family_dirs, tmp_path):
    import torch
    from safetensors.torch import save_file
    state = load_file(tiny_family_dirs["sdxl"]["file"])
    marked = tmp_path / "xl-vpred.safetensors"
    save_file({**state, "v_pred": torch.tensor([]), "ztsnr": torch.tensor([])}, str(marked))
    model = imported(eng, marked, "xl-vpred")
    config = json.loads((Path(model.path) / "scheduler" / "scheduler_config.json").read_text())
    assert config["prediction_type"] == "v_prediction" and config["rescale_betas_zero_snr"] is True
    made = eng.image.generator("xl-vpred").generate("a red bottle", GEN, out_dir=tmp_path)[0]
    assert made["provenance"]["prediction_type"] == "v_prediction"
    assert np.isfinite(pixels(made["path"])).all() and pixels(made["path"]).std() > 0
