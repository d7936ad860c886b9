"""Diffusers weights -> the original Stable Diffusion single-file layout (LDM for 1.x/2.x, SGM for XL).

This is the inverse of what ``engine.image.single_file`` reads, and what A1111 and ComfyUI load:
``model.diffusion_model.*`` (UNet), ``first_stage_model.*`` (VAE) and the text encoders under
``cond_stage_model.*`` or ``conditioner.embedders.N.*``. Every mapping is a rename, a 1x1-conv
reshape or a concatenation of q/k/v, so the weights cross over bit for bit.
"""
from __future__ import annotations

from engine.errors import UserError

UNET = "model.diffusion_model."
VAE = "first_stage_model."
TEXT = {"sd1": {"text_encoder": ("cond_stage_model.transformer.", "hf")},
        "sd2": {"text_encoder": ("cond_stage_model.model.", "openclip")},
        "sdxl": {"text_encoder": ("conditioner.embedders.0.transformer.", "hf"),
                 "text_encoder_2": ("conditioner.embedders.1.model.", "openclip")}}

_RESNET = [("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("norm2.", "out_layers.0."),
           ("conv2.", "out_layers.3."), ("time_emb_proj.", "emb_layers.1."), ("conv_shortcut.", "skip_connection.")]


def unet_prefixes(config: dict) -> list[tuple[str, str]]:
    """(diffusers prefix, original prefix) for every block of a UNet of this config."""
    per = int(config["layers_per_block"])
    levels = len(config["block_out_channels"])
    pairs = [("conv_in.", "input_blocks.0.0."), ("time_embedding.linear_1.", "time_embed.0."),
             ("time_embedding.linear_2.", "time_embed.2."), ("conv_norm_out.", "out.0."), ("conv_out.", "out.2."),
             ("mid_block.resnets.0.", "middle_block.0."), ("mid_block.attentions.0.", "middle_block.1."),
             ("mid_block.resnets.1.", "middle_block.2."),
             ("add_embedding.linear_1.", "label_emb.0.0."), ("add_embedding.linear_2.", "label_emb.0.2.")]
    for i in range(levels):
        for j in range(per):
            pairs.append((f"down_blocks.{i}.resnets.{j}.", f"input_blocks.{(per + 1) * i + j + 1}.0."))
            pairs.append((f"down_blocks.{i}.attentions.{j}.", f"input_blocks.{(per + 1) * i + j + 1}.1."))
        if i < levels - 1:
            pairs.append((f"down_blocks.{i}.downsamplers.0.conv.", f"input_blocks.{(per + 1) * (i + 1)}.0.op."))
        has_attention = "CrossAttn" in config["up_block_types"][i]
        for j in range(per + 1):
            pairs.append((f"up_blocks.{i}.resnets.{j}.", f"output_blocks.{(per + 1) * i + j}.0."))
            pairs.append((f"up_blocks.{i}.attentions.{j}.", f"output_blocks.{(per + 1) * i + j}.1."))
        if i < levels - 1:
            pairs.append((f"up_blocks.{i}.upsamplers.0.", f"output_blocks.{(per + 1) * i + per}."
                                                          f"{2 if has_attention else 1}."))
    return pairs


def unet_state(state: dict, config: dict) -> dict:
    if config.get("class_embed_type") or config.get("addition_embed_type") not in (None, "text_time"):
        raise UserError("this UNet has conditioning the original Stable Diffusion layout cannot hold",
                        hint="export it as a diffusers folder instead")
    pairs = unet_prefixes(config)
    out = {}
    for key, value in state.items():
        for diffusers_prefix, original in pairs:
            if key.startswith(diffusers_prefix):
                rest = key[len(diffusers_prefix):]
                if ".resnets." in diffusers_prefix:
                    rest = next((new + rest[len(old):] for old, new in _RESNET if rest.startswith(old)), rest)
                out[UNET + original + rest] = value
                break
        else:
            raise UserError(f"the UNet weight '{key}' has no place in the original layout",
                            hint="this architecture cannot be exported as a single file")
    return out


def vae_state(state: dict, config: dict) -> dict:
    levels = len(config["block_out_channels"])
    out = {}
    for key, value in state.items():
        new = key.replace("conv_shortcut.", "nin_shortcut.").replace("conv_norm_out.", "norm_out.")
        for i in range(levels):
            new = new.replace(f"encoder.down_blocks.{i}.resnets.", f"encoder.down.{i}.block.")
            new = new.replace(f"encoder.down_blocks.{i}.downsamplers.0.", f"encoder.down.{i}.downsample.")
            new = new.replace(f"decoder.up_blocks.{i}.resnets.", f"decoder.up.{levels - 1 - i}.block.")
            new = new.replace(f"decoder.up_blocks.{i}.upsamplers.0.", f"decoder.up.{levels - 1 - i}.upsample.")
        new = new.replace("mid_block.resnets.0.", "mid.block_1.").replace("mid_block.resnets.1.", "mid.block_2.")
        if "mid_block.attentions.0." in new:  # the original mid attention is made of 1x1 convolutions
            new = new.replace("mid_block.attentions.0.", "mid.attn_1.")
            for old, replacement in (("group_norm.", "norm."), ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v."),
                                     ("to_out.0.", "proj_out.")):
                new = new.replace(old, replacement)
            if new.endswith(".weight") and value.ndim == 2:
                value = value.reshape(*value.shape, 1, 1)
        if "_blocks." in new:
            raise UserError(f"the VAE weight '{key}' has no place in the original layout",
                            hint="this VAE cannot be exported as a single file")
        out[VAE + new] = value
    return out


def _hf_names(state: dict) -> dict:
    return {(k if k.startswith(("text_model.", "text_projection")) else "text_model." + k): v
            for k, v in state.items() if not k.endswith("position_ids")}


def openclip_state(state: dict) -> dict:
    """HF CLIP text weights -> OpenCLIP names (fused in_proj, c_fc/c_proj, ln_1/ln_2, text_projection)."""
    import torch
    state = _hf_names(state)
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
            for old, new in (("self_attn.out_proj", "attn.out_proj"), ("layer_norm1", "ln_1"),
                             ("layer_norm2", "ln_2"), ("mlp.fc1", "mlp.c_fc"), ("mlp.fc2", "mlp.c_proj")):
                out[dst + f"{new}.{kind}"] = state[src + f"{old}.{kind}"]
    if "text_projection.weight" in state:
        out["text_projection"] = state["text_projection.weight"].T.contiguous()
    return out


def text_state(family: str, component: str, state: dict) -> dict:
    prefix, layout = TEXT[family][component]
    converted = _hf_names(state) if layout == "hf" else openclip_state(state)
    return {prefix + key: value for key, value in converted.items()}


def scheduler_markers(scheduler_config: dict) -> dict:
    """The empty ``v_pred`` / ``ztsnr`` tensors that tell A1111, ComfyUI and our importer how the model predicts."""
    import torch
    out = {}
    if scheduler_config.get("prediction_type") == "v_prediction":
        out["v_pred"] = torch.tensor([])
    if scheduler_config.get("rescale_betas_zero_snr"):
        out["ztsnr"] = torch.tensor([])
    return out


def original_state(pipe, family: str) -> dict:
    """The whole pipeline (UNet, VAE, text encoders) as one original-layout state dict."""
    state = unet_state(pipe.unet.state_dict(), dict(pipe.unet.config))
    state.update(vae_state(pipe.vae.state_dict(), dict(pipe.vae.config)))
    for component in TEXT[family]:
        encoder = getattr(pipe, component, None)
        if encoder is None:
            raise UserError(f"the pipeline has no {component}", hint="only complete pipelines export as one file")
        state.update(text_state(family, component, encoder.state_dict()))
    state.update(scheduler_markers(dict(pipe.scheduler.config)))
    return {key: value.detach().contiguous().cpu() for key, value in state.items()}
