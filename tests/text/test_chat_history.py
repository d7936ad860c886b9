"""Multi-turn chat: earlier turns reach the chat template before the new prompt; bad histories are refused."""
from __future__ import annotations

import pytest

from engine.errors import UserError
from engine.text.templates import chat_messages

HISTORY = [{"role": "user", "content": "Name a tea."}, {"role": "assistant", "content": "Jasmine pearl."}]


@pytest.fixture
def gen(eng, tiny_models):
    job = eng.jobs.run("models.import", {"path": str(tiny_models["llama"]), "name": "l"})
    assert job.state.value == "succeeded", job.error
    return eng.text.generator("l")


def test_history_goes_between_the_system_prompt_and_the_new_turn(gen):
    rendered = gen.render_prompt("Write an ad for it.", "Be brief.", history=HISTORY)
    positions = [rendered.index(text) for text in ("Be brief.", "Name a tea.", "Jasmine pearl.", "Write an ad")]
    assert positions == sorted(positions)
    assert "Name a tea." not in gen.render_prompt("Write an ad for it.", "Be brief.")


def test_generate_job_passes_history_and_system(eng, gen):
    params = {"max_new_tokens": 4, "temperature": 0}
    alone = eng.jobs.wait(eng.text.generate("l", ["Write an ad for it."], params, system="Be brief.").id)
    chat = eng.jobs.wait(eng.text.generate("l", ["Write an ad for it."], params, system="Be brief.",
                                           history=HISTORY).id)
    assert alone.state.value == chat.state.value == "succeeded", (alone.error, chat.error)
    assert chat.params["history"] == HISTORY and chat.params["system"] == "Be brief."
    # the same as generating directly from the rendered conversation
    direct = gen.generate(["Write an ad for it."], params, system="Be brief.", history=HISTORY, seeds=[0])[0]
    assert chat.result["results"][0]["text"] == direct["text"]
    assert direct["prompt_tokens"] > gen.generate(["Write an ad for it."], params, system="Be brief.",
                                                  seeds=[0])[0]["prompt_tokens"]


@pytest.mark.parametrize("history, message", [
    ([{"role": "assistant", "content": "Hi"}, {"role": "user", "content": "x"}], "history turn 1: expected a user"),
    ([{"role": "user", "content": "Hi"}], "ends with a user turn"),
    ([{"role": "user", "content": 3}, {"role": "assistant", "content": "x"}], "history turn 1"),
])
def test_bad_history_is_refused_before_the_job_starts(eng, gen, history, message):
    with pytest.raises(UserError, match=message):
        eng.text.generate("l", ["x"], {}, history=history)
    assert chat_messages("x", None, None) == [{"role": "user", "content": "x"}]
