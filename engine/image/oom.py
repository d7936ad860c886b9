"""Out-of-memory failures of image training and generation, turned into one line that says what to change.

PyTorch reports running out of memory in several shapes: ``torch.OutOfMemoryError``
(``torch.cuda.OutOfMemoryError`` is the same class) on a GPU, a ``RuntimeError``
mentioning "out of memory" from other back ends, and on the CPU a ``RuntimeError``
from the allocator ("DefaultCPUAllocator: can't allocate memory: you tried to
allocate N bytes") or a plain ``MemoryError``. All of them mean the same thing
to the person: the job asked for more memory than the machine has.
"""
from __future__ import annotations

import re

from engine.errors import UserError
from engine.i18n import tr

CPU_ALLOCATOR = "DefaultCPUAllocator: can't allocate memory"
_TRIED = re.compile(r"(?:tried|try) to allocate (\d+(?:\.\d+)?)\s*(bytes|[KMGT]i?B)", re.IGNORECASE)
_UNITS = {"bytes": 1, "kb": 1e3, "kib": 2**10, "mb": 1e6, "mib": 2**20, "gb": 1e9, "gib": 2**30, "tb": 1e12,
          "tib": 2**40}


def is_oom(exc: BaseException) -> bool:
    """Whether ``exc`` is any of the ways PyTorch says it ran out of memory."""
    if isinstance(exc, MemoryError):
        return True
    try:
        import torch
        if isinstance(exc, torch.OutOfMemoryError):
            return True
    except ImportError:  # pragma: no cover - torch is always there when images run
        pass
    if isinstance(exc, RuntimeError):
        text = str(exc)
        return "out of memory" in text.lower() or CPU_ALLOCATOR in text
    return False


def requested_bytes(exc: BaseException) -> int | None:
    """The size of the allocation that failed, when the message says it."""
    match = _TRIED.search(str(exc))
    if not match:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _size(count: int) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _where(exc: BaseException) -> str:
    gpu = "cuda" in str(exc).lower() or type(exc).__name__ == "OutOfMemoryError"
    wanted = requested_bytes(exc)
    place = "GPU" if gpu else "RAM"
    return tr("{place}; one allocation needed {size}", place=place, size=_size(wanted)) if wanted else place


def training_oom(exc: BaseException, resolution: int, batch_size: int, step: int | None, saved_step: int,
                 gradient_checkpointing: bool, rank: int = 0) -> UserError:
    """The one-line failure of a training run that ran out of memory, with what to lower or turn on.

    ``step`` None: it failed while setting up (loading the model, adding the LoRA layers);
    ``resolution`` 0: the model's native size, not known yet.
    """
    tips = [tr("a smaller resolution (now {resolution})", resolution=resolution) if resolution > 64 else None,
            tr("a smaller batch size (now {batch})", batch=batch_size) if batch_size > 1 else None,
            None if gradient_checkpointing else tr("gradient checkpointing"),
            tr("a lower LoRA rank (now {rank})", rank=rank) if rank >= 64 else None]
    tips = [t for t in tips if t] or [tr("a smaller model, or close other programs that use memory")]
    where = tr("at training step {step}", step=step) if step else tr("while setting up training")
    size = tr(" at {width}x{height}", width=resolution, height=resolution) if resolution else ""
    kept = tr("the step-{step} checkpoint is intact", step=saved_step) if saved_step else \
        tr("no checkpoint was written yet")
    return UserError(tr("out of memory {where}{size}, batch {batch_size} ({device}); {kept}", where=where, size=size,
                        batch_size=batch_size, device=_where(exc), kept=kept),
                     hint=tr("try {tips}", tips=tr(", ").join(tips)))


def generation_oom(exc: BaseException, width: int, height: int, batch_size: int, memory: dict) -> UserError:
    """The one-line failure of a generation that ran out of memory, with what to lower or turn on."""
    tips = [tr("a smaller width and height (now {width}x{height})", width=width, height=height)
            if max(width, height) > 64 else None,
            tr("a smaller batch size (now {batch})", batch=batch_size) if batch_size > 1 else None,
            None if memory.get("attention_slicing") else tr("low memory mode (attention slicing and VAE tiling)")]
    tips = [t for t in tips if t] or [tr("a smaller model, or close other programs that use memory")]
    return UserError(tr("out of memory generating {batch_size} image(s) at {width}x{height} ({where})",
                        batch_size=batch_size, width=width, height=height, where=_where(exc)),
                     hint=tr("try {tips}", tips=tr(", ").join(tips)))


def release_memory() -> None:
    """Give back what the failed attempt held, so the next try starts clean."""
    import gc
    gc.collect()
    from engine.image.pipeline import clear_cuda
    clear_cuda()
