"""Fine-tuning tiny real models: LoRA and full, plain-peft adapters, exact resume after cancel and SIGKILL."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from text_tiny import examples, write_jsonl

from engine.errors import UserError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.fixture
def data_file(tmp_path):
    return write_jsonl(tmp_path / "ads.jsonl", examples(40))


def imported(eng, folder, name):
    job = eng.jobs.run("models.import", {"path": str(folder), "name": name})
    assert job.state.value == "succeeded", job.error
    return eng.models.get(name)


def train(eng, **config):
    job = eng.jobs.run("text.train", {"config": config})
    assert job.state.value == "succeeded", job.error
    return job


def losses(eng, job_id, name="loss"):
    return {m["step"]: m["value"] for m in eng.jobs.metrics(job_id) if m["name"] == name}


@pytest.mark.parametrize("arch,method", [("llama", "lora"), ("qwen2", "lora"), ("gpt2", "lora"),
                                         ("phi3", "lora"), ("gemma", "full"), ("llama", "full")])
def test_fine_tune_and_generate(eng, tiny_models, data_file, arch, method):
    base = imported(eng, tiny_models[arch], "base")
    job = train(eng, model="base", data=str(data_file), method=method, max_steps=6, batch_size=4,
                learning_rate=5e-3, eval_every=3, save_every=3, output_name="out")
    out = eng.models.get("out")
    assert out.role == ("adapter" if method == "lora" else "base") and out.base_id == base.id
    assert out.lineage["base_sha256"] == base.sha256 and out.lineage["run_id"] == job.result["run_id"]
    assert out.lineage["dataset"] == str(data_file.resolve()) and out.lineage["dataset_hash"]
    run_dir = eng.root / "runs" / job.result["run_id"]
    config = json.loads((run_dir / "config.json").read_text())
    assert config["base_sha256"] == base.sha256 and config["method"] == method
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["step-000003", "step-000006"]
    curve = losses(eng, job.id)
    assert sorted(curve) == list(range(1, 7))
    assert curve[6] < curve[1]
    assert "val_loss" in {m["name"] for m in eng.jobs.metrics(job.id)}
    results = eng.text.generator("out").generate(["Write a short ad for tea."], {"max_new_tokens": 5, "seed": 3})
    assert results[0]["tokens"] >= 1 and results[0]["seed"] == 3


def test_adapter_loads_in_plain_peft_and_changes_outputs(eng, tiny_models, data_file):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM
    imported(eng, tiny_models["qwen2"], "q")
    train(eng, model="q", data=str(data_file), max_steps=8, learning_rate=1e-2, output_name="ad", merge=True)
    adapter = eng.models.get("ad")
    assert {"adapter_config.json", "adapter_model.safetensors"} <= set(os.listdir(adapter.path))
    base = AutoModelForCausalLM.from_pretrained(str(tiny_models["qwen2"]), local_files_only=True)
    ids = torch.tensor([[5, 17, 42, 99, 120]])
    with torch.no_grad():
        plain = base(ids).logits
        peft_model = PeftModel.from_pretrained(base, adapter.path)
        tuned = peft_model(ids).logits
    assert not torch.allclose(plain, tuned, atol=1e-4)
    merged = eng.models.get("ad-merged")
    assert merged.role == "base" and merged.base_id == adapter.base_id
    full = AutoModelForCausalLM.from_pretrained(merged.path, local_files_only=True)
    with torch.no_grad():
        assert torch.allclose(full(ids).logits, tuned, atol=1e-4)


def test_switching_adapters_keeps_the_base_loaded(eng, tiny_models, data_file):
    imported(eng, tiny_models["llama"], "l")
    train(eng, model="l", data=str(data_file), max_steps=4, learning_rate=1e-2, output_name="a1", seed=1)
    train(eng, model="l", data=str(data_file), max_steps=4, learning_rate=1e-2, output_name="a2", seed=2)
    greedy = {"max_new_tokens": 8, "temperature": 0, "repetition_penalty": 1.0}
    g0 = eng.text.generator("l")
    base_text = g0.generate(["Write a short ad for tea."], greedy)[0]["text"]
    g1 = eng.text.generator("l", "a1")
    g2 = eng.text.generator("a2")
    assert g1.loaded is g0.loaded is g2.loaded
    assert eng.text.loaded()["adapters"] == sorted([eng.models.get("a1").id, eng.models.get("a2").id])
    assert g0.generate(["Write a short ad for tea."], greedy)[0]["text"] == base_text
    stream = []
    result = g1.generate(["Write a short ad for tea."], greedy, on_token=lambda i, t: stream.append(t))[0]
    assert "".join(stream) == result["text"]
    stopped = g1.generate(["a", "b"], {"max_new_tokens": 50}, should_stop=lambda: len(stream) > 0)
    assert stopped == []
    eng.text.unload()
    assert eng.text.loaded() is None


def test_bad_training_input(eng, tiny_models, tmp_path):
    imported(eng, tiny_models["gpt2"], "g")
    empty = write_jsonl(tmp_path / "empty.jsonl", [{"instruction": "x", "output": ""}] * 3)
    job = eng.jobs.run("text.train", {"config": {"model": "g", "data": str(empty), "max_steps": 2}})
    assert job.state.value == "failed" and "no usable training examples" in job.error
    job = eng.jobs.run("text.train", {"config": {"model": "g", "data": str(empty), "max_length": 4096}})
    assert job.state.value == "failed" and "longer than the model's context" in job.error
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"instruction": "a", "output": "b"}\n{oops\n')
    with pytest.raises(UserError, match="line 2"):  # refused before the job starts
        eng.jobs.submit("text.train", {"config": {"model": "g", "data": str(broken)}})
    with pytest.raises(UserError, match="bogus"):
        eng.jobs.submit("text.train", {"config": {"model": "g", "data": str(broken), "bogus": 1}})
    assert eng.models.list(role="adapter") == []
    assert eng.text.runs() == [] and list((eng.root / "runs").iterdir()) == []


def test_memory_preflight_refuses_with_suggestions(eng, tiny_models, data_file, monkeypatch):
    from engine import devices
    imported(eng, tiny_models["llama"], "l")
    monkeypatch.setattr(devices, "system_memory", lambda: (32 * 2**30, 200 * 2**20))
    with pytest.raises(Exception) as err:
        eng.text.preflight({"model": "l", "data": str(data_file), "method": "full", "batch_size": 8})
    text = str(err.value)
    assert "the LoRA method" in text and "a batch size of 4" in text and "\n" not in text
    assert "--" not in text   # words the window shows too; the command line adds the options
    monkeypatch.setattr(devices, "system_memory", lambda: (32 * 2**30, 16 * 2**30))
    assert eng.text.preflight({"model": "l", "data": str(data_file)})["fits"] is True


def test_preflight_reads_the_free_memory_of_now(eng, tiny_models, data_file, monkeypatch):
    """A long session: the device is found once, but memory taken since by other programs counts."""
    from engine import devices
    imported(eng, tiny_models["llama"], "l")
    first = devices.detect()
    params = {"model": "l", "data": str(data_file), "method": "full", "batch_size": 8}
    monkeypatch.setattr(devices, "system_memory", lambda: (32 * 2**30, 16 * 2**30))
    assert eng.text.preflight(params)["fits"] is True
    monkeypatch.setattr(devices, "system_memory", lambda: (32 * 2**30, 200 * 2**20))
    with pytest.raises(Exception, match="free"):
        eng.text.preflight(params)
    now = devices.detect()
    assert now.free_memory == 200 * 2**20 and (now.kind, now.name, now.total_memory) == \
        (first.kind, first.name, first.total_memory)


CONFIG = dict(model="base", data=None, max_steps=14, batch_size=4, save_every=3, eval_every=5,
              learning_rate=5e-3, lora_dropout=0.1, output_name="out")


def test_resume_after_cancel_is_exact(eng, tiny_models, data_file):
    imported(eng, tiny_models["llama"], "base")
    config = {**CONFIG, "data": str(data_file)}
    reference = losses(eng, train(eng, **{**config, "output_name": "ref"}).id)

    def cancel_at_step_7(event):
        if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == 7:
            eng.jobs.cancel(event.job_id)
    unsubscribe = eng.jobs.subscribe(cancel_at_step_7)
    first = eng.jobs.wait(eng.jobs.submit("text.train", {"config": config}).id)
    unsubscribe()
    assert first.state.value == "cancelled"
    assert max(losses(eng, first.id)) == 7
    second = eng.jobs.wait(eng.jobs.resume(first.id).id)
    assert second.state.value == "succeeded", second.error
    resumed = losses(eng, second.id)
    assert sorted(resumed) == list(range(1, 15))   # the curve continues from the saved history
    for step in range(8, 15):
        assert resumed[step] == pytest.approx(reference[step], rel=1e-5, abs=1e-6), step


CHILD = """
import os, sys, threading, time
sys.path.insert(0, {root!r})
import engine
from engine.api import Engine
eng = Engine.open({ws!r})
def pause(event):
    if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == 8:
        with open({flag!r} + ".tmp", "w") as handle:
            handle.write(event.job_id)
        os.replace({flag!r} + ".tmp", {flag!r})  # the parent must never see an empty flag
        time.sleep(600)
eng.jobs.subscribe(pause)
eng.jobs.run("text.train", {{"config": {config!r}}})
"""


def test_sigkill_mid_run_then_resume_finishes(tmp_path, tiny_models, data_file):
    from engine.api import Engine
    ws, flag = tmp_path / "ws", tmp_path / "paused"
    config = {**CONFIG, "data": str(data_file)}
    with Engine.open(ws) as eng:
        imported(eng, tiny_models["llama"], "base")
        reference = losses(eng, train(eng, **{**config, "output_name": "ref"}).id)
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), ws=str(ws), flag=str(flag),
                                                                 config=config)],
                             cwd=ROOT, env={**os.environ, "AIGC_DEVICE": "cpu"})
    deadline = time.monotonic() + 120
    while not flag.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert flag.exists(), "training never reached step 8"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    job_id = flag.read_text()
    with Engine.open(ws) as eng:
        killed = eng.jobs.get(job_id)
        assert killed.state.value == "interrupted"
        run = eng.text.runs()[0]
        assert run["state"] == "interrupted" and run["step"] == 6
        resumed = eng.jobs.wait(eng.jobs.resume(job_id).id)
        assert resumed.state.value == "succeeded", resumed.error
        curve = losses(eng, resumed.id)
        assert sorted(curve) == list(range(1, 15))
        for step in range(7, 15):
            assert curve[step] == pytest.approx(reference[step], rel=1e-5, abs=1e-6), step
        assert eng.models.get("out").lineage["run_id"] == run["id"]


def test_train_on_a_catalog_dataset_records_its_version(eng, tiny_models, data_file):
    imported(eng, tiny_models["llama"], "l")
    job = eng.data.import_file(data_file, "ads")
    assert eng.jobs.wait(job.id).state.value == "succeeded"
    result = train(eng, model="l", data="ads", max_steps=2, output_name="ads-lora").result
    adapter = eng.models.get("ads-lora")
    ref = eng.data.version_ref("ads")
    assert adapter.lineage["dataset"] == ref["dataset"] and adapter.lineage["dataset_version"] == ref["version"]
    assert adapter.lineage["run_id"] == result["run_id"]
    with pytest.raises(UserError, match="does not exist"):  # refused before the job starts
        eng.jobs.submit("text.train", {"config": {"model": "l", "data": "nope.jsonl"}})


def test_packing_accumulation_checkpointing_and_early_stopping(eng, tiny_models, data_file):
    imported(eng, tiny_models["mistral"], "m")
    job = train(eng, model="m", data=str(data_file), max_steps=3, batch_size=2, grad_accum=2, packing=True,
                gradient_checkpointing=True, max_length=128, output_name="packed")
    assert job.result["steps"] == 3
    # a learning rate far below float resolution leaves the weights, hence the validation loss, unchanged
    job = train(eng, model="m", data=str(data_file), max_steps=20, learning_rate=1e-12, schedule="constant",
                eval_every=2, early_stopping_patience=2, output_name="stopped")
    assert job.result["stopped_early"] is True and job.result["steps"] == 6
    assert eng.models.get("stopped").info["weights"] == "best"
    kept = job.result["kept"]      # the run says which weights it kept, and that validation never improved
    assert kept["weights"] == "best" and kept["step"] == 2 and kept["reason"] == "lowest_val_loss"
    assert kept["never_improved"] is True and kept["evaluations"] == 3
    assert eng.models.get("stopped").info["kept"] == kept


def test_kept_checkpoint_names_the_step_and_the_reason():
    from engine.text.outputs import kept_checkpoint
    history = [[10, "loss", 3.0], [10, "val_loss", 2.0], [20, "val_loss", 1.5], [30, "val_loss", 1.7]]
    assert kept_checkpoint(history, True, 30) == {
        "weights": "best", "step": 20, "val_loss": 1.5, "reason": "lowest_val_loss", "evaluations": 3,
        "first_val_loss": 2.0, "last_val_loss": 1.7, "never_improved": False}
    assert kept_checkpoint([[10, "loss", 3.0]], False, 30)["reason"] == "no_validation"
    assert kept_checkpoint(history, False, 30)["weights"] == "last"


def test_generation_options(eng, tiny_models):
    imported(eng, tiny_models["llama"], "l")
    gen = eng.text.generator("l")
    greedy = {"max_new_tokens": 12, "temperature": 0, "repetition_penalty": 1.0}
    full = gen.generate(["Write a short ad for tea."], greedy)[0]
    assert full["finish_reason"] == "length" and full["tokens"] == 12
    stop = full["text"][len(full["text"]) // 2:][:3]
    if stop.strip():
        cut = gen.generate(["Write a short ad for tea."], {**greedy, "stop": [stop]})[0]
        assert cut["finish_reason"] == "stop" and stop not in cut["text"]
        assert full["text"].startswith(cut["text"])
    beams = gen.generate(["Write a short ad for tea."], {**greedy, "num_beams": 3}, on_token=lambda t: None)[0]
    assert beams["tokens"] >= 1
    sampled = [gen.generate(["tea"], {"max_new_tokens": 8, "seed": 5, "temperature": 1.0})[0]["text"] for _ in "ab"]
    assert sampled[0] == sampled[1]    # a seed reproduces the sample
    raw = gen.generate(["Fresh tea for"], {**greedy, "max_new_tokens": 3}, chat=False)[0]
    assert raw["prompt_tokens"] < full["prompt_tokens"]
    from engine.errors import UserError
    import pytest as _pytest
    with _pytest.raises(UserError):
        gen.generate(["x"], {"top_p": 2})
    with _pytest.raises(UserError):
        gen.generate(["x"], {"bogus": 1})
    assert "<|assistant|>" in eng.text.render_template("l")


def test_cancel_generation_mid_stream(eng, tiny_models):
    imported(eng, tiny_models["llama"], "l")
    tokens = []

    def on_event(event):
        if event.type == "partial":
            tokens.append(event.data["token"])
            if len(tokens) == 3:
                eng.jobs.cancel(event.job_id)
    unsubscribe = eng.jobs.subscribe(on_event)
    job = eng.jobs.wait(eng.text.generate("l", ["Write a short ad for tea."],
                                          {"max_new_tokens": 200, "temperature": 0, "repetition_penalty": 1.0}).id)
    unsubscribe()
    assert job.state.value == "cancelled"
    assert 3 <= len(tokens) <= 5


def test_training_can_start_from_an_existing_adapter(eng, tiny_models, data_file):
    """Retrain with feedback: a run started from an adapter begins with its weights."""
    from peft import PeftModel  # noqa: F401 - the adapter format is plain peft
    from safetensors.torch import load_file
    imported(eng, tiny_models["llama"], "l")
    train(eng, model="l", data=str(data_file), max_steps=4, learning_rate=1e-2, output_name="first", lora_r=4,
          lora_alpha=8)
    frozen = {"max_steps": 1, "learning_rate": 1e-12, "warmup_steps": 0, "warmup_ratio": 0.0}
    train(eng, model="l", data=str(data_file), output_name="warm", init_adapter="first", **frozen)
    train(eng, model="l", data=str(data_file), output_name="cold", lora_r=4, lora_alpha=8, **frozen)
    weights = {n: load_file(os.path.join(eng.models.get(n).path, "adapter_model.safetensors"))
               for n in ("first", "warm", "cold")}
    assert weights["warm"].keys() == weights["first"].keys()
    assert all((weights["warm"][k] - v).abs().max() < 1e-6 for k, v in weights["first"].items())
    assert any((weights["cold"][k] - v).abs().max() > 1e-4 for k, v in weights["first"].items())
