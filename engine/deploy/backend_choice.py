"""Which backend generates with a PyTorch catalog model: PyTorch, or llama.cpp through a cached GGUF copy.

``auto`` (the default) picks llama.cpp when the model runs on the CPU,
llama-cpp-python is installed, the GGUF exporter knows the architecture and
no int8 model was asked for; on a GPU it is always PyTorch. ``llamacpp`` asks
for llama.cpp and is refused in one line when it cannot be had; ``torch``
keeps PyTorch. The workspace setting ``generation.backend`` sets the default, else the
environment variable ``AIGC_GENERATION_BACKEND``, else ``auto``.
"""
from __future__ import annotations

from engine.errors import UserError

BACKENDS = ("auto", "torch", "llamacpp")
SETTING = "generation.backend"
QUANTS = ("f16", "q8_0", "q4_0", "q4_k_m")


def default_backend(engine) -> str:
    import os
    value = engine.workspace.get_setting(SETTING) or os.environ.get("AIGC_GENERATION_BACKEND") or "auto"
    return value if value in BACKENDS else "auto"


def check_backend(backend: str | None, quant: str | None) -> None:
    if backend is not None and backend not in BACKENDS:
        raise UserError(f"generation backend {backend} is not one of {', '.join(BACKENDS)}",
                        hint="use auto, torch or llamacpp", options=("--backend",))
    if quant is not None and quant not in QUANTS:
        raise UserError(f"quantization {quant} is not one of {', '.join(QUANTS)}", hint="use f16 (exact) or q8_0",
                        options=("--quant",))
    if quant is not None and backend == "torch":
        raise UserError(f"quantization {quant} is for the llama.cpp backend, not torch",
                        hint="leave the quantization out, or use the llamacpp backend", options=("--quant", "--backend"))


def _llama_cpp_missing() -> bool:
    """Whether llama-cpp-python is absent (found without importing it: the window's process never loads it)."""
    import importlib.util
    import sys
    if "llama_cpp" in sys.modules:
        return sys.modules["llama_cpp"] is None
    return importlib.util.find_spec("llama_cpp") is None


def _unsupported(base) -> str | None:
    """Why the GGUF exporter cannot convert this model (None when it can)."""
    from engine import safe_json
    from engine.deploy.families import FAMILIES
    from pathlib import Path
    try:
        config = safe_json.load_file(Path(base.path) / "config.json")
    except (OSError, UserError):
        return "its config.json cannot be read"
    model_type = config.get("model_type", "") if isinstance(config, dict) else ""
    if model_type not in FAMILIES:
        return f"llama.cpp conversion of a '{model_type}' model is not supported"
    if model_type == "gemma" and config.get("hidden_activation") not in (None, "gelu_pytorch_tanh"):
        return "this Gemma activation differs from llama.cpp's"
    return None


def choose(engine, base, backend: str | None, quant: str | None, quantize: str | None) -> tuple[str, str]:
    """("llamacpp" | "torch", why) for a PyTorch base model; raises UserError when llamacpp is asked and cannot be."""
    check_backend(backend, quant)
    backend = backend or default_backend(engine)
    if quant is not None and backend == "auto":
        backend = "llamacpp"             # a quantization was asked for: that is the llama.cpp backend
    if backend == "torch":
        return "torch", "the torch backend was chosen"
    asked = backend == "llamacpp"
    if quantize == "int8":
        if asked:
            raise UserError("int8 quantization is a PyTorch quantization; it cannot run on the llama.cpp backend",
                            hint="leave int8 out and ask for q8_0, llama.cpp's 8-bit weights",
                            options=("--int8", "--quant q8_0"))
        return "torch", "int8 was asked for"
    if _llama_cpp_missing():
        if asked:
            raise UserError("the llama.cpp backend needs llama-cpp-python, which is not installed in this build",
                            hint="install the 'llamacpp' extra, or use the auto or torch backend")
        return "torch", "llama-cpp-python is not installed"
    reason = _unsupported(base)
    if reason:
        if asked:
            raise UserError(f"model '{base.name}': {reason}", hint="use the auto or torch backend for this model")
        return "torch", reason
    if not asked:
        from engine import devices
        if devices.detect().kind != "cpu":
            return "torch", f"the model runs on the {devices.detect().kind.upper()}"
    return "llamacpp", "llama.cpp on the CPU"
