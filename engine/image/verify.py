"""Verify a diffusers pipeline folder before anything is registered.

Checks, each failing with a one-line message naming the file: the components in
``model_index.json`` are present; weights are safetensors (pickle refused); no
remote code; every weight tensor matches the shape its config implies (checked
against a model built on the meta device, so nothing is allocated); the UNet,
VAE and text encoders agree with one another; then a SHA-256 manifest.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from engine.errors import UserError
from engine.image.families import SUPPORTED_PIPELINES, Family, family_of_folder
from engine.i18n import tr

PICKLE_SUFFIXES = (".bin", ".ckpt", ".pt", ".pth", ".pkl", ".pickle")
MODEL_CLASSES = {"UNet2DConditionModel", "AutoencoderKL", "CLIPTextModel", "CLIPTextModelWithProjection"}
TOKENIZER_CLASSES = {"CLIPTokenizer", "CLIPTokenizerFast"}
HINT_REEXPORT = "re-save the model with save_pretrained(..., safe_serialization=True) or convert it to .safetensors"


def read_json(path: Path, what: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise UserError(tr("{path}: {what} is missing", path=path, what=what), hint=tr("copy the complete model folder")) from None
    except (OSError, ValueError) as exc:
        raise UserError(tr("{path}: {what} is not valid JSON ({exc})", path=path, what=what, exc=exc), hint=tr("copy the file again")) from None
    if not isinstance(data, dict):
        raise UserError(tr("{path}: {what} must be a JSON object", path=path, what=what))
    return data


def components(model_index: dict) -> dict[str, tuple[str, str]]:
    """name -> (library, class) of the non-empty components listed in model_index.json."""
    found = {}
    for name, value in model_index.items():
        if name.startswith("_") or not isinstance(value, list) or len(value) != 2:
            continue
        if value[0] is None or value[1] is None:
            continue
        found[name] = (value[0], value[1])
    return found


def refuse_remote_code(folder: Path) -> None:
    for path in folder.rglob("*.py"):
        raise UserError(tr("{path}: the model folder contains Python code, which is never run", path=path),
                        hint=tr("use a plain diffusers folder without custom code"))
    for path in folder.rglob("*.json"):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if '"auto_map"' in text or '"custom_pipeline"' in text:
            raise UserError(tr("{path}: the config asks for remote code (auto_map/custom_pipeline), which is never run", path=path),
                            hint=tr("use a standard Stable Diffusion pipeline"))


def weight_files(folder: Path, component: str) -> list[Path]:
    """Safetensors weights of one component; pickle-only folders are refused."""
    sub = folder / component
    safes = sorted(p for p in sub.glob("*.safetensors"))
    pickles = sorted(p for p in sub.iterdir() if p.suffix in PICKLE_SUFFIXES) if sub.is_dir() else []
    if not safes and pickles:
        raise UserError(tr("{pickles}: pickle weights are refused (they can run code when loaded)", pickles=pickles[0]),
                        hint=HINT_REEXPORT)
    if not safes:
        raise UserError(tr("{sub}: no .safetensors weights for component '{component}'", sub=sub, component=component),
                        hint=tr("copy the complete model folder"))
    # a sharded model lists its shards in an index; a single file otherwise
    indexes = sorted(sub.glob("*.safetensors.index.json"))
    if indexes:
        index = read_json(indexes[0], "weight index")
        needed = sorted(set(index.get("weight_map", {}).values()))
        missing = [n for n in needed if not (sub / n).is_file()]
        if missing:
            raise UserError(tr("{value}: weight shard listed in {name} is missing", value=sub / missing[0], name=indexes[0].name),
                            hint=tr("copy the complete model folder"))
        return [sub / n for n in needed]
    variants = [p for p in safes if p.name.count(".") == 1]  # prefer the main file over .fp16 variants
    return variants[:1] or safes[:1]


def tensor_shapes(files: list[Path]) -> dict[str, tuple[int, ...]]:
    from safetensors import safe_open
    shapes = {}
    for path in files:
        try:
            with safe_open(str(path), framework="pt") as handle:
                for key in handle.keys():
                    shapes[key] = tuple(handle.get_slice(key).get_shape())
        except Exception as exc:  # noqa: BLE001 - a damaged file is the user's to fix
            raise UserError(tr("{path}: not a readable safetensors file ({exc})", path=path, exc=exc), hint=tr("copy the file again")) from None
    return shapes


def expected_shapes(library: str, class_name: str, config_dir: Path) -> dict[str, tuple[int, ...]]:
    """Parameter shapes of the model its config describes, built on the meta device."""
    import torch
    if library == "diffusers":
        import diffusers
        cls = getattr(diffusers, class_name)
        config = cls.load_config(config_dir)
        with torch.device("meta"):
            model = cls.from_config(config)
    else:
        import transformers
        cls = getattr(transformers, class_name)
        config = cls.config_class.from_pretrained(config_dir, local_files_only=True)
        with torch.device("meta"):
            model = cls(config)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def check_shapes(component: str, expected: dict, actual: dict, path: Path) -> None:
    missing = [k for k in expected if k not in actual and not k.endswith("position_ids")]
    if missing:
        raise UserError(tr("{path}: weights for '{component}' lack {count} tensors (first: {missing})", path=path, component=component, count=len(missing), missing=missing[0]),
                        hint=tr("the weights do not belong to this config; copy the complete model folder"))
    for key, shape in actual.items():
        if key in expected and tuple(expected[key]) != tuple(shape):
            raise UserError(tr("{path}: tensor {key} has shape {list}, the config implies {list2}", path=path, key=key, list=list(shape), list2=list(expected[key])),
                            hint=tr("the weights do not belong to this config"))


def file_manifest(folder: Path) -> dict[str, str]:
    manifest = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            manifest[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return manifest


def manifest_digest(manifest: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def verify_pipeline_folder(folder: str | os.PathLike, check_tensors: bool = True, progress=None) -> dict:
    """Verify ``folder``; returns a report dict (family, components, parameters, files) or raises UserError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(tr("{folder}: not a folder", folder=folder), hint=tr("give the diffusers pipeline folder or a .safetensors file"))
    model_index = read_json(folder / "model_index.json", "model_index.json (the pipeline description)")
    cls = model_index.get("_class_name", "")
    if cls not in SUPPORTED_PIPELINES:
        raise UserError(tr("{value}: pipeline class '{cls}' is not supported", value=folder / 'model_index.json', cls=cls),
                        hint=tr("import a Stable Diffusion 1.x, 2.x or SDXL pipeline"))
    refuse_remote_code(folder)
    parts = components(model_index)
    needed = ["unet", "vae", "scheduler", "text_encoder", "tokenizer"]
    if "XL" in cls:
        needed += ["text_encoder_2", "tokenizer_2"]
    for name in needed:
        if name not in parts:
            raise UserError(tr("{value}: component '{name}' is not listed", value=folder / 'model_index.json', name=name),
                            hint=tr("copy the complete pipeline folder"))
        if not (folder / name).is_dir():
            raise UserError(tr("{value}: component folder '{name}' is missing", value=folder / name, name=name),
                            hint=tr("copy the complete pipeline folder"))
    configs: dict[str, dict] = {}
    params: dict[str, int] = {}
    for name, (library, class_name) in parts.items():
        sub = folder / name
        if not sub.is_dir():
            raise UserError(tr("{sub}: component folder '{name}' listed in model_index.json is missing", sub=sub, name=name),
                            hint=tr("copy the complete pipeline folder"))
        if library not in ("diffusers", "transformers", "stable_diffusion"):
            raise UserError(tr("{value}: component '{name}' comes from '{library}', which is not loaded", value=folder / 'model_index.json', name=name, library=library), hint=tr("use a standard Stable Diffusion pipeline"))
        if class_name in TOKENIZER_CLASSES:
            has_files = (sub / "tokenizer.json").is_file() or ((sub / "vocab.json").is_file()
                                                               and (sub / "merges.txt").is_file())
            if not has_files:
                raise UserError(tr("{sub}: tokenizer files (vocab.json + merges.txt or tokenizer.json) are missing", sub=sub),
                                hint=tr("copy the complete pipeline folder"))
        elif name == "scheduler":
            configs[name] = read_json(sub / "scheduler_config.json", "scheduler config")
        elif class_name in MODEL_CLASSES or name in ("unet", "vae") or name.startswith("text_encoder"):
            configs[name] = read_json(sub / "config.json", f"{name} config")
            files = weight_files(folder, name)
            if progress:
                progress(tr("checking {name}", name=name))
            actual = tensor_shapes(files)
            params[name] = sum(_numel(s) for s in actual.values())
            if check_tensors:
                check_shapes(name, expected_shapes(library, class_name, sub), actual, files[0])
    family = family_of_folder(model_index, configs.get("text_encoder"))
    _check_consistency(folder, family, configs)
    return {"family": family.name, "family_label": family.label, "pipeline_class": cls,
            "components": sorted(parts), "parameters": params, "configs": configs,
            "resolution": _native_resolution(configs, family)}


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _native_resolution(configs: dict, family: Family) -> int:
    unet, vae = configs.get("unet", {}), configs.get("vae", {})
    factor = 2 ** (len(vae.get("block_out_channels", [0, 0, 0, 0])) - 1)
    sample = unet.get("sample_size")
    if isinstance(sample, list):
        sample = sample[0]
    return int(sample * factor) if sample else family.resolution


def _check_consistency(folder: Path, family: Family, configs: dict) -> None:
    unet, vae = configs["unet"], configs["vae"]
    if unet.get("in_channels") != vae.get("latent_channels") and unet.get("in_channels") not in (8, 9):
        raise UserError(tr("{value}: UNet takes {get} channels but the VAE makes {get2}", value=folder / 'unet' / 'config.json', get=unet.get('in_channels'), get2=vae.get('latent_channels')), hint=tr("the components come from different models"))
    pooled = configs.get("text_encoder_2", {}).get("projection_dim")
    if unet.get("addition_embed_type") == "text_time" and pooled:
        time_dim, wanted = unet.get("addition_time_embed_dim") or 0, unet.get("projection_class_embeddings_input_dim")
        if wanted not in (6 * time_dim + pooled, 5 * time_dim + pooled):  # 6 size/crop ids; 5 for a refiner
            raise UserError(tr("{value}: projection_class_embeddings_input_dim {wanted} does not fit "
                               "addition_time_embed_dim {time_dim} and the text projection {pooled}", value=folder / 'unet' / 'config.json', wanted=wanted, time_dim=time_dim, pooled=pooled),
                            hint=tr("set addition_time_embed_dim to match, or re-export the model"))
    width = sum(configs[n].get("hidden_size", 0) for n in family.text_encoders)
    if unet.get("cross_attention_dim") != width:
        raise UserError(tr("{value}: cross_attention_dim {get} does not match the text encoder width {width}", value=folder / 'unet' / 'config.json', get=unet.get('cross_attention_dim'), width=width),
                        hint=tr("the components come from different models"))
