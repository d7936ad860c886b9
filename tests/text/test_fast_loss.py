"""The padding-free, chunked-loss training step computes the same loss and gradients as the padded HF step."""
from __future__ import annotations

import pytest

from engine.text import fast_loss
from engine.text.fast_loss import IGNORE, batch_loss, flat_batch, linear_cross_entropy, make_batch


def _batch(seed: int = 0, vocab: int = 300):
    import random
    rng = random.Random(seed)
    rows = []
    for n in (5, 17, 9, 30):
        ids = [rng.randrange(3, vocab) for _ in range(n)]
        rows.append((ids, [IGNORE] * (n // 3) + ids[n // 3:]))
    return rows


def _padded_hf(model, rows, pad_id):
    import torch
    from engine.text.data import collate
    batch = collate(rows, pad_id)
    return model(**batch).loss


@pytest.mark.parametrize("arch", ["llama", "qwen2", "mistral", "phi3", "gemma", "gpt2"])
def test_same_loss_and_lora_grads_as_padded_step(tiny_models, arch):
    import torch
    from engine.text.loader import load_model
    from engine.text.lora import apply_lora
    torch.manual_seed(0)
    model = apply_lora(load_model(str(tiny_models[arch])), 4, 8, 0.0)
    for name, p in model.named_parameters():   # non-zero B so the LoRA path matters
        if "lora_B" in name:
            torch.nn.init.normal_(p, std=0.02)
    rows = _batch()
    ours, count = batch_loss(model, make_batch(model, rows, pad_id=0))
    ours.backward()
    ours_grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}
    model.zero_grad()
    ref = _padded_hf(model, rows, pad_id=0)
    ref.backward()
    assert count == sum(sum(1 for x in labels[1:] if x != IGNORE) for _, labels in rows)
    assert float(ours) == pytest.approx(float(ref), rel=1e-5, abs=1e-6)
    for name, p in model.named_parameters():
        if p.requires_grad:
            torch.testing.assert_close(ours_grads[name], p.grad, rtol=1e-4, atol=1e-6)
    assert fast_loss.supports_flat(model) == (arch != "gpt2")


def test_linear_cross_entropy_in_chunks_matches_full_logits(monkeypatch):
    import torch
    monkeypatch.setattr(fast_loss, "LOGITS_BUDGET", 64 * 4 * 50)   # 64-row chunks: several per call
    torch.manual_seed(0)
    hidden = torch.randn(150, 16, requires_grad=True)
    weight = torch.randn(50, 16, requires_grad=True)
    targets = torch.randint(0, 50, (150,))
    ours = linear_cross_entropy(hidden, weight, targets) * 3.0
    ours.backward()
    gh, gw = hidden.grad.clone(), weight.grad.clone()
    hidden.grad = weight.grad = None
    ref = torch.nn.functional.cross_entropy(hidden @ weight.t(), targets) * 3.0
    ref.backward()
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(gh, hidden.grad)
    torch.testing.assert_close(gw, weight.grad)


def test_flat_batch_never_predicts_across_examples():
    batch = flat_batch([([1, 2, 3], [IGNORE, 2, 3]), ([4, 5], [IGNORE, 5])])
    assert batch["input_ids"].tolist() == [[1, 2, 3, 4, 5]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1]]
    assert batch["targets"].tolist() == [[2, 3, IGNORE, 5, IGNORE]]
    # a packed row carrying its own positions: the restart ends the first example's targets
    packed = flat_batch([([1, 2, 3, 4], [1, 2, 3, 4], [0, 1, 0, 1])])
    assert packed["targets"].tolist() == [[2, IGNORE, 4, IGNORE]]
