"""Packed rows keep their examples apart: each example's loss is the same packed as on its own."""
from __future__ import annotations

import pytest

from engine.text.data import BatchPlan, check_packing, collate
from engine.text.templates import IGNORE, encode_example

ROWS = [{"instruction": "Write a short ad for tea.", "output": "Fresh tea for busy students, made to last."},
        {"text": "Reply to a customer about shoes. Thank you for reaching out."},
        {"instruction": "Summarise the note on router.", "input": "audience: engineers",
         "output": "The router update cuts latency and fixes the memory leak."}]


def example_loss(logits, ids, labels):
    """Summed cross-entropy and token count of one example's next-token predictions."""
    import torch
    targets = torch.tensor(labels[1:])
    keep = targets != IGNORE
    losses = torch.nn.functional.cross_entropy(logits[:len(ids) - 1], targets.clamp(min=0), reduction="none")
    return float((losses * keep).sum()), int(keep.sum())


@pytest.mark.parametrize("arch", ["llama", "qwen2"])
def test_packed_loss_of_each_example_equals_its_unpacked_loss(tiny_models, tok, arch):
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(str(tiny_models[arch]), local_files_only=True).eval()
    encoded = [encode_example(tok, row, 256) for row in ROWS]
    plan = BatchPlan(encoded, batch_size=1, max_length=256, seed=0, packing=True, group_by_length=False,
                     eos_id=tok.eos_token_id)
    [[row]] = plan.epoch_batches(0)
    assert len(row[0]) == sum(len(ids) for ids, _ in encoded)
    packed = collate([row], tok.pad_token_id)
    with torch.no_grad():
        out = model(**packed, use_cache=False)
        logits = out.logits[0]
        total, count = 0.0, 0
        starts = [i for i, p in enumerate(row[2]) if p == 0]
        for begin in starts:
            end = next((s for s in starts if s > begin), len(row[0]))
            ids, labels = row[0][begin:end], row[1][begin:end]
            alone = model(**collate([next(e for e in encoded if e[0] == ids)], tok.pad_token_id), use_cache=False)
            assert torch.allclose(logits[begin:end], alone.logits[0], atol=1e-4)
            packed_sum, tokens = example_loss(logits[begin:end], ids, labels)
            assert packed_sum / tokens == pytest.approx(float(alone.loss), abs=1e-4)
            total, count = total + packed_sum, count + tokens
    # the whole row's loss is the token-weighted mean: nothing is predicted across an example boundary
    assert float(out.loss) == pytest.approx(total / count, abs=1e-4)
    assert count == sum(sum(label != IGNORE for label in labels[1:]) for _, labels in encoded)
    assert check_packing(model, "cpu")


def test_padding_in_a_packed_batch_is_its_own_segment(tok):
    encoded = [encode_example(tok, row, 256) for row in ROWS]
    plan = BatchPlan(encoded, batch_size=2, max_length=len(encoded[0][0]) + len(encoded[1][0]), seed=0,
                     packing=True, group_by_length=False, eos_id=tok.eos_token_id)
    rows = plan.epoch_batches(0)[0]
    batch = collate(rows, tok.pad_token_id)
    assert "attention_mask" not in batch and batch["position_ids"].shape == batch["input_ids"].shape
    assert len({len(ids) for ids, *_ in rows}) == 2  # one row is padded
    for row, (ids, _, positions) in enumerate(rows):
        real, pad = len(ids), batch["input_ids"].shape[1] - len(ids)
        assert batch["position_ids"][row, :real].tolist() == positions
        assert batch["position_ids"][row, real:].tolist() == list(range(pad))
        assert (batch["labels"][row, real:] == IGNORE).all()


def test_an_attention_that_ignores_packed_positions_is_detected(tiny_models):
    """A custom attention without transformers' mask support sees across examples: packing is refused."""
    from transformers import AttentionInterface, AutoModelForCausalLM
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    def causal_only(module, query, key, value, attention_mask, **kwargs):
        kwargs.pop("is_causal", None)
        return sdpa_attention_forward(module, query, key, value, None, is_causal=True, **kwargs)
    AttentionInterface.register("causal_only_test", causal_only)
    model = AutoModelForCausalLM.from_pretrained(str(tiny_models["llama"]), local_files_only=True,
                                                 attn_implementation="causal_only_test")
    assert check_packing(model, "cpu") is False
