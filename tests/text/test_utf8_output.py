"""Generated text is always valid UTF-8: a byte-level model that picks a token which cannot continue a
half-written character would show U+FFFD; such tokens are masked while sampling."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.text.utf8_guard import STATES, next_state, token_bytes, whole_characters

STARTER = Path(__file__).resolve().parents[2] / "resources" / "starter" / "text" / "model"


def imported(eng, folder, name):
    job = eng.jobs.run("models.import", {"path": str(folder), "name": name})
    assert job.state.value == "succeeded", job.error


@pytest.mark.parametrize("arch", ["llama", "gpt2"])
def test_random_tiny_model_writes_no_replacement_character(eng, tiny_models, arch):
    imported(eng, tiny_models[arch], "m")
    gen = eng.text.generator("m")
    prompts = ["为极光水杯写一句广告语", "写一句面向学生的广告", "云眠枕：", "茶叶包装文案"] * 2
    streamed: dict[int, str] = {}
    outputs = gen.generate(prompts, {"max_new_tokens": 40, "temperature": 1.5, "top_k": 0, "top_p": 1.0,
                                     "repetition_penalty": 1.0, "seed": 3},
                           on_token=lambda i, piece: streamed.__setitem__(i, streamed.get(i, "") + piece))
    texts = [o["text"] for o in outputs]
    assert sum(len(t) for t in texts) > 40            # the random model did write something
    assert not [t for t in texts if "\ufffd" in t], texts
    assert [streamed.get(i, "") for i in range(len(prompts))] == texts
    greedy = gen.generate(prompts[:2], {"max_new_tokens": 30, "temperature": 0, "num_beams": 2})
    assert not [o["text"] for o in greedy if "\ufffd" in o["text"]]


def test_token_bytes_match_what_the_tokenizer_decodes():
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(str(STARTER), local_files_only=True)
    pieces = token_bytes(tokenizer)
    checked = 0
    for index, data in enumerate(pieces):
        if data is None:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        assert tokenizer.decode([index]) == text, index
        checked += 1
    assert checked > 1000
    assert any(p is not None and len(p) == 1 and p[0] >= 0x80 for p in pieces)   # lone bytes exist


def test_decoder_states_follow_rfc_3629():
    def valid(data: bytes) -> bool:
        state = STATES[0]
        for byte in data:
            state = next_state(state, byte)
            if state is None:
                return False
        return state == STATES[0]
    for sample in ("a", "é", "极光", "𝄞", "\ud7ff", "\ue000"):
        assert valid(sample.encode("utf-8"))
    for broken in (b"\x80", b"\xe6a", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe0\x80\x80"):
        assert not valid(broken)


def test_a_character_cut_by_the_token_limit_is_left_out():
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(str(STARTER), local_files_only=True)
    pieces = token_bytes(tokenizer)
    lead = next(i for i, p in enumerate(pieces) if p == b"\xe6")
    ids = tokenizer.encode("云眠", add_special_tokens=False)
    assert whole_characters(tokenizer, ids + [lead]) == ids
    assert tokenizer.decode(whole_characters(tokenizer, ids)) == "云眠"
