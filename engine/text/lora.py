"""LoRA with peft: target modules chosen per architecture, adapters saved in plain PEFT format."""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr

ATTENTION = ["q_proj", "k_proj", "v_proj", "o_proj"]
ARCH_TARGETS = {
    "llama": ATTENTION, "mistral": ATTENTION, "mixtral": ATTENTION, "qwen2": ATTENTION, "qwen3": ATTENTION,
    "qwen2_moe": ATTENTION, "gemma": ATTENTION, "gemma2": ATTENTION, "gemma3_text": ATTENTION,
    "starcoder2": ATTENTION, "stablelm": ATTENTION, "olmo": ATTENTION, "olmo2": ATTENTION, "granite": ATTENTION,
    "phi3": ["qkv_proj", "o_proj"],
    "phi": ["q_proj", "k_proj", "v_proj", "dense"],
    "gpt2": ["c_attn", "c_proj"],
    "gpt_neox": ["query_key_value", "dense"],
    "falcon": ["query_key_value", "dense"],
    "bloom": ["query_key_value", "dense"],
    "gptj": ["q_proj", "k_proj", "v_proj", "out_proj"],
    "opt": ["q_proj", "k_proj", "v_proj", "out_proj"],
}


def target_modules_for(model_type: str, requested=None):
    """Explicit request, else our per-architecture choice, else peft's table, else every linear layer."""
    if requested:
        return requested
    if model_type in ARCH_TARGETS:
        return list(ARCH_TARGETS[model_type])
    from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING as PEFT_TABLE
    return list(PEFT_TABLE.get(model_type) or []) or "all-linear"


def apply_lora(model, r: int, alpha: int, dropout: float, target_modules=None):
    from peft import LoraConfig, get_peft_model
    targets = target_modules_for(model.config.model_type, target_modules)
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets, bias="none",
                        task_type="CAUSAL_LM")
    try:
        return get_peft_model(model, config)
    except ValueError as exc:
        raise UserError(f"LoRA target modules {targets} do not fit this {model.config.model_type} model "
                        f"({' '.join(str(exc).split())[:160]})",
                        hint="name its linear layers as the target modules, or all-linear", options=("--target-modules",)) from None


def trainable_parameters(model) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
