"""Write a (merged) Hugging Face causal LM as a GGUF file llama.cpp can run.

Tensor names and metadata keys follow llama.cpp's model loader for each family.
Llama-family query/key rows are reordered: Hugging Face rotates the two halves
of each head (rotate-half RoPE) while llama.cpp's ``llama`` graph rotates
adjacent pairs, so each head's rows are interleaved to give the same attention.
Qwen2 uses rotate-half in llama.cpp too, so its rows stay as they are.

Quantization (f16, q8_0, q4_0) is done by the ``gguf`` package in Python.
Vectors (norms, biases) stay f32; matrices whose rows are not a multiple of the
32-value block stay f16; in q4_0 files the output projection stays q8_0, since
4-bit logits cost the most quality for the fewest bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.errors import UserError

QUANTS = ("f16", "q8_0", "q4_0")
FILE_TYPE = {"f16": 1, "q8_0": 7, "q4_0": 2}
Q4_K_M_NOTE = ("q4_k_m is not available: the gguf Python package implements k-quant dequantization only, "
               "not quantization (that is in llama.cpp's C++ llama-quantize tool)")


@dataclass(frozen=True)
class Family:
    gguf_arch: str
    interleave_qk: bool     # reorder q/k rows from rotate-half to adjacent-pair RoPE


FAMILIES = {"llama": Family("llama", True), "mistral": Family("llama", True), "qwen2": Family("qwen2", False)}
LAYER_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
TOP_NAMES = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}


def family_of(config) -> Family:
    model_type = getattr(config, "model_type", "")
    if model_type not in FAMILIES:
        raise UserError(f"GGUF export of a '{model_type}' model is not supported yet",
                        hint=f"supported families: {', '.join(sorted(FAMILIES))}")
    return FAMILIES[model_type]


def gguf_name(hf_name: str) -> str | None:
    """The llama.cpp tensor name of a Hugging Face parameter (None: not stored, e.g. rotary buffers)."""
    if hf_name in TOP_NAMES:
        return TOP_NAMES[hf_name]
    parts = hf_name.split(".", 3)
    if len(parts) == 4 and parts[:2] == ["model", "layers"] and parts[2].isdigit():
        if parts[3] in LAYER_NAMES:
            return f"blk.{parts[2]}.{LAYER_NAMES[parts[3]]}"
    if hf_name.endswith("rotary_emb.inv_freq"):
        return None
    raise UserError(f"parameter {hf_name} has no place in a GGUF file of this family",
                    hint="the model has layers llama.cpp's loader does not know; it cannot be exported")


def interleave_heads(weight, heads: int):
    """Rows of each head from [first half, second half] to adjacent (even, odd) pairs."""
    rows = weight.shape[0]
    return weight.reshape(heads, 2, rows // heads // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def _rope(config) -> float:
    params = getattr(config, "rope_parameters", None) or {}
    scaling = getattr(config, "rope_scaling", None) or {}
    kind = params.get("rope_type") or scaling.get("rope_type") or scaling.get("type") or "default"
    if kind != "default":
        raise UserError(f"RoPE scaling '{kind}' is not supported by GGUF export yet",
                        hint="export a model without rope_scaling")
    return float(params.get("rope_theta") or getattr(config, "rope_theta", None) or 10000.0)


def add_metadata(writer, config, name: str, quant: str) -> None:
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    writer.add_name(name)
    writer.add_file_type(FILE_TYPE[quant])
    writer.add_vocab_size(config.vocab_size)
    writer.add_context_length(int(config.max_position_embeddings))
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(heads)
    writer.add_head_count_kv(getattr(config, "num_key_value_heads", None) or heads)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(_rope(config))
    writer.add_layer_norm_rms_eps(float(config.rms_norm_eps))


def _encode(array, quant: str, name: str, tied: bool):
    """(data, raw ggml type or None) for one tensor at the requested quantization."""
    import numpy as np
    from gguf import GGMLQuantizationType, quants
    if array.ndim == 1:
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
    from engine.deploy.vocab import add_to_writer, build_vocab
    if quant not in QUANTS:
        raise UserError(f"--quant {quant} is not available" if quant != "q4_k_m" else Q4_K_M_NOTE,
                        hint=f"use one of {', '.join(QUANTS)}")
    config = model.config
    family = family_of(config)
    eos = getattr(model.generation_config, "eos_token_id", None)
    vocab = build_vocab(tokenizer, config.vocab_size, chat_template,
                        list(eos) if isinstance(eos, (list, tuple)) else None)
    writer = gguf.GGUFWriter(str(path), family.gguf_arch)
    add_metadata(writer, config, name, quant)
    add_to_writer(writer, vocab)
    heads, kv_heads = config.num_attention_heads, getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    tied = bool(getattr(config, "tie_word_embeddings", False))
    state = model.state_dict()
    stored: dict[str, int] = {}
    names = [n for n in state if not (tied and n == "lm_head.weight")]
    for index, hf_name in enumerate(names):
        check()
        target = gguf_name(hf_name)
        if target is None:
            continue
        array = state[hf_name].detach().to(torch.float32).cpu().numpy()
        if family.interleave_qk and ".attn_q." in target:
            array = interleave_heads(array, heads)
        elif family.interleave_qk and ".attn_k." in target:
            array = interleave_heads(array, kv_heads)
        data, raw = _encode(array, quant, target, tied)
        writer.add_tensor(target, data, raw_dtype=raw)
        kind = raw.name.lower() if raw is not None else str(data.dtype).replace("float", "f")
        stored[kind] = stored.get(kind, 0) + 1
        report((index + 1) / len(names), f"converted {target}")
    check()
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return stored
