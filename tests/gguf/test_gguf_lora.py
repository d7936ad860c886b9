"""aigc models export --adapter-only: a GGUF LoRA that llama.cpp applies to the base GGUF like our merge does."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main

from gguf_helpers import needs_llama_cpp

needs_llama_cpp()


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out.strip().splitlines()[-1])


def greedy_and_logits(model_path, ids, n, lora_path=None):
    import llama_cpp
    llm = llama_cpp.Llama(model_path=str(model_path), lora_path=str(lora_path) if lora_path else None, n_ctx=256,
                          logits_all=True, verbose=False)
    try:
        llm.eval(ids)
        first = np.array(llm.scores[len(ids) - 1], dtype=np.float64)
        tokens = []
        for _ in range(n):
            token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
            tokens.append(token)
            llm.eval([token])
    finally:
        llm.close()
    return tokens, first


def test_adapter_only_gguf_on_base_matches_merged_export(capsys, trained, exported, tmp_path):
    from gguf import GGUFReader
    from test_gguf_export import merged_reference
    ws = trained["workspace"]
    base = aigc(capsys, ws, "models", "export", "tiny", str(tmp_path / "base-f16.gguf"))
    lora = aigc(capsys, ws, "models", "export", "tiny", "--adapter", "tiny-ads", "--format", "gguf",
                "--adapter-only", str(tmp_path / "ads-lora.gguf"))
    assert lora["adapter_only"] and lora["rank"] == 8 and lora["alpha"] == 16
    assert lora["check"]["greedy_prefix"] == lora["check"]["tokens"] == 16
    check = lora["check"]
    assert check["adapter_logit_error"] < 2 * check["f16_logit_error"] + 0.01 * check["adapter_logit_effect"]
    assert lora["size"] < base["size"] / 3
    assert sorted(os.listdir(tmp_path)) == ["ads-lora.gguf", "base-f16.gguf"]   # no temporary base left

    reader = GGUFReader(str(tmp_path / "ads-lora.gguf"))

    def field(key):
        return reader.fields[key].contents()
    assert (field("general.type"), field("general.architecture"), field("adapter.type")) == ("adapter", "llama", "lora")
    assert field("adapter.lora.alpha") == 16.0
    shapes = {t.name: tuple(int(x) for x in t.shape) for t in reader.tensors}   # ggml order: ne0 first
    # hidden 32, 4 heads of 8, 2 kv heads (k/v out 16), mlp 64, rank 8; all-linear: 7 matrices x 2 layers
    assert len(shapes) == 2 * 7 * 2
    assert shapes["blk.0.attn_q.weight.lora_a"] == (32, 8) and shapes["blk.0.attn_q.weight.lora_b"] == (8, 32)
    assert shapes["blk.1.attn_k.weight.lora_b"] == (8, 16) and shapes["blk.1.ffn_down.weight.lora_a"] == (64, 8)

    ids, ours, _ = merged_reference(trained, 16)
    with_lora, lora_logits = greedy_and_logits(tmp_path / "base-f16.gguf", ids, 16, tmp_path / "ads-lora.gguf")
    merged, merged_logits = greedy_and_logits(exported["f16"][0], ids, 16)
    plain, plain_logits = greedy_and_logits(tmp_path / "base-f16.gguf", ids, 16)
    assert len(ours) >= 4 and with_lora[:len(ours)] == ours   # PyTorch stops at the end token; llama.cpp goes on
    assert with_lora == merged
    # Greedy tokens barely move with this adapter; its logits do, and both ways of applying it agree on them.
    # The adapter moves the logits far more than f16 rounding separates the two ways of applying it.
    assert np.abs(lora_logits - merged_logits).max() < 0.05 * np.abs(lora_logits - plain_logits).max()


def test_adapter_only_needs_an_adapter(capsys, trained, tmp_path):
    code = main(["--workspace", str(trained["workspace"]), "models", "export", "tiny", "--adapter-only",
                 str(tmp_path / "x.gguf")])
    err = capsys.readouterr().err
    assert code != 0 and "exporting an adapter alone needs an adapter" in err and "--adapter NAME" in err
    assert os.listdir(tmp_path) == []


def test_check_catches_an_adapter_on_the_wrong_rows(capsys, trained, tmp_path):
    """B written without the q/k RoPE row order: greedy tokens survive, the logit check does not."""
    from peft import PeftModel
    from engine.api import Engine
    from engine.deploy.compare import torch_logits
    from engine.deploy.families import family_of
    from engine.deploy.lora_export import adapter_check, adapter_tensors, lora_pairs, probe_ids, write_adapter
    from engine.text.loader import load_model, load_tokenizer
    aigc(capsys, trained["workspace"], "models", "export", "tiny", str(tmp_path / "base.gguf"))
    eng = Engine.open(trained["workspace"])
    try:
        base, adapter = eng.models.get("tiny"), eng.models.get("tiny-ads")
    finally:
        eng.close()
    tok, model = load_tokenizer(base.path), load_model(base.path).eval()
    probe = probe_ids(tok)
    before = torch_logits(model, probe)
    after = torch_logits(PeftModel.from_pretrained(model, adapter.path).merge_and_unload().eval(), probe)
    state = adapter_tensors(Path(adapter.path))
    right = lora_pairs(family_of(model.config), model.config, state, Path(adapter.path))
    wrong = [(name, a, state[key]) for (name, a, _), key in zip(right, sorted(k for k in state if "lora_B" in k))]
    assert [n for n, _, _ in right if ".attn_q." in n or ".attn_k." in n]
    for pairs, ok in ((right, True), (wrong, False)):
        write_adapter(tmp_path / "lora.gguf", "llama", "x", 16.0, pairs)
        c = adapter_check(tmp_path / "base.gguf", tmp_path / "lora.gguf", probe, before, after)
        passes = c["adapter_logit_error"] <= 3 * c["f16_logit_error"] + 0.05 * c["adapter_logit_effect"]
        assert passes == ok, c


@pytest.mark.parametrize("arch", ["qwen2", "phi3", "gpt2"])
def test_adapter_only_for_other_families(tmp_path, eng, arch):
    """Qwen2 (rows kept), Phi-3 (LoRA on the fused qkv and gate/up matrices), GPT-2 (LoRA on Conv1D layers)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    from text_tiny import make_config, make_tokenizer
    tok = make_tokenizer()
    config = make_config(arch, tok)
    config.initializer_range = 0.3
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    model.save_pretrained(tmp_path / arch)
    tok.save_pretrained(tmp_path / arch)
    assert eng.jobs.run("models.import", {"path": str(tmp_path / arch), "name": "m"}).state.value == "succeeded"
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules="all-linear",
                                                  init_lora_weights=False))   # B not zero: the adapter acts
    peft_model.save_pretrained(tmp_path / "lora")
    eng.models.register("m-lora", "text", "adapter", tmp_path / "lora", base="m")
    job = eng.jobs.run("models.export", {"model": "m", "adapter": "m-lora", "adapter_only": True,
                                         "out": str(tmp_path / "m-lora.gguf")})
    assert job.state.value == "succeeded", job.error
    check = job.result["check"]
    assert check["greedy_prefix"] == check["tokens"] and check["adapter_logit_effect"] > 0.1
    assert job.result["tensor_types"]["f32"] >= 8
