"""Load a catalog text model and its tokenizer onto a device, offline and without remote code."""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr


def load_tokenizer(path: str):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    if tok.pad_token_id is None:
        if tok.eos_token is None:
            raise UserError(tr("{path}: tokenizer has neither a pad nor an end-of-sequence token", path=path),
                            hint=tr("add eos_token to tokenizer_config.json"))
        tok.pad_token = tok.eos_token
    return tok


def load_model(path: str, dtype: str = "float32", device: str = "cpu", quantization_config=None):
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging
    from engine.devices import torch_dtype
    hf_logging.disable_progress_bar()  # progress goes through the job, not stray bars on stderr
    kwargs = {"local_files_only": True, "trust_remote_code": False, "dtype": torch_dtype(dtype)}
    if quantization_config is not None:
        kwargs.update(quantization_config=quantization_config, device_map={"": 0})
    try:
        model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    except torch.OutOfMemoryError:
        raise UserError(tr("out of memory while loading {path} on {device}", path=path, device=device),
                        hint=tr("free memory, use a smaller model, or use the CPU")) from None
    if quantization_config is None:
        model.to(device)
    return model


def base_model_info(engine, name_or_id: str):
    """The catalog entry of a text base model (adapters are resolved to their base)."""
    model = engine.models.get(name_or_id)
    if model.kind != "text":
        raise UserError(tr("model '{name}' is an {kind} model, not a text model", name=model.name, kind=model.kind))
    return model
