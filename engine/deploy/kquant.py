"""k-quants (q4_k_m, q5_k_m, ...) made by llama.cpp's own quantizer from an f16 GGUF file.

The ``gguf`` Python package can read k-quant blocks but not make them, so these
go through ``llama_model_quantize`` in llama-cpp-python, the same code as
llama.cpp's ``llama-quantize`` tool (including its per-tensor choices, e.g.
q6_k for some attention/ffn matrices in q4_k_m, and its fallback to q5_0/q8_0
for matrices whose rows are not a multiple of 256).
"""
from __future__ import annotations

from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

K_QUANTS = {"q2_k": "Q2_K", "q3_k_m": "Q3_K_M", "q4_k_s": "Q4_K_S", "q4_k_m": "Q4_K_M",
            "q5_k_s": "Q5_K_S", "q5_k_m": "Q5_K_M", "q6_k": "Q6_K"}


def quantize_file(source: Path, target: Path, quant: str, threads: int | None = None) -> None:
    """Quantize the f16 file ``source`` to ``target`` with llama.cpp; a failure is a UserError."""
    if quant not in K_QUANTS:
        raise UserError(tr("quantization {quant} is not a k-quant", quant=quant), hint=tr("use one of {items}", items=', '.join(K_QUANTS)),
                        options=("--quant",))
    try:
        import llama_cpp
    except ImportError:
        raise UserError(tr("quantization {quant} needs llama.cpp's quantizer, which is not installed in this build", quant=quant),
                        hint=tr("install the 'llamacpp' extra (llama-cpp-python), or use the q4_0, q8_0 or f16 quantization"),
                        options=("--quant",)) from None
    from engine import devices
    try:
        from llama_cpp import _logger
        _logger.set_verbose(False)   # per-tensor fallback warnings: the result lists the stored types instead
    except ImportError:
        pass
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{K_QUANTS[quant]}")
    params.nthread = threads or devices.detect().threads
    code = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), params)
    if code != 0:
        raise UserError(tr("llama.cpp could not quantize {name} to {quant} (code {code})", name=source.name, quant=quant, code=code),
                        hint=tr("try the q8_0 or q4_0 quantization"))
