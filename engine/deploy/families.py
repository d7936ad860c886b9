"""Per-family layout of a GGUF file: tensor names, metadata keys and weight transforms llama.cpp expects.

Each family is data plus a few small functions, no class hierarchy:
- Llama/Mistral: q/k rows reordered from Hugging Face's rotate-half RoPE to the
  adjacent pairs the ``llama`` graph rotates.
- Qwen2, Phi-3, Gemma: llama.cpp rotates halves (NEOX) too, rows stay.
- Gemma: RMSNorm multiplies by (1 + weight), llama.cpp by weight, so 1 is added.
- Phi-3: fused q/k/v and gate/up projections are stored fused, as llama.cpp reads them.
- GPT-2: Conv1D weights are stored transposed ((in, out)); the output matrix is
  written as a copy of the token embedding it is tied to.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.errors import UserError
from engine.i18n import tr

LLAMA_LAYER = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
PHI3_LAYER = {
    "input_layernorm.weight": "attn_norm.weight", "self_attn.qkv_proj.weight": "attn_qkv.weight",
    "self_attn.o_proj.weight": "attn_output.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
}
LLAMA_TOP = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
GPT2_LAYER = {f"{hf}.{kind}": f"{ours}.{kind}" for hf, ours in (
    ("ln_1", "attn_norm"), ("attn.c_attn", "attn_qkv"), ("attn.c_proj", "attn_output"), ("ln_2", "ffn_norm"),
    ("mlp.c_fc", "ffn_up"), ("mlp.c_proj", "ffn_down")) for kind in ("weight", "bias")}
GPT2_TOP = {"transformer.wte.weight": "token_embd.weight", "transformer.wpe.weight": "position_embd.weight",
            "transformer.ln_f.weight": "output_norm.weight", "transformer.ln_f.bias": "output_norm.bias",
            "lm_head.weight": "output.weight"}
GPT2_CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def _head_dim(config) -> int:
    return getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads


def _rope(config) -> float:
    params = getattr(config, "rope_parameters", None) or {}
    scaling = getattr(config, "rope_scaling", None) or {}
    kind = params.get("rope_type") or scaling.get("rope_type") or scaling.get("type") or "default"
    if kind != "default":
        raise UserError(tr("RoPE scaling '{kind}' is not supported by GGUF export yet", kind=kind),
                        hint=tr("export a model without rope_scaling"))
    return float(params.get("rope_theta") or getattr(config, "rope_theta", None) or 10000.0)


def rms_metadata(writer, config) -> None:
    """Keys shared by the RMSNorm + RoPE decoder families."""
    heads, head_dim = config.num_attention_heads, _head_dim(config)
    writer.add_context_length(int(config.max_position_embeddings))
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(heads)
    writer.add_head_count_kv(getattr(config, "num_key_value_heads", None) or heads)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    rotary = int(head_dim * float(getattr(config, "partial_rotary_factor", None) or 1.0))
    writer.add_rope_dimension_count(rotary)
    writer.add_rope_freq_base(_rope(config))
    writer.add_layer_norm_rms_eps(float(config.rms_norm_eps))


def phi3_metadata(writer, config) -> None:
    rms_metadata(writer, config)
    original = getattr(config, "original_max_position_embeddings", None)
    if original:
        writer.add_rope_scaling_orig_ctx_len(int(original))
    window = getattr(config, "sliding_window", None)
    if window:
        writer.add_sliding_window(int(window))


def gpt2_metadata(writer, config) -> None:
    writer.add_context_length(int(config.n_positions))
    writer.add_embedding_length(config.n_embd)
    writer.add_block_count(config.n_layer)
    writer.add_feed_forward_length(config.n_inner or 4 * config.n_embd)
    writer.add_head_count(config.n_head)
    writer.add_layer_norm_eps(float(config.layer_norm_epsilon))


def interleave_heads(weight, heads: int):
    """Rows of each head from [first half, second half] to adjacent (even, odd) pairs."""
    rows = weight.shape[0]
    return weight.reshape(heads, 2, rows // heads // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def llama_rows(target: str, array, config):
    """Output rows of q/k (weights, biases and LoRA B matrices) in the order the llama graph rotates."""
    heads = config.num_attention_heads
    if ".attn_q." in target:
        return interleave_heads(array, heads)
    if ".attn_k." in target:
        return interleave_heads(array, getattr(config, "num_key_value_heads", None) or heads)
    return array


def gemma_weight(hf_name: str, target: str, array, config):
    return array + 1.0 if target.endswith("norm.weight") else array


def gpt2_weight(hf_name: str, target: str, array, config):
    return array.T.copy() if hf_name.endswith(GPT2_CONV1D) else array


@dataclass(frozen=True)
class Family:
    gguf_arch: str
    layer_prefix: str                      # Hugging Face prefix of block N's parameters, before N
    layer_names: dict
    top_names: dict
    metadata: Callable
    rows: Callable = lambda target, array, config: array      # output-row order (also LoRA B)
    weight: Callable = lambda hf_name, target, array, config: array   # base weights only
    copy_tied_output: bool = False         # write output.weight even when tied to the embedding


FAMILIES = {
    "llama": Family("llama", "model.layers.", LLAMA_LAYER, LLAMA_TOP, rms_metadata, rows=llama_rows),
    "mistral": Family("llama", "model.layers.", LLAMA_LAYER, LLAMA_TOP, rms_metadata, rows=llama_rows),
    "qwen2": Family("qwen2", "model.layers.", LLAMA_LAYER, LLAMA_TOP, rms_metadata),
    "gemma": Family("gemma", "model.layers.", LLAMA_LAYER, LLAMA_TOP, rms_metadata, weight=gemma_weight),
    "phi3": Family("phi3", "model.layers.", PHI3_LAYER, LLAMA_TOP, phi3_metadata),
    "gpt2": Family("gpt2", "transformer.h.", GPT2_LAYER, GPT2_TOP, gpt2_metadata, weight=gpt2_weight,
                   copy_tied_output=True),
}
SKIPPED_SUFFIXES = ("rotary_emb.inv_freq", "attn.bias", "attn.masked_bias")


def family_of(config) -> Family:
    model_type = getattr(config, "model_type", "")
    if model_type not in FAMILIES:
        raise UserError(tr("GGUF export of a '{model_type}' model is not supported yet", model_type=model_type),
                        hint=tr("supported families: {items}", items=', '.join(sorted(FAMILIES))))
    if model_type == "gemma" and getattr(config, "hidden_activation", None) not in (None, "gelu_pytorch_tanh"):
        raise UserError(tr("Gemma activation '{hidden_activation}' differs from llama.cpp's tanh GELU", hidden_activation=config.hidden_activation),
                        hint=tr("export a model whose hidden_activation is gelu_pytorch_tanh"))
    return FAMILIES[model_type]


def gguf_name(family: Family, hf_name: str) -> str | None:
    """The llama.cpp tensor name of a Hugging Face parameter (None: not stored, e.g. rotary buffers)."""
    if hf_name in family.top_names:
        return family.top_names[hf_name]
    if hf_name.startswith(family.layer_prefix):
        index, _, rest = hf_name[len(family.layer_prefix):].partition(".")
        if index.isdigit() and rest in family.layer_names:
            return f"blk.{index}.{family.layer_names[rest]}"
    if hf_name.endswith(SKIPPED_SUFFIXES):
        return None
    raise UserError(tr("parameter {hf_name} has no place in a GGUF file of this family", hf_name=hf_name),
                    hint=tr("the model has layers llama.cpp's loader does not know; it cannot be exported"))
