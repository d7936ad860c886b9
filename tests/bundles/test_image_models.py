"""A diffusers pipeline and a LoRA on it move between workspaces, verified again on arrival."""
from __future__ import annotations

from bundles.test_roundtrip import export, import_


def make_image_lora(base_dir, folder):
    """A real diffusers-format LoRA (plus kohya file and adapter_info.json) written by the product's own saver."""
    import torch
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from peft import LoraConfig

    from engine.image.lora_io import save_adapter
    torch.manual_seed(0)
    unet = UNet2DConditionModel.from_pretrained(base_dir, subfolder="unet", local_files_only=True)
    unet.add_adapter(LoraConfig(r=2, lora_alpha=2, init_lora_weights="gaussian",
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    save_adapter(folder, StableDiffusionPipeline, unet, {}, {"name": "tiny-poster-lora", "rank": 2, "alpha": 2})
    return folder


def test_image_pipeline_and_lora_round_trip(eng_a, eng_b, tmp_path):
    from image.tiny import build_tiny_sd
    pipeline = build_tiny_sd(tmp_path / "tiny-sd")
    job = eng_a.jobs.run("models.import", {"path": str(pipeline), "name": "tiny-sd", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    base_a = eng_a.models.get("tiny-sd")
    lora = make_image_lora(base_a.path, tmp_path / "lora")
    eng_a.models.register("tiny-poster-lora", "image", "adapter", lora, base="tiny-sd")
    out = tmp_path / "sd.zip"
    export(eng_a, out, models=["tiny-sd"], adapters=["tiny-poster-lora"])
    job = import_(eng_b, out)
    assert job.state.value == "succeeded", job.error
    here = eng_b.models.get("tiny-sd")
    assert (here.kind, here.sha256, here.info["family"]) == ("image", base_a.sha256, base_a.info["family"])
    assert eng_b.models.verify("tiny-sd")["ok"] and eng_b.models.verify("tiny-poster-lora")["ok"]
    adapter = eng_b.models.get("tiny-poster-lora")
    assert adapter.base_id == here.id

    from diffusers import StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(here.path, local_files_only=True)
    pipe.load_lora_weights(adapter.path)  # plain diffusers loads what arrived
    assert any("lora" in name for name, _ in pipe.unet.named_parameters())
