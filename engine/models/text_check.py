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
        raise UserError(tr("{path} line {lineno}: {what} is not valid JSON ({msg})", path=path, lineno=exc.lineno, what=what, msg=exc.msg),
                        hint=tr("copy the file again from the original model")) from None
    except OSError as exc:
        raise UserError(tr("cannot read {path}: {strerror}", path=path, strerror=exc.strerror)) from None
    if not isinstance(data, dict):
        raise UserError(tr("{path}: {what} must be a JSON object", path=path, what=what))
    return data


def refuse_remote_code(folder: Path, config: dict) -> None:
    if "auto_map" in config:
        raise UserError(tr("{value}: field auto_map asks for custom Python code, which is never run", value=folder / 'config.json'),
                        hint=tr("use a model whose architecture is built into transformers"))
    tok_cfg = folder / "tokenizer_config.json"
    if tok_cfg.is_file() and "auto_map" in read_json(tok_cfg, "tokenizer config"):
        raise UserError(tr("{tok_cfg}: field auto_map asks for a custom tokenizer class, which is never run", tok_cfg=tok_cfg),
                        hint=tr("use a model whose tokenizer is built into transformers"))
    code = sorted(p.name for p in folder.glob("*.py"))
    if code:
        raise UserError(tr("{value}: the folder ships Python code, which is never run", value=folder / code[0]),
                        hint=tr("use a model whose architecture is built into transformers"))


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
            raise UserError(tr("{path}: weights file is damaged or incomplete ({value})", path=path, value=str(exc).splitlines()[0][:120]),
                            hint=tr("copy the model folder again; the file is probably truncated")) from None
    return found


def weight_files(folder: Path) -> list[Path]:
    index = folder / INDEX_FILE
    if index.is_file():
        weight_map = read_json(index, "shard index").get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise UserError(tr("{index}: field weight_map is missing or empty", index=index), hint=tr("copy the model folder again"))
        shards = sorted(set(weight_map.values()))
        missing = [s for s in shards if not (folder / s).is_file()]
        if missing:
            raise UserError(tr("{value}: shard listed in {index_file} is missing ({count} of {count2} shards absent)", value=folder / missing[0], index_file=INDEX_FILE, count=len(missing), count2=len(shards)), hint=tr("copy every shard of the model"))
        return [folder / s for s in shards]
    files = sorted(folder.glob("*.safetensors"))
    if files:
        return files
    pickles = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if pickles:
        raise UserError(tr("{value}: weights are in pickle format, which can run code when loaded and is refused", value=folder / pickles[0]), hint=CONVERT_HINT)
    raise UserError(tr("{folder}: no weights found (*.safetensors)", folder=folder), hint=tr("copy the complete model folder"))


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
            raise UserError(tr("{value}: tensor {name} has shape {list} but config.json implies {list2}", value=folder / file_name, name=name, list=list(got), list2=list(shape)), hint=tr("the weights do not belong to this config.json"))
    if missing:
        raise UserError(tr("{folder}: weights are incomplete, {count} tensors missing (first: {missing})", folder=folder, count=len(missing), missing=missing[0]),
                        hint=tr("copy every weights file of the model"))


def load_tokenizer(folder: Path):
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise UserError(tr("{folder}: no tokenizer files (tokenizer.json, tokenizer.model or vocab.json)", folder=folder),
                        hint=tr("copy the tokenizer files that came with the model into the folder"))
    from transformers import AutoTokenizer
    try:
        return AutoTokenizer.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001 - any loader failure is the folder's fault
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(tr("{folder}: tokenizer cannot be loaded ({first})", folder=folder, first=first[:160]),
                        hint=tr("copy the tokenizer files that came with the model")) from None


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
        raise UserError(tr("{folder} is not a folder", folder=folder), hint=tr("give the folder that holds config.json"))
    cfg_path = folder / "config.json"
    if not cfg_path.is_file():
        if (folder / "model_index.json").is_file():
            raise UserError(tr("{folder} is a diffusion pipeline, not a text model", folder=folder), hint=tr("import it as an image model"), options=("--kind image",))
        raise UserError(tr("{cfg_path} is missing", cfg_path=cfg_path), hint=tr("give the Hugging Face model folder that holds config.json"))
    raw = read_json(cfg_path, "config.json")
    refuse_remote_code(folder, raw)
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    model_type = raw.get("model_type")
    if not model_type:
        raise UserError(tr("{cfg_path}: field model_type is missing", cfg_path=cfg_path), hint=tr("copy config.json from the original model"))
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise UserError(tr("{cfg_path}: model_type '{model_type}' is not a causal language model this version of "
                           "transformers knows", cfg_path=cfg_path, model_type=model_type), hint=tr("use a Llama, Qwen2, Mistral, GPT-2, Phi-3 or Gemma family model"))
    from transformers import AutoConfig
    try:
        config = AutoConfig.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # noqa: BLE001
        raise UserError(tr("{cfg_path}: cannot be read as a {model_type} config ({value})", cfg_path=cfg_path, model_type=model_type, value=' '.join(str(exc).split())[:200]),
                        hint=tr("copy config.json from the original model")) from None
    files = weight_files(folder)
    stored = safetensors_shapes(files)
    model = meta_model(config)
    params = sum(p.numel() for p in model.parameters())
    weight_dtype = str(getattr(config, "dtype", None) or "float32").replace("torch.", "")
    if available_memory is not None:
        from engine.training.memory import DTYPE_BYTES, human
        need = params * DTYPE_BYTES.get(weight_dtype, 4)
        if need > available_memory:
            raise UserError(tr("{cfg_path}: this configuration has {value:.1f} billion parameters and needs about {human} "
                               "just for its weights; this machine has {human2}", cfg_path=cfg_path, value=params / 1e9, human=human(need), human2=human(available_memory)),
                            hint=tr("use a smaller model or a machine with more memory"))
    check_shapes(folder, model, stored)
    embedding_rows = model.get_input_embeddings().weight.shape[0]
    tokenizer = load_tokenizer(folder)
    if len(tokenizer) > embedding_rows:
        raise UserError(tr("{folder}: tokenizer has {count} tokens but the embedding has only {embedding_rows} rows", folder=folder, count=len(tokenizer), embedding_rows=embedding_rows), hint=tr("the tokenizer does not belong to these weights"))
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
