"""Batched generation gives each prompt what it gets alone: greedy, sampling with a seed, beams, stops, streaming."""
from __future__ import annotations

import pytest

PROMPTS = ["Write a short ad for tea.", "Reply to a customer about shoes.", "tea",
           "Summarise the note on the router update for engineers.", "为学生写一句咖啡的广告"]


@pytest.fixture
def gen(eng, tiny_models):
    job = eng.jobs.run("models.import", {"path": str(tiny_models["llama"]), "name": "l"})
    assert job.state.value == "succeeded", job.error
    return eng.text.generator("l")


def _alone(gen, params, seeds=None):
    return [gen.generate([p], {**params, "batch_size": 1}, seeds=None if seeds is None else [seeds[i]])[0]
            for i, p in enumerate(PROMPTS)]


@pytest.mark.parametrize("extra", [{"temperature": 0, "repetition_penalty": 1.0},
                                   {"temperature": 0, "repetition_penalty": 1.3},
                                   {"temperature": 0.9, "top_k": 20, "top_p": 0.9, "seed": 11},
                                   {"temperature": 0, "num_beams": 3}])
def test_a_batch_gives_each_prompt_its_own_output(gen, extra):
    params = {"max_new_tokens": 10, **extra}
    seeds = [100 + i for i in range(len(PROMPTS))]
    batched = gen.generate(PROMPTS, {**params, "batch_size": 8}, seeds=seeds)
    alone = _alone(gen, params, seeds)
    assert [r["text"] for r in batched] == [r["text"] for r in alone]
    assert [r["tokens"] for r in batched] == [r["tokens"] for r in alone]
    assert [r["seed"] for r in batched] == seeds
    assert [r["batch"] for r in batched] == [{"size": 5, "position": i} for i in range(5)]
    assert [r["prompt"] for r in batched] == PROMPTS


def test_same_list_params_and_seed_repeat_and_seed_follows_the_prompt(gen):
    params = {"max_new_tokens": 8, "temperature": 1.0, "seed": 7, "batch_size": 2}
    first = gen.generate(PROMPTS, params)
    assert [r["text"] for r in gen.generate(PROMPTS, params)] == [r["text"] for r in first]
    assert [r["seed"] for r in first] == [7 + i for i in range(len(PROMPTS))]
    again = gen.generate([PROMPTS[3]], {**params, "batch_size": 1}, seeds=[first[3]["seed"]])[0]
    assert again["text"] == first[3]["text"]   # the recorded seed reproduces the row, batched or not
    assert len({r["text"] for r in gen.generate(["tea"] * 4, {**params, "seed": None})}) > 1


def test_streaming_and_stop_strings_are_per_prompt(gen):
    greedy = {"max_new_tokens": 12, "temperature": 0, "repetition_penalty": 1.0}
    full = _alone(gen, greedy)
    stop = next((r["text"][4:7] for r in full if r["text"][4:7].strip()), None)
    assert stop
    pieces: dict[int, str] = {}
    cut = gen.generate(PROMPTS, {**greedy, "stop": [stop]},
                       on_token=lambda i, t: pieces.__setitem__(i, pieces.get(i, "") + t))
    for i, (whole, short) in enumerate(zip(full, cut)):
        assert whole["text"].startswith(short["text"])
        assert pieces.get(i, "").startswith(short["text"])
        if stop in whole["text"]:
            assert short["finish_reason"] == "stop" and stop not in short["text"]
        else:
            assert short["text"] == whole["text"] and pieces[i] == whole["text"]


def test_cancel_between_steps_ends_the_whole_batch(gen):
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 4
    results = gen.generate(PROMPTS * 3, {"max_new_tokens": 50, "temperature": 0, "batch_size": 8},
                           should_stop=should_stop)
    assert len(results) == 8 and all(r["finish_reason"] == "cancelled" for r in results)
    assert all(r["tokens"] < 10 for r in results)


def test_bad_batch_size_and_seed_count_are_refused(gen):
    from engine.errors import UserError
    with pytest.raises(UserError, match="batch size"):
        gen.generate(["x"], {"batch_size": 0})
    with pytest.raises(UserError, match="2 seeds for 1 prompts"):
        gen.generate(["x"], {}, seeds=[1, 2])


def test_generate_job_streams_in_prompt_order_while_batching(eng, gen):
    seen = []
    unsubscribe = eng.jobs.subscribe(lambda e: seen.append((e.data["index"], e.data["token"]))
                                     if e.type == "partial" else None)
    job = eng.jobs.wait(eng.text.generate("l", PROMPTS, {"max_new_tokens": 8, "temperature": 0.8, "seed": 3,
                                                         "batch_size": 2}).id)
    unsubscribe()
    assert job.state.value == "succeeded", job.error
    order = [index for index, _ in seen]
    assert order == sorted(order) and set(order) <= set(range(len(PROMPTS)))
    results = job.result["results"]
    assert [r["seed"] for r in results] == [3 + i for i in range(len(PROMPTS))]
    assert [r["batch"] for r in results][:3] == [{"size": 2, "position": 0}, {"size": 2, "position": 1},
                                                 {"size": 2, "position": 0}]
    for i, r in enumerate(results):
        assert "".join(t for index, t in seen if index == i).startswith(r["text"])
