"""Write a (merged) Hugging Face causal LM as a GGUF file llama.cpp can run.

Tensor names, metadata keys and weight transforms per family are in
``engine.deploy.families``. Quantization (f16, q8_0, q4_0) is done by the
``gguf`` package in Python; k-quants (q4_k_m, ...) are made from an f16 file
by llama.cpp's own quantizer (``engine.deploy.kquant``). Vectors (norms,
biases) and position embeddings stay f32; matrices whose rows are not a
multiple of the 32-value block stay f16; in q4_0 files the output projection
stays q8_0, since 4-bit logits cost the most quality for the fewest bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from engine.errors import UserError
from engine.i18n import tr

QUANTS = ("f16", "q8_0", "q4_0")
FILE_TYPE = {"f16": 1, "q8_0": 7, "q4_0": 2}


def add_metadata(writer, family, config, name: str, quant: str) -> None:
    writer.add_name(name)
    writer.add_file_type(FILE_TYPE[quant])
    writer.add_vocab_size(config.vocab_size)
    family.metadata(writer, config)


def _encode(array, quant: str, name: str, tied: bool):
    """(data, raw ggml type or None) for one tensor at the requested quantization."""
    import numpy as np
    from gguf import GGMLQuantizationType, quants
    if array.ndim == 1 or name == "position_embd.weight":
        return array.astype(np.float32), None
    if quant == "q4_0" and (name == "output.weight" or (tied and name == "token_embd.weight")):
        quant = "q8_0"
    if quant == "f16" or array.shape[-1] % 32:
        return array.astype(np.float16), None
    qtype = GGMLQuantizationType.Q8_0 if quant == "q8_0" else GGMLQuantizationType.Q4_0
    return quants.quantize(array.astype(np.float32), qtype), qtype


def write_gguf(model, tokenizer, path: Path, quant: str, name: str, chat_template: str,
               report: Callable[[float, str], None] = lambda f, m: None,
               check: Callable[[], None] = lambda: None) -> dict:
    """Write ``model`` (+ ``tokenizer``) to ``path``; returns tensor counts by stored type."""
    import gguf
    import torch
    from engine.deploy.families import family_of, gguf_name
    from engine.deploy.vocab import add_to_writer, build_vocab
    if quant not in QUANTS:
        raise UserError(f"quantization {quant} is not written in Python", hint=f"use one of {', '.join(QUANTS)}")
    config = model.config
    family = family_of(config)
    eos = getattr(model.generation_config, "eos_token_id", None)
    vocab = build_vocab(tokenizer, config.vocab_size, chat_template,
                        list(eos) if isinstance(eos, (list, tuple)) else None)
    writer = gguf.GGUFWriter(str(path), family.gguf_arch)
    add_metadata(writer, family, config, name, quant)
    add_to_writer(writer, vocab)
    tied = bool(getattr(config, "tie_word_embeddings", False))
    state = model.state_dict()
    stored: dict[str, int] = {}
    names = [n for n in state if not (tied and n == "lm_head.weight")]
    for index, hf_name in enumerate(names):
        check()
        target = gguf_name(family, hf_name)
        if target is None:
            continue
        array = state[hf_name].detach().to(torch.float32).cpu().numpy()
        array = family.rows(target, family.weight(hf_name, target, array, config), config)
        copies = [target, "output.weight"] if tied and family.copy_tied_output and target == "token_embd.weight" \
            else [target]
        for each in copies:
            data, raw = _encode(array, quant, each, tied and not family.copy_tied_output)
            writer.add_tensor(each, data, raw_dtype=raw)
            kind = raw.name.lower() if raw is not None else str(data.dtype).replace("float", "f")
            stored[kind] = stored.get(kind, 0) + 1
        report((index + 1) / len(names), tr("converted {tensor}", tensor=target))
    check()
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return stored
