"""Optimizer and learning-rate schedule helpers shared by text and image training."""
from __future__ import annotations

import math

NO_DECAY = ("bias", "norm", "ln_", "layernorm", "embed_positions")


def warmup_steps(total_steps: int, warmup_steps: int = 0, warmup_ratio: float = 0.0) -> int:
    return warmup_steps if warmup_steps > 0 else int(round(total_steps * warmup_ratio))


class LRLambda:
    """Linear warmup, then cosine, linear or constant; a class so LambdaLR can save it."""

    def __init__(self, kind: str, warmup: int, total: int):
        self.kind, self.warmup, self.total = kind, int(warmup), max(1, int(total))

    def __call__(self, step: int) -> float:
        if self.warmup and step < self.warmup:
            return (step + 1) / (self.warmup + 1)
        if self.kind == "constant":
            return 1.0
        progress = min(1.0, (step - self.warmup) / max(1, self.total - self.warmup))
        if self.kind == "linear":
            return max(0.0, 1.0 - progress)
        return 0.5 * (1.0 + math.cos(math.pi * progress))


def make_optimizer(named_params, lr: float, weight_decay: float):
    """AdamW with weight decay on weights only (never on biases and norms)."""
    import torch
    decay, plain = [], []
    for name, param in named_params:
        if not param.requires_grad:
            continue
        (plain if param.ndim < 2 or any(k in name.lower() for k in NO_DECAY) else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}]
    groups = [g for g in groups if g["params"]]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def make_scheduler(optimizer, kind: str, warmup: int, total: int):
    import torch
    return torch.optim.lr_scheduler.LambdaLR(optimizer, LRLambda(kind, warmup, total))
