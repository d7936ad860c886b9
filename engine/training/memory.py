"""Memory preflight: estimate before loading or training, refuse with suggestions instead of crashing.

The estimate is deliberately simple and on the safe side: weights, gradients
and AdamW state for the trainable parameters, activations from the usual
per-layer transformer formula, the logits, plus a fixed framework overhead.
Model-agnostic: callers pass parameter counts and shapes.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engine.errors import UserError
from engine.i18n import tr

GIB = 2 ** 30
DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1}
FRAMEWORK_OVERHEAD = 400 * 2 ** 20  # torch + python + tokenizer, measured roughly on CPU
HEADROOM = 0.85                     # use at most this share of the free memory


@dataclass
class MemoryEstimate:
    weights: int
    gradients: int = 0
    optimizer: int = 0
    activations: int = 0
    overhead: int = FRAMEWORK_OVERHEAD
    available: int = 0
    device: str = "cpu"
    suggestions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer + self.activations + self.overhead

    @property
    def fits(self) -> bool:
        return self.total <= self.available * HEADROOM

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(total=self.total, fits=self.fits, total_gib=round(self.total / GIB, 3),
                    available_gib=round(self.available / GIB, 3))
        return data


def activation_bytes(batch: int, seq_len: int, hidden: int, layers: int, heads: int, vocab: int,
                     compute_bytes: int, checkpointing: bool) -> int:
    """Per-layer activations (Korthikanti et al.: s*b*h*(34 + 5*a*s/h) at 16-bit) plus logits."""
    tokens = batch * seq_len
    per_layer = tokens * hidden * (34 + 5 * heads * seq_len / max(1, hidden)) * compute_bytes / 2
    if checkpointing:
        acts = tokens * hidden * compute_bytes * layers + per_layer  # layer inputs kept, one layer live
    else:
        acts = per_layer * layers
    logits = tokens * vocab * 4 * 3  # fp32 logits, softmax and its gradient
    return int(acts + logits)


def estimate_training(total_params: int, trainable_params: int, weight_dtype: str, *, batch: int, seq_len: int,
                      hidden: int, layers: int, heads: int, vocab: int, checkpointing: bool, available: int,
                      device: str = "cpu") -> MemoryEstimate:
    wbytes = DTYPE_BYTES.get(weight_dtype, 4)
    # trainable parameters keep fp32 master weights, gradients and two AdamW moments
    extra_master = trainable_params * (4 - wbytes) if wbytes < 4 else 0
    return MemoryEstimate(
        weights=total_params * wbytes + extra_master,
        gradients=trainable_params * 4,
        optimizer=trainable_params * 8,
        activations=activation_bytes(batch, seq_len, hidden, layers, heads, vocab, min(wbytes, 4), checkpointing),
        available=available, device=device)


def estimate_inference(total_params: int, weight_dtype: str, available: int, device: str = "cpu",
                       batch: int = 1, seq_len: int = 512, hidden: int = 0, layers: int = 0, vocab: int = 0
                       ) -> MemoryEstimate:
    kv_cache = 2 * batch * seq_len * hidden * layers * DTYPE_BYTES.get(weight_dtype, 4)
    return MemoryEstimate(weights=total_params * DTYPE_BYTES.get(weight_dtype, 4),
                          activations=kv_cache + batch * vocab * 4 * 2, available=available, device=device)


def human(nbytes: float) -> str:
    if nbytes >= GIB:
        return f"{nbytes / GIB:.1f} GB"
    return f"{nbytes / 2 ** 20:.0f} MB"


def refuse_if_too_big(est: MemoryEstimate, what: str, suggestions: list[str]) -> None:
    """Raise a one-line UserError when ``est`` does not fit; ``suggestions`` become the hint."""
    est.suggestions = suggestions
    if est.fits:
        return
    raise UserError(
        tr("{what} needs about {total} of {device} memory (weights {weights}, gradients+optimizer {gradients}, "
           "activations {activations}) but only {free} is free", what=what, total=human(est.total),
           device=est.device.upper(), weights=human(est.weights), gradients=human(est.gradients + est.optimizer),
           activations=human(est.activations), free=human(est.available)),
        hint=tr("; ").join(suggestions) if suggestions else tr("use a smaller model or a machine with more memory"))
