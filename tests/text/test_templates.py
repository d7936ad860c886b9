"""Chat-template rendering and loss masking: only response tokens carry labels."""
from __future__ import annotations

import copy

import pytest

from engine.errors import UserError
from engine.text.data import BatchPlan, collate
from engine.text.templates import IGNORE, PLAIN_TEMPLATE, encode_example, to_messages


def labelled_text(tok, ids, labels):
    return tok.decode([t for t, label in zip(ids, labels) if label != IGNORE])


def test_alpaca_masks_the_prompt(tok):
    ids, labels = encode_example(tok, {"instruction": "Write an ad.", "input": "tea", "output": "Fresh tea."}, 256)
    assert labelled_text(tok, ids, labels) == "Fresh tea.<|end|>\n"
    assert "Write an ad." in tok.decode(ids) and "tea" in tok.decode(ids)
    assert labels[0] == IGNORE


def test_multi_turn_messages_label_every_assistant_turn(tok):
    example = {"messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."},
                            {"role": "user", "content": "Ad for tea?"}, {"role": "assistant", "content": "Tea!"}]}
    ids, labels = encode_example(tok, example, 256)
    text = labelled_text(tok, ids, labels)
    assert "Hello." in text and "Tea!" in text
    assert "Hi" not in text and "Be brief" not in text and "Ad for tea" not in text


def test_prompt_completion_and_plain_text(tok):
    ids, labels = encode_example(tok, {"prompt": "Say hi", "completion": "hi"}, 256)
    assert labelled_text(tok, ids, labels) == "hi<|end|>\n"
    ids, labels = encode_example(tok, {"text": "just text"}, 256)
    assert labels == ids and tok.decode(ids) == "just text<|end|>"


def test_model_without_chat_template_gets_the_plain_one(tok):
    plain = copy.deepcopy(tok)
    plain.chat_template = None
    ids, labels = encode_example(plain, {"instruction": "Write an ad.", "output": "Fresh tea."}, 256)
    assert "### Response:" in plain.decode(ids)
    assert labelled_text(plain, ids, labels) == "Fresh tea.<|end|>\n\n"
    assert "### Response:" in PLAIN_TEMPLATE


def test_truncation_and_unusable_examples(tok):
    long = {"instruction": "word " * 300, "output": "answer"}
    assert encode_example(tok, long, 32) is None            # the prompt alone fills the length
    assert encode_example(tok, {"instruction": "x", "output": "  "}, 64) is None
    ids, labels = encode_example(tok, {"instruction": "x", "output": "long answer " * 50}, 40)
    assert len(ids) == 40 and labels[-1] != IGNORE
    with pytest.raises(UserError):
        to_messages({"question": "?"})


def test_system_prompt_and_sharegpt_roles(tok):
    msgs = to_messages({"messages": [{"role": "human", "content": "a"}, {"role": "gpt", "content": "b"}]},
                       system="Be kind.")
    assert [m["role"] for m in msgs] == ["system", "user", "assistant"]


def test_batch_plan_is_deterministic_and_resumable(tok):
    encoded = [encode_example(tok, {"instruction": f"ad {i}", "output": "tea " * (i % 7 + 1)}, 64) for i in range(30)]
    for packing in (False, True):
        plan = BatchPlan(encoded, 4, 64, seed=3, packing=packing, group_by_length=True, eos_id=tok.eos_token_id)
        again = BatchPlan(encoded, 4, 64, seed=3, packing=packing, group_by_length=True, eos_id=tok.eos_token_id)
        stream = plan.iterate()
        first = [next(stream) for _ in range(plan.batches_per_epoch() + 3)]
        epoch, index, _ = first[5]
        resumed = again.iterate(epoch, index)
        assert [next(resumed)[2] for _ in range(len(first) - 5)] == [b for _, _, b in first[5:]]
        if packing:
            assert all(len(ids) <= 64 for batch in plan.epoch_batches(0) for ids, *_ in batch)
            assert plan.batches_per_epoch() < 30 / 4
    batch = collate(encoded[:3], tok.pad_token_id)
    assert batch["input_ids"].shape == batch["labels"].shape == batch["attention_mask"].shape
    assert int((batch["labels"] != IGNORE).sum()) == sum(sum(l != IGNORE for l in e[1]) for e in encoded[:3])
