"""The training step's forward pass without padding and without a full logits tensor.

Two things cost most of a small-model LoRA step on a CPU, and neither changes the maths:

- padding: a batch padded to its longest example spends compute on pad tokens. ``flat_batch``
  lays the batch's examples end to end in one row with per-example ``position_ids``;
  transformers then masks attention per example (no example sees another), so each
  example is computed as if alone.
- the output layer: ``tokens x vocab`` logits in fp32 (600 MB for 1,000 tokens of a
  150k vocabulary), most of them for prompt tokens whose loss is masked anyway.
  ``linear_cross_entropy`` projects only the tokens that have a label, a chunk at a
  time, and computes the gradient as it goes, so no logits are kept for backward.

Models outside ``FLAT_TYPES`` (or with logit soft-capping/scaling) take the plain
padded path with the same loss function.
"""
from __future__ import annotations

IGNORE = -100
# architectures whose attention honours per-example position_ids in one row (checked by tests)
FLAT_TYPES = {"llama", "qwen2", "qwen3", "mistral", "phi3", "gemma", "granite", "olmo", "olmo2"}
LOGITS_BUDGET = 2**27   # bytes of fp32 logits per chunk (128 MB)


def flat_batch(batch: list[tuple], pad_id: int | None = None) -> dict:
    """One row: the examples end to end, ``position_ids`` restarting at 0 for each, ``targets`` shifted per example.

    ``targets[i]`` is the label of token ``i + 1`` of the same example, IGNORE at each
    example's last token, so no example learns to predict the next one's first token.
    An item may carry its own position ids as a third element (packed rows).
    """
    import torch
    ids, positions, targets = [], [], []
    for item in batch:
        e_ids, e_labels = list(item[0]), list(item[1])
        e_pos = list(item[2]) if len(item) > 2 and item[2] is not None else list(range(len(e_ids)))
        ids += e_ids
        positions += e_pos
        shifted = e_labels[1:] + [IGNORE]
        for k in range(1, len(e_pos)):   # a packed row: a restart of positions starts a new example
            if e_pos[k] == 0:
                shifted[k - 1] = IGNORE
        targets += shifted
    return {"input_ids": torch.tensor([ids], dtype=torch.long),
            "position_ids": torch.tensor([positions], dtype=torch.long),
            "targets": torch.tensor([targets], dtype=torch.long)}


def padded_batch(batch: list[tuple], pad_id: int) -> dict:
    """Right-padded rows with targets already shifted (the path for other architectures)."""
    import torch
    width = max(len(item[0]) for item in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    targets = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, item in enumerate(batch):
        ids, labels = list(item[0]), list(item[1])
        input_ids[row, :len(ids)] = torch.tensor(ids)
        targets[row, :len(ids) - 1] = torch.tensor(labels[1:], dtype=torch.long)
        mask[row, :len(ids)] = 1
    if any(len(item) > 2 and item[2] is not None for item in batch):
        # Packed rows: restarting position_ids (no attention mask) keep the examples apart, as in
        # flat_batch; the padding is its own segment and no target crosses an example boundary.
        positions = torch.zeros((len(batch), width), dtype=torch.long)
        for row, item in enumerate(batch):
            pos = list(item[2]) if len(item) > 2 and item[2] is not None else list(range(len(item[0])))
            positions[row, :len(pos)] = torch.tensor(pos)
            positions[row, len(pos):] = torch.arange(width - len(pos))
            for k in range(1, len(pos)):
                if pos[k] == 0:
                    targets[row, k - 1] = IGNORE
        return {"input_ids": input_ids, "position_ids": positions, "targets": targets}
    return {"input_ids": input_ids, "attention_mask": mask, "targets": targets}


def _causal_lm(model):
    get_base = getattr(model, "get_base_model", None)
    return get_base() if get_base is not None else model


def supports_head(causal) -> bool:
    """The output layer is a plain bias-free projection of the decoder's last hidden state."""
    config = causal.config
    return (hasattr(causal, "model") and not getattr(config, "final_logit_softcapping", None)
            and getattr(config, "logit_scale", None) in (None, 1, 1.0)
            and getattr(causal.get_output_embeddings(), "bias", None) is None)


def supports_flat(model) -> bool:
    causal = _causal_lm(model)
    return causal.config.model_type in FLAT_TYPES and supports_head(causal)


def make_batch(model, batch: list[tuple], pad_id: int) -> dict:
    return flat_batch(batch) if supports_flat(model) else padded_batch(batch, pad_id)


def batch_loss(model, tensors: dict):
    """(mean loss over labelled tokens, number of labelled tokens) of a ``make_batch`` batch."""
    causal = _causal_lm(model)
    targets = tensors["targets"]
    inputs = {k: v for k, v in tensors.items() if k != "targets"}
    if not supports_head(causal):
        return _plain_loss(model(**inputs, use_cache=False).logits, targets)
    hidden = causal.model(**inputs, use_cache=False).last_hidden_state
    flat = targets.reshape(-1)
    keep = flat != IGNORE
    picked = hidden.reshape(-1, hidden.shape[-1])[keep]
    return linear_cross_entropy(picked, causal.get_output_embeddings().weight, flat[keep]), int(keep.sum())


def _plain_loss(logits, targets):
    import torch
    flat = targets.reshape(-1)
    count = int((flat != IGNORE).sum())
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), flat,
                                             ignore_index=IGNORE, reduction="sum") / max(1, count)
    return loss, count


def chunk_rows(vocab: int) -> int:
    return max(64, min(4096, LOGITS_BUDGET // (4 * max(1, vocab))))


def linear_cross_entropy(hidden, weight, targets):
    """Mean cross-entropy of ``hidden @ weight.T`` against ``targets``, chunk by chunk (see module doc)."""
    import torch
    if targets.numel() == 0:
        return hidden.sum() * 0.0
    return _function()(hidden, weight, targets, chunk_rows(weight.shape[0]))


_FUNCTION = None


def _function():
    global _FUNCTION
    if _FUNCTION is not None:
        return _FUNCTION
    import torch

    class LinearCrossEntropy(torch.autograd.Function):
        @staticmethod
        def forward(ctx, hidden, weight, targets, chunk):
            n = targets.numel()
            need_h, need_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
            total = torch.zeros((), dtype=torch.float32, device=hidden.device)
            grad_h = torch.empty_like(hidden) if need_h else None
            grad_w = torch.zeros(weight.shape, dtype=torch.float32, device=weight.device) if need_w else None
            w = weight.to(hidden.dtype)
            for start in range(0, n, chunk):
                h, t = hidden[start:start + chunk], targets[start:start + chunk]
                logits = (h @ w.t()).float()
                lse = torch.logsumexp(logits, dim=-1)
                total += (lse - logits.gather(1, t[:, None]).squeeze(1)).sum()
                if need_h or need_w:
                    probs = logits.sub_(lse[:, None]).exp_()          # softmax, in place of the logits
                    probs[torch.arange(t.numel(), device=t.device), t] -= 1.0
                    g = probs.div_(n).to(h.dtype)
                    if need_h:
                        grad_h[start:start + chunk] = g @ w
                    if need_w:
                        grad_w += (g.t() @ h).float()
            ctx.save_for_backward(grad_h if need_h else None, grad_w if need_w else None)
            ctx.weight_dtype = weight.dtype
            return total / n

        @staticmethod
        def backward(ctx, grad_out):
            grad_h, grad_w = ctx.saved_tensors
            dh = grad_h * grad_out.to(grad_h.dtype) if grad_h is not None else None
            dw = (grad_w * grad_out).to(ctx.weight_dtype) if grad_w is not None else None
            return dh, dw, None, None

    _FUNCTION = LinearCrossEntropy.apply
    return _FUNCTION


def LossModule(model):
    """``model`` behind a module whose forward is ``batch_loss``: DDP needs the forward to go through
    the module it wraps to hook gradient averaging (``batch_loss`` calls the decoder directly)."""
    import torch

    class _Loss(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, tensors: dict):
            return batch_loss(self.inner, tensors)[0]
    return _Loss(model)
