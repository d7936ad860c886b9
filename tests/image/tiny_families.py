"""Tiny random-initialised SD 2.x- and SDXL-class pipelines, in diffusers folders and original single files.

The non-size settings follow the real families (and so the bundled configs in
``resources/image_configs``): SD 2.x has an OpenCLIP-style text encoder (GELU,
penultimate layer, text projection in the checkpoint), linear attention
projections and a v-prediction scheduler; SDXL has a CLIP and an OpenCLIP
text encoder with projection, and a UNet conditioned on pooled text and
size/crop ids (``addition_embed_type="text_time"``). Head counts are one per
64 channels, as the single-file importer infers them, so a conversion round
trip gives the same pictures.
"""
from __future__ import annotations

from pathlib import Path

from image.tiny import unet_to_ldm, vae_to_ldm

SDXL_TIME_DIM = 8  # addition_time_embed_dim; six size/crop ids are embedded with it


def _tokenizer(folder: Path, pad_token: str | None = None):
    from transformers import CLIPTokenizer

    from engine.image import clip_tokenizer
    if not (folder / "tokenizer.json").is_file():
        clip_tokenizer.write_openclip_tokenizer(folder, pad_token=pad_token)
    return CLIPTokenizer.from_pretrained(folder, local_files_only=True)


def _clip_config(tokenizer, width: int, act: str, projection: int):
    from transformers import CLIPTextConfig
    return CLIPTextConfig(hidden_size=width, intermediate_size=2 * width, num_hidden_layers=2,
                          num_attention_heads=max(1, width // 64), vocab_size=len(tokenizer),
                          max_position_embeddings=77, projection_dim=projection, hidden_act=act,
                          bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=1)


def _vae(scaling_factor: float, force_upcast: bool):
    from diffusers import AutoencoderKL
    return AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(32, 64), layers_per_block=1,
                         down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                         latent_channels=4, norm_num_groups=32, sample_size=16, scaling_factor=scaling_factor,
                         force_upcast=force_upcast)


def build_tiny_sd2(folder: Path, seed: int = 0) -> Path:
    import torch
    from diffusers import DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    torch.manual_seed(seed)
    tokenizer = _tokenizer(folder.parent / f"{folder.name}-tokenizer", pad_token="!")
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(32, 64),
                                layers_per_block=1, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=64,
                                attention_head_dim=(1, 1), use_linear_projection=True, upcast_attention=True,
                                norm_num_groups=32)
    text_encoder = CLIPTextModel(_clip_config(tokenizer, 64, "gelu", 32))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1, prediction_type="v_prediction",
                              timestep_spacing="leading")
    pipe = StableDiffusionPipeline(unet=unet, vae=_vae(0.18215, False), text_encoder=text_encoder,
                                   tokenizer=tokenizer, scheduler=scheduler, safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_tiny_sdxl(folder: Path, seed: int = 0) -> Path:
    import torch
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    tokenizer = _tokenizer(folder.parent / f"{folder.name}-tokenizer")
    tokenizer_2 = _tokenizer(folder.parent / f"{folder.name}-tokenizer-2", pad_token="!")
    text_encoder = CLIPTextModel(_clip_config(tokenizer, 32, "quick_gelu", 32))
    text_encoder_2 = CLIPTextModelWithProjection(_clip_config(tokenizer_2, 64, "gelu", 32))
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4, block_out_channels=(32, 64),
                                layers_per_block=1, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32 + 64,
                                transformer_layers_per_block=(1, 2), attention_head_dim=(1, 1),
                                use_linear_projection=True, norm_num_groups=32, addition_embed_type="text_time",
                                addition_time_embed_dim=SDXL_TIME_DIM,
                                projection_class_embeddings_input_dim=6 * SDXL_TIME_DIM + 32)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       steps_offset=1, timestep_spacing="leading", prediction_type="epsilon")
    pipe = StableDiffusionXLPipeline(vae=_vae(0.13025, True), text_encoder=text_encoder, text_encoder_2=text_encoder_2,
                                     tokenizer=tokenizer, tokenizer_2=tokenizer_2, unet=unet, scheduler=scheduler,
                                     force_zeros_for_empty_prompt=True)
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


# -- the original single-file layouts ------------------------------------------------------
def _hf_clip(folder: Path) -> dict:
    from safetensors.torch import load_file
    state = load_file(folder / "model.safetensors")
    return {(k if k.startswith(("text_model.", "text_projection")) else "text_model." + k): v for k, v in state.items()}


def to_openclip(state: dict, extra_block: bool = False, projection=None) -> dict:
    """HF CLIP text weights -> OpenCLIP names (fused in_proj, c_fc/c_proj, ln_1/ln_2, text_projection)."""
    import torch
    out = {"token_embedding.weight": state["text_model.embeddings.token_embedding.weight"],
           "positional_embedding": state["text_model.embeddings.position_embedding.weight"],
           "ln_final.weight": state["text_model.final_layer_norm.weight"],
           "ln_final.bias": state["text_model.final_layer_norm.bias"]}
    layers = sorted({int(k.split(".")[3]) for k in state if k.startswith("text_model.encoder.layers.")})
    for i in layers:
        src, dst = f"text_model.encoder.layers.{i}.", f"transformer.resblocks.{i}."
        for kind in ("weight", "bias"):
            out[dst + f"attn.in_proj_{kind}"] = torch.cat([state[src + f"self_attn.{p}_proj.{kind}"]
                                                           for p in ("q", "k", "v")])
            out[dst + f"attn.out_proj.{kind}"] = state[src + f"self_attn.out_proj.{kind}"]
            out[dst + f"ln_1.{kind}"] = state[src + f"layer_norm1.{kind}"]
            out[dst + f"ln_2.{kind}"] = state[src + f"layer_norm2.{kind}"]
            out[dst + f"mlp.c_fc.{kind}"] = state[src + f"mlp.fc1.{kind}"]
            out[dst + f"mlp.c_proj.{kind}"] = state[src + f"mlp.fc2.{kind}"]
    if extra_block:  # SD 2.x checkpoints keep OpenCLIP's last block, which the model never uses
        last = f"transformer.resblocks.{layers[-1]}."
        nxt = f"transformer.resblocks.{layers[-1] + 1}."
        out.update({nxt + k[len(last):]: torch.randn_like(v) for k, v in list(out.items()) if k.startswith(last)})
    if "text_projection.weight" in state:
        out["text_projection"] = state["text_projection.weight"].T.contiguous()
    elif projection is not None:
        out["text_projection"] = projection
    return out


def save_single_file_family(pipeline_dir: Path, target: Path) -> Path:
    """Write a tiny SD 2.x or SDXL folder as one original-layout (LDM/SGM) .safetensors checkpoint."""
    import json

    import torch
    from safetensors.torch import load_file, save_file
    unet_cfg = json.loads((pipeline_dir / "unet" / "config.json").read_text())
    vae_cfg = json.loads((pipeline_dir / "vae" / "config.json").read_text())
    state = unet_to_ldm(load_file(pipeline_dir / "unet" / "diffusion_pytorch_model.safetensors"), unet_cfg)
    state.update(vae_to_ldm(load_file(pipeline_dir / "vae" / "diffusion_pytorch_model.safetensors"), vae_cfg))
    if (pipeline_dir / "text_encoder_2").is_dir():
        for key, value in _hf_clip(pipeline_dir / "text_encoder").items():
            state["conditioner.embedders.0.transformer." + key] = value
        for key, value in to_openclip(_hf_clip(pipeline_dir / "text_encoder_2")).items():
            state["conditioner.embedders.1.model." + key] = value
    else:
        clip = _hf_clip(pipeline_dir / "text_encoder")
        width = clip["text_model.final_layer_norm.weight"].shape[0]
        for key, value in to_openclip(clip, extra_block=True, projection=torch.randn(width, width)).items():
            state["cond_stage_model.model." + key] = value
    save_file({k: v.contiguous() for k, v in state.items()}, str(target))
    return target
