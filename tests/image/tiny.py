"""Tiny random-initialised Stable Diffusion 1.x-class pipelines, in real diffusers formats.

Shapes follow SD 1.x conventions (8 attention heads in the UNet, 64-wide heads in the
text encoder, 32 norm groups) so that the single-file layout converts back exactly.
"""
from __future__ import annotations

from pathlib import Path


def build_tiny_sd(folder: Path, seed: int = 0, tokenizer_dir: Path | None = None, widths=(32, 64)) -> Path:
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    from engine.image import clip_tokenizer

    torch.manual_seed(seed)
    tok_dir = tokenizer_dir or folder.parent / f"{folder.name}-tokenizer"
    if not (tok_dir / "tokenizer.json").is_file():
        clip_tokenizer.write_openclip_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir, local_files_only=True)
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, block_out_channels=tuple(widths),
                                layers_per_block=1, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=64,
                                attention_head_dim=8, norm_num_groups=32)
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(32, 64), layers_per_block=1,
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        latent_channels=4, norm_num_groups=32, sample_size=16)
    text_encoder = CLIPTextModel(CLIPTextConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                                num_attention_heads=1, vocab_size=len(tokenizer),
                                                max_position_embeddings=77, projection_dim=64, hidden_act="quick_gelu",
                                                bos_token_id=tokenizer.bos_token_id,
                                                eos_token_id=tokenizer.eos_token_id, pad_token_id=1))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


# -- the original (LDM) single-file layout ------------------------------------------------
_RESNET = [("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"), ("conv2", "out_layers.3"),
           ("time_emb_proj", "emb_layers.1"), ("conv_shortcut", "skip_connection")]


def _unet_prefixes(config: dict) -> list[tuple[str, str]]:
    """(diffusers prefix, LDM prefix) pairs for a UNet of any depth."""
    per = config["layers_per_block"]
    levels = len(config["block_out_channels"])
    pairs = [("conv_in.", "input_blocks.0.0."), ("time_embedding.linear_1.", "time_embed.0."),
             ("time_embedding.linear_2.", "time_embed.2."), ("conv_norm_out.", "out.0."), ("conv_out.", "out.2."),
             ("mid_block.resnets.0.", "middle_block.0."), ("mid_block.attentions.0.", "middle_block.1."),
             ("mid_block.resnets.1.", "middle_block.2."),
             ("add_embedding.linear_1.", "label_emb.0.0."), ("add_embedding.linear_2.", "label_emb.0.2.")]  # SDXL
    for i in range(levels):
        for j in range(per):
            pairs.append((f"down_blocks.{i}.resnets.{j}.", f"input_blocks.{(per + 1) * i + j + 1}.0."))
            pairs.append((f"down_blocks.{i}.attentions.{j}.", f"input_blocks.{(per + 1) * i + j + 1}.1."))
        if i < levels - 1:
            pairs.append((f"down_blocks.{i}.downsamplers.0.conv.", f"input_blocks.{(per + 1) * (i + 1)}.0.op."))
        has_attn = "CrossAttn" in config["up_block_types"][i]
        for j in range(per + 1):
            pairs.append((f"up_blocks.{i}.resnets.{j}.", f"output_blocks.{(per + 1) * i + j}.0."))
            pairs.append((f"up_blocks.{i}.attentions.{j}.", f"output_blocks.{(per + 1) * i + j}.1."))
        if i < levels - 1:
            pairs.append((f"up_blocks.{i}.upsamplers.0.", f"output_blocks.{(per + 1) * i + per}.{2 if has_attn else 1}."))
    return pairs


def unet_to_ldm(state: dict, config: dict) -> dict:
    pairs = _unet_prefixes(config)
    out = {}
    for key, value in state.items():
        for hf, ldm in pairs:
            if key.startswith(hf):
                rest = key[len(hf):]
                if ".resnets." in hf or hf.startswith("mid_block.resnets"):
                    for a, b in _RESNET:
                        if rest.startswith(a + "."):
                            rest = b + rest[len(a):]
                key = ldm + rest
                break
        out["model.diffusion_model." + key] = value
    return out


def vae_to_ldm(state: dict, config: dict) -> dict:
    levels = len(config["block_out_channels"])
    out = {}
    for key, value in state.items():
        new = key.replace("conv_shortcut", "nin_shortcut").replace("conv_norm_out", "norm_out")
        for i in range(levels):
            new = new.replace(f"encoder.down_blocks.{i}.resnets.", f"encoder.down.{i}.block.")
            new = new.replace(f"encoder.down_blocks.{i}.downsamplers.0.", f"encoder.down.{i}.downsample.")
            new = new.replace(f"decoder.up_blocks.{i}.resnets.", f"decoder.up.{levels - 1 - i}.block.")
            new = new.replace(f"decoder.up_blocks.{i}.upsamplers.0.", f"decoder.up.{levels - 1 - i}.upsample.")
        new = new.replace("mid_block.resnets.0.", "mid.block_1.").replace("mid_block.resnets.1.", "mid.block_2.")
        if "mid_block.attentions.0." in new:
            new = new.replace("mid_block.attentions.0.", "mid.attn_1.")
            for a, b in (("group_norm.", "norm."), ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v."),
                         ("to_out.0.", "proj_out.")):
                new = new.replace(a, b)
            if new.endswith("weight") and value.ndim == 2:
                value = value.reshape(*value.shape, 1, 1)
        out["first_stage_model." + new] = value
    return out


def save_single_file(pipeline_dir: Path, target: Path) -> Path:
    """Write ``pipeline_dir`` as one original-layout .safetensors checkpoint, as SD tools publish them."""
    import json

    from safetensors.torch import load_file, save_file
    state = {}
    unet_cfg = json.loads((pipeline_dir / "unet" / "config.json").read_text())
    vae_cfg = json.loads((pipeline_dir / "vae" / "config.json").read_text())
    state.update(unet_to_ldm(load_file(pipeline_dir / "unet" / "diffusion_pytorch_model.safetensors"), unet_cfg))
    state.update(vae_to_ldm(load_file(pipeline_dir / "vae" / "diffusion_pytorch_model.safetensors"), vae_cfg))
    for key, value in load_file(pipeline_dir / "text_encoder" / "model.safetensors").items():
        key = key if key.startswith("text_model.") else "text_model." + key  # the original layout keeps it
        state["cond_stage_model.transformer." + key] = value
    save_file({k: v.contiguous() for k, v in state.items()}, str(target))
    return target


def caption_folder(folder: Path, count: int = 4, captions: bool = True) -> Path:
    """A few flat-colour images with kohya-style .txt captions."""
    from PIL import Image, ImageDraw
    colours = [("red", (220, 30, 30)), ("blue", (30, 60, 220)), ("green", (30, 180, 60)), ("yellow", (230, 210, 40))]
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        name, rgb = colours[index % len(colours)]
        image = Image.new("RGB", (40, 32), rgb)
        ImageDraw.Draw(image).ellipse((10, 8, 26, 24), fill=(255, 255, 255))
        image.save(folder / f"img_{index}.png")
        if captions:
            (folder / f"img_{index}.txt").write_text(f"a white ball on a {name} background", encoding="utf-8")
    return folder
