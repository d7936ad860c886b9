"""Verify a Hugging Face causal-LM folder before it enters the catalog.

Nothing here loads weights: the model is built on the ``meta`` device from its
config to learn the expected tensor shapes, and the safetensors headers say what
the files hold. Every refusal is a one-line ``UserError`` naming the file at fault.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "spiece.model", "tokenizer_config.json")
INDEX_FILE = "model.safetensors.index.json"
CONVERT_HINT = ("convert it to safetensors on a trusted machine: python -c \"from transformers import "
                "AutoModelForCausalLM as M; M.from_pretrained('IN').save_pretrained('OUT')\" and copy OUT here")


def read_json(path: Path, what: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path} line {exc.lineno}: {what} is not valid JSON ({exc.msg})",
                        hint="copy the file again from the original model") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: {what} must be a JSON object")
    return data


def refuse_remote_code(folder: Path, config: dict) -> None:
    if "auto_map" in config:
        raise UserError(f"{folder / 'config.json'}: field auto_map asks for custom Python code, which is never run",
                        hint="use a model whose architecture is built into transformers")
    tok_cfg = folder / "tokenizer_config.json"
    if tok_cfg.is_file() and "auto_map" in read_json(tok_cfg, "tokenizer config"):
        raise UserError(f"{tok_cfg}: field auto_map asks for a custom tokenizer class, which is never run",
                        hint="use a model whose tokenizer is built into transformers")
    code = sorted(p.name for p in folder.glob("*.py"))
    if code:
        raise UserError(f"{folder / code[0]}: the folder ships Python code, which is never run",
                        hint="use a model whose architecture is built into transformers")


def safetensors_shapes(files: list[Path]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """``{tensor name: (file name, shape)}`` from the headers; a truncated file is refused."""
    from safetensors import SafetensorError, safe_open
    found = {}
    for path in files:
        try:
            with safe_open(str(path), framework="pt") as handle:
                for key in handle.keys():
                    found[key] = (path.name, tuple(handle.get_slice(key).get_shape()))
        except (SafetensorError, OSError) as exc:
            raise UserError(f"{path}: weights file is damaged or incomplete ({str(exc).splitlines()[0][:120]})",
                            hint="copy the model folder again; the file is probably truncated") from None
    return found


def weight_files(folder: Path) -> list[Path]:
    index = folder / INDEX_FILE
    if index.is_file():
        weight_map = read_json(index, "shard index").get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise UserError(f"{index}: field weight_map is missing or empty", hint="copy the model folder again")
        shards = sorted(set(weight_map.values()))
        missing = [s for s in shards if not (folder / s).is_file()]
        if missing:
            raise UserError(f"{folder / missing[0]}: shard listed in {INDEX_FILE} is missing "
                            f"({len(missing)} of {len(shards)} shards absent)", hint="copy every shard of the model")
        return [folder / s for s in shards]
    files = sorted(folder.glob("*.safetensors"))
    if files:
        return files
    pickles = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise UserError(f"{folder / pickles[0]}: weights are in pickle format, which can run code when loaded "
                        "and is refused", hint=CONVERT_HINT)
    raise UserError(f"{folder}: no weights found (*.safetensors)", hint="copy the complete model folder")


def meta_model(config):
    """The architecture on the meta device: shapes and counts without memory."""
    import torch
    from transformers import AutoModelForCausalLM
    with torch.device("meta"):
        return AutoModelForCausalLM.from_config(config)


def tied_keys(model) -> set[str]:
    tied = getattr(model, "_tied_weights_keys", None) or {}
    keys = set(tied.keys()) if isinstance(tied, dict) else set(tied)
    if getattr(model.config, "tie_word_embeddings", False):
        out = model.get_output_embeddings()
        if out is not None:
            keys.update(n for n, p in model.named_parameters() if p is out.weight)
    return keys


def check_shapes(folder: Path, model, stored: dict) -> None:
    prefix = getattr(model, "base_model_prefix", "") + "."
    expected = {name: tuple(p.shape) for name, p in model.named_parameters(remove_duplicate=False)}
    optional = tied_keys(model)
    missing = []
    for name, shape in expected.items():
        candidates = [name, name[len(prefix):] if name.startswith(prefix) else prefix + name]
        hit = next((stored[c] for c in candidates if c in stored), None)
        if hit is None:
            if name not in optional:
                missing.append(name)
            continue
        file_name, got = hit
        if got != shape:
            raise UserError(f"{folder / file_name}: tensor {name} has shape {list(got)} but config.json implies "
                            f"{list(shape)}", hint="the weights do not belong to this config.json")
    if missing:
        raise UserError(f"{folder}: weights are incomplete, {len(missing)} tensors missing (first: {missing[0]})",
                        hint="copy every weights file of the model")


def load_tokenizer(folder: Path):
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise UserError(f"{folder}: no tokenizer files (tokenizer.json, tokenizer.model or vocab.json)",
                        hint="copy the tokenizer files that came with the model into the folder")
    from transformers import AutoTokenizer
    try:
        return AutoTokenizer.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001 - any loader failure is the folder's fault
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(f"{folder}: tokenizer cannot be loaded ({first[:160]})",
                        hint="copy the tokenizer files that came with the model") from None


def context_length(config) -> int | None:
    for key in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def verify_text_folder(folder: str | os.PathLike, available_memory: int | None = None) -> dict:
    """Check everything a text model folder needs; returns facts about it or raises UserError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder", hint="give the folder that holds config.json")
    cfg_path = folder / "config.json"
    if not cfg_path.is_file():
        if (folder / "model_index.json").is_file():
            raise UserError(f"{folder} is a diffusion pipeline, not a text model", hint="import it as an image model", options=("--kind image",))
        raise UserError(f"{cfg_path} is missing", hint="give the Hugging Face model folder that holds config.json")
    raw = read_json(cfg_path, "config.json")
    refuse_remote_code(folder, raw)
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    model_type = raw.get("model_type")
    if not model_type:
        raise UserError(f"{cfg_path}: field model_type is missing", hint="copy config.json from the original model")
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise UserError(f"{cfg_path}: model_type '{model_type}' is not a causal language model this version of "
                        "transformers knows", hint="use a Llama, Qwen2, Mistral, GPT-2, Phi-3 or Gemma family model")
    from transformers import AutoConfig
    try:
        config = AutoConfig.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001
        raise UserError(f"{cfg_path}: cannot be read as a {model_type} config ({' '.join(str(exc).split())[:200]})",
                        hint="copy config.json from the original model") from None
    files = weight_files(folder)
    stored = safetensors_shapes(files)
    model = meta_model(config)
    params = sum(p.numel() for p in model.parameters())
    weight_dtype = str(getattr(config, "dtype", None) or "float32").replace("torch.", "")
    if available_memory is not None:
        from engine.training.memory import DTYPE_BYTES, human
        need = params * DTYPE_BYTES.get(weight_dtype, 4)
        if need > available_memory:
            raise UserError(f"{cfg_path}: this configuration has {params / 1e9:.1f} billion parameters and needs "
                            f"about {human(need)} just for its weights; this machine has {human(available_memory)}",
                            hint="use a smaller model or a machine with more memory")
    check_shapes(folder, model, stored)
    embedding_rows = model.get_input_embeddings().weight.shape[0]
    tokenizer = load_tokenizer(folder)
    if len(tokenizer) > embedding_rows:
        raise UserError(f"{folder}: tokenizer has {len(tokenizer)} tokens but the embedding has only "
                        f"{embedding_rows} rows", hint="the tokenizer does not belong to these weights")
    template = tokenizer.chat_template
    return {
        "architecture": (raw.get("architectures") or [type(model).__name__])[0],
        "model_type": model_type,
        "parameters": int(params),
        "dtype": weight_dtype,
        "vocab_size": int(embedding_rows),
        "tokenizer_size": len(tokenizer),
        "context_length": context_length(config),
        "hidden_size": getattr(config, "hidden_size", None) or getattr(config, "n_embd", None),
        "layers": getattr(config, "num_hidden_layers", None) or getattr(config, "n_layer", None),
        "chat_template": bool(template),
        "sharded": (folder / INDEX_FILE).is_file(),
        "weight_files": [p.name for p in files],
        "generation_config": (folder / "generation_config.json").is_file(),
    }
