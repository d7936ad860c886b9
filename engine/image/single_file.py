"""Convert a single-file (original layout) Stable Diffusion checkpoint fully offline.

diffusers' ``from_single_file`` fetches configs and tokenizers from the network
unless it is given a local config folder. We give it one: the bundled family
layout from ``resources/image_configs/<family>``, with the layer sizes read off
the checkpoint's own tensor shapes (so fine-tunes, pruned and small models
convert too), and CLIP tokenizers rebuilt from the bundled BPE file.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from engine.errors import UserError
from engine.image import clip_tokenizer
from engine.image.families import Family, family_of_checkpoint
from engine.i18n import tr

UNET = "model.diffusion_model."
VAE = "first_stage_model."


def configs_root() -> Path:
    from engine.samples import resources_dir
    return resources_dir() / "image_configs"


def read_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    from safetensors import safe_open
    try:
        with safe_open(str(path), framework="pt") as handle:
            return {k: tuple(handle.get_slice(k).get_shape()) for k in handle.keys()}
    except Exception as exc:  # noqa: BLE001
        raise UserError(tr("{path}: not a readable safetensors file ({exc})", path=path, exc=exc), hint=tr("copy the file again")) from None


def _indices(shapes: dict, pattern: str) -> list[int]:
    rx = re.compile(pattern)
    return sorted({int(m.group(1)) for k in shapes if (m := rx.match(k))})


def fit_unet(cfg: dict, shapes: dict, family: Family) -> dict:
    """Levels, widths and attention placement of the UNet, from its tensors."""
    p = UNET
    cfg = dict(cfg)
    cfg["in_channels"] = shapes[p + "input_blocks.0.0.weight"][1]
    cfg["out_channels"] = shapes[p + "out.2.weight"][0]
    levels, current = [], []  # each level: list of (out_channels, has_attention, transformer_depth)
    for k in _indices(shapes, re.escape(p) + r"input_blocks\.(\d+)\.")[1:]:
        if p + f"input_blocks.{k}.0.op.weight" in shapes:
            levels.append(current)
            current = []
            continue
        width = shapes[p + f"input_blocks.{k}.0.out_layers.3.weight"][0]
        attn = p + f"input_blocks.{k}.1.proj_in.weight" in shapes
        depth = len(_indices(shapes, re.escape(p + f"input_blocks.{k}.1.transformer_blocks.") + r"(\d+)\."))
        current.append((width, attn, depth))
    levels.append(current)
    cfg["layers_per_block"] = len(levels[0])
    cfg["block_out_channels"] = [lvl[0][0] for lvl in levels]
    attn = [lvl[0][1] for lvl in levels]
    cfg["down_block_types"] = ["CrossAttnDownBlock2D" if a else "DownBlock2D" for a in attn]
    cfg["up_block_types"] = ["CrossAttnUpBlock2D" if a else "UpBlock2D" for a in reversed(attn)]
    first_attn = next((k for k in shapes if k.startswith(p) and k.endswith("attn2.to_k.weight")), None)
    if first_attn is None:
        raise UserError(tr("the checkpoint's UNet has no cross-attention layers"), hint=tr("this is not a text-to-image model"))
    cfg["cross_attention_dim"] = shapes[first_attn][1]
    proj = next(k for k in shapes if k.startswith(p) and k.endswith("proj_in.weight"))
    cfg["use_linear_projection"] = len(shapes[proj]) == 2
    if family.name == "sd1":
        cfg["attention_head_dim"] = 8
    else:
        cfg["attention_head_dim"] = [max(1, c // 64) for c in cfg["block_out_channels"]]
    depths = [lvl[0][2] or 1 for lvl in levels]
    if family.name == "sdxl" or any(d != 1 for d in depths):
        cfg["transformer_layers_per_block"] = depths
    if p + "label_emb.0.0.weight" in shapes:
        cfg["projection_class_embeddings_input_dim"] = shapes[p + "label_emb.0.0.weight"][1]
        pooled = shapes.get(TEXT_PREFIXES["sdxl"]["text_encoder_2"] + "text_projection")
        if family.name == "sdxl" and pooled:  # the pooled text plus six size/crop ids, each embedded this wide
            cfg["addition_time_embed_dim"] = (cfg["projection_class_embeddings_input_dim"] - pooled[-1]) // 6
    return cfg


def fit_vae(cfg: dict, shapes: dict) -> dict:
    p = VAE + "encoder."
    cfg = dict(cfg)
    levels = _indices(shapes, re.escape(p) + r"down\.(\d+)\.")
    cfg["block_out_channels"] = [shapes[p + f"down.{i}.block.0.conv2.weight"][0] for i in levels]
    cfg["layers_per_block"] = len(_indices(shapes, re.escape(p) + r"down\.0\.block\.(\d+)\."))
    cfg["down_block_types"] = ["DownEncoderBlock2D"] * len(levels)
    cfg["up_block_types"] = ["UpDecoderBlock2D"] * len(levels)
    cfg["in_channels"] = shapes[p + "conv_in.weight"][1]
    cfg["out_channels"] = shapes[VAE + "decoder.conv_out.weight"][0]
    cfg["latent_channels"] = shapes[VAE + "decoder.conv_in.weight"][1]
    return cfg


def fit_clip(cfg: dict, shapes: dict, prefix: str, penultimate: bool = False) -> dict:
    """CLIP text encoder sizes from HF-layout (``text_model.``) or OpenCLIP-layout tensors.

    ``penultimate``: the family conditions on the second-to-last OpenCLIP block (SD 2.x), so the
    diffusers encoder stops one block short when the checkpoint carries the original full tower.
    """
    cfg = dict(cfg)
    hf = prefix + "text_model."
    if hf + "embeddings.token_embedding.weight" in shapes:
        vocab, width = shapes[hf + "embeddings.token_embedding.weight"]
        cfg["max_position_embeddings"] = shapes[hf + "embeddings.position_embedding.weight"][0]
        cfg["num_hidden_layers"] = len(_indices(shapes, re.escape(hf + "encoder.layers.") + r"(\d+)\."))
        cfg["intermediate_size"] = shapes[hf + "encoder.layers.0.mlp.fc1.weight"][0]
    else:
        vocab, width = shapes[prefix + "token_embedding.weight"]
        cfg["max_position_embeddings"] = shapes[prefix + "positional_embedding"][0]
        layers = len(_indices(shapes, re.escape(prefix + "transformer.resblocks.") + r"(\d+)\."))
        # an original SD 2.x file holds OpenCLIP's whole tower (with its text projection) and the last block goes
        # unused; a file exported from diffusers holds only the blocks in use and no projection. SDXL keeps all.
        full_tower = prefix + "text_projection" in shapes
        cfg["num_hidden_layers"] = layers - 1 if penultimate and full_tower and layers > 1 else layers
        cfg["intermediate_size"] = shapes[prefix + "transformer.resblocks.0.mlp.c_fc.weight"][0]
        if prefix + "text_projection" in shapes:
            cfg["projection_dim"] = shapes[prefix + "text_projection"][-1]
    cfg["vocab_size"], cfg["hidden_size"] = vocab, width
    cfg["num_attention_heads"] = max(1, width // 64)
    return cfg


def fit_scheduler(cfg: dict, shapes: dict) -> dict:
    """The empty ``v_pred`` / ``ztsnr`` marker tensors some fine-tunes carry switch the family's default."""
    cfg = dict(cfg)
    if "v_pred" in shapes:
        cfg["prediction_type"] = "v_prediction"
    if "ztsnr" in shapes:  # zero terminal SNR needs the last timestep sampled: trailing spacing
        cfg.update(rescale_betas_zero_snr=True, timestep_spacing="trailing")
    return cfg


TEXT_PREFIXES = {"sd1": {"text_encoder": "cond_stage_model.transformer."},
                 "sd2": {"text_encoder": "cond_stage_model.model."},
                 "sdxl": {"text_encoder": "conditioner.embedders.0.transformer.",
                          "text_encoder_2": "conditioner.embedders.1.model."}}


def prepare_config_folder(family: Family, shapes: dict, target: Path) -> Path:
    """The family's bundled layout, fitted to ``shapes``, with tokenizers, written to ``target``."""
    shutil.copytree(configs_root() / family.config_folder, target)

    def rewrite(path: Path, fn):
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(fn(data), indent=2), encoding="utf-8")

    rewrite(target / "unet" / "config.json", lambda c: fit_unet(c, shapes, family))
    rewrite(target / "scheduler" / "scheduler_config.json", lambda c: fit_scheduler(c, shapes))
    rewrite(target / "vae" / "config.json", lambda c: fit_vae(c, shapes))
    for name, prefix in TEXT_PREFIXES[family.name].items():
        rewrite(target / name / "config.json", lambda c, p=prefix: fit_clip(c, shapes, p, family.name == "sd2"))
        tok_name = name.replace("text_encoder", "tokenizer")
        settings = json.loads((target / tok_name / "tokenizer_config.json").read_text(encoding="utf-8"))
        clip_tokenizer.write_openclip_tokenizer(target / tok_name, pad_token=settings.get("pad_token"))
        vocab = json.loads((target / name / "config.json").read_text(encoding="utf-8"))["vocab_size"]
        if vocab != clip_tokenizer.CLIP_VOCAB_SIZE:
            raise UserError(tr("the checkpoint's text encoder has a {vocab}-token vocabulary, not CLIP's {clip_vocab_size}", vocab=vocab, clip_vocab_size=clip_tokenizer.CLIP_VOCAB_SIZE), hint=tr("import it as a diffusers folder with its tokenizer"))
    return target


def convert_single_file(path: Path, dest: Path, progress=None) -> Family:
    """Convert checkpoint ``path`` into a diffusers pipeline folder ``dest`` (safetensors)."""
    import diffusers
    if path.suffix.lower() != ".safetensors":
        raise UserError(tr("{path}: pickle checkpoints ({suffix}) are refused (they can run code when loaded)", path=path, suffix=path.suffix),
                        hint=tr("convert it to .safetensors on a trusted machine first"))
    shapes = read_shapes(path)
    family = family_of_checkpoint(shapes)
    if family is None:
        raise UserError(tr("{path}: not a Stable Diffusion 1.x, 2.x or XL checkpoint (no UNet/text encoder keys found)", path=path),
                        hint=tr("LoRA files are imported as adapters, not base models"))
    for needed in (UNET + "input_blocks.0.0.weight", VAE + "decoder.conv_in.weight"):
        if needed not in shapes:
            raise UserError(tr("{path}: the checkpoint lacks {value} weights ({needed})", path=path, value=needed.split('.')[0], needed=needed),
                            hint=tr("use a complete checkpoint that includes the VAE"))
    if progress:
        progress(tr("converting a {label} checkpoint", label=family.label))
    with tempfile.TemporaryDirectory(prefix="aigc-sdconfig-") as tmp:
        config_dir = prepare_config_folder(family, shapes, Path(tmp) / "config")
        pipeline_class = getattr(diffusers, family.pipeline_class)
        try:
            from engine.image.pipeline import LOADING
            with LOADING:
                pipe = pipeline_class.from_single_file(str(path), config=str(config_dir), local_files_only=True,
                                                       safety_checker=None, feature_extractor=None)
        except UserError:
            raise
        except Exception as exc:  # noqa: BLE001 - conversion failures name the file
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(tr("{path}: could not convert the checkpoint ({text})", path=path, text=text[:200]),
                            hint=tr("the file may be damaged or of an unsupported variant")) from None
        if progress:
            progress(tr("writing the diffusers folder"))
        pipe.save_pretrained(dest, safe_serialization=True)
    return family
