"""aigc models export --format gguf: a LoRA-trained tiny Llama leaves as f16/q8_0 GGUF that llama.cpp runs like we do."""
from __future__ import annotations

import os

import pytest

from engine.cli import main

from gguf_helpers import PROMPT, needs_llama_cpp

needs_llama_cpp()


def merged_reference(trained, n: int):
    """Our own PyTorch greedy tokens for PROMPT (chat-rendered) from the base with the adapter merged."""
    import torch
    from peft import PeftModel
    from engine.api import Engine
    from engine.text.loader import load_model, load_tokenizer
    from engine.text.templates import render
    eng = Engine.open(trained["workspace"])
    try:
        base, adapter = eng.models.get(trained["base"]), eng.models.get(trained["adapter"])
        tok = load_tokenizer(base.path)
        model = PeftModel.from_pretrained(load_model(base.path), adapter.path).merge_and_unload().eval()
    finally:
        eng.close()
    ids = tok(render(tok, [{"role": "user", "content": PROMPT}], True), add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), max_new_tokens=n, do_sample=False, repetition_penalty=None,
                             pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id)
    return ids, out[0, len(ids):].tolist(), tok.eos_token_id


def llama_greedy(path, ids, n, eos):
    import llama_cpp
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=256, verbose=False)
    tokens = []
    for token in llm.generate(ids, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0):
        tokens.append(token)
        if len(tokens) == n or token == eos:
            break
    llm.close()
    return tokens


def test_f16_export_reproduces_pytorch_greedy_tokens(trained, exported):
    path, result = exported["f16"]
    assert path.is_file() and result["quant"] == "f16" and result["check"]["greedy_prefix"] == 16
    assert result["check"]["tokenizer_differences"] == []   # code, emoji, whitespace runs, special tokens too
    ids, ours, eos = merged_reference(trained, 16)
    assert len(ours) >= 4 and llama_greedy(path, ids, 16, eos) == ours   # up to and with the end token
    assert not [p for p in os.listdir(path.parent) if p.endswith(".partial")]


def test_q8_0_export_is_smaller_and_reports_agreement(exported):
    f16_path, f16 = exported["f16"]
    q8_path, q8 = exported["q8_0"]
    assert q8["size"] < 0.75 * f16["size"] and q8["size"] == q8_path.stat().st_size
    assert q8["tensor_types"].get("q8_0", 0) >= 8
    assert 0.8 <= q8["check"]["agreement"] <= 1.0
    assert abs(q8["check"]["perplexity_gguf"] / q8["check"]["perplexity_torch"] - 1) < 0.05


def test_file_carries_architecture_and_tokenizer(trained, exported):
    from gguf import GGUFReader
    from engine.text.tokenizer_build import CHAT_TEMPLATE
    reader = GGUFReader(str(exported["f16"][0]))

    def field(key):
        f = reader.fields[key]
        return f.contents() if hasattr(f, "contents") else f.parts[f.data[0]]
    assert field("general.architecture") == "llama"
    assert field("tokenizer.ggml.model") == "gpt2" and field("tokenizer.ggml.pre") == "gpt-2"
    assert field("tokenizer.chat_template") == CHAT_TEMPLATE
    assert field("llama.block_count") == 2 and field("llama.attention.head_count_kv") == 2
    tokens = field("tokenizer.ggml.tokens")
    assert tokens[field("tokenizer.ggml.eos_token_id")] == "<|end|>" and len(field("tokenizer.ggml.merges")) > 10


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    return code, captured


def test_output_path_rules(capsys, trained, tmp_path):
    ws = trained["workspace"]
    existing = tmp_path / "old.gguf"
    existing.write_bytes(b"keep me")
    code, captured = aigc(capsys, ws, "models", "export", "tiny", str(existing), "--quant", "q8_0")
    assert code != 0 and "already exists" in captured.err and "--force" in captured.err
    assert existing.read_bytes() == b"keep me"
    (tmp_path / "dir.gguf").mkdir()
    code, captured = aigc(capsys, ws, "models", "export", "tiny", str(tmp_path / "dir.gguf"), "--force")
    assert code != 0 and "is a folder" in captured.err
    os.symlink(existing, tmp_path / "link.gguf")
    code, captured = aigc(capsys, ws, "models", "export", "tiny", str(tmp_path / "link.gguf"), "--force")
    assert code != 0 and "symbolic link" in captured.err and existing.read_bytes() == b"keep me"
    os.mkfifo(tmp_path / "pipe.gguf")
    code, captured = aigc(capsys, ws, "models", "export", "tiny", str(tmp_path / "pipe.gguf"), "--force")
    assert code != 0 and "not a regular file" in captured.err
    code, captured = aigc(capsys, ws, "models", "export", "tiny", str(existing), "--quant", "q8_0", "--force")
    assert code == 0 and existing.read_bytes()[:4] == b"GGUF"
    assert sorted(os.listdir(tmp_path)) == ["dir.gguf", "link.gguf", "old.gguf", "pipe.gguf"]


def test_cancelled_export_leaves_nothing(trained, tmp_path):
    from engine.api import Engine
    eng = Engine.open(trained["workspace"])
    try:
        def cancel_on_convert(event):
            if event.type == "progress" and "converted" in event.data.get("message", ""):
                eng.jobs.cancel(event.job_id)
        eng.jobs.subscribe(cancel_on_convert)
        job = eng.jobs.run("models.export", {"model": "tiny", "quant": "f16", "out": str(tmp_path / "c.gguf")})
    finally:
        eng.close()
    assert job.state.value == "cancelled"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("arch", ["qwen2", "mistral", "gemma", "phi3", "gpt2"])
def test_other_family_exports_exactly(tmp_path, eng, arch):
    """Qwen2: biases on q/k/v, tied embeddings, rotate-half RoPE kept as it is; Mistral: the Llama graph;
    Gemma: (1 + weight) norms, scaled embeddings, head_dim apart from hidden/heads; Phi-3: fused qkv and
    gate/up; GPT-2: Conv1D weights, position embeddings, LayerNorm biases, output tied to the embedding."""
    import torch
    from transformers import AutoModelForCausalLM
    from text_tiny import make_config, make_tokenizer
    tok = make_tokenizer()
    config = make_config(arch, tok)
    config.initializer_range = 0.3   # confident logits: no near-ties for f16 rounding to flip
    torch.manual_seed(0)
    AutoModelForCausalLM.from_config(config).save_pretrained(tmp_path / arch)
    tok.save_pretrained(tmp_path / arch)
    assert eng.jobs.run("models.import", {"path": str(tmp_path / arch), "name": "m"}).state.value == "succeeded"
    job = eng.jobs.run("models.export", {"model": "m", "quant": "f16", "out": str(tmp_path / "m.gguf")})
    assert job.state.value == "succeeded", job.error
    assert job.result["check"]["greedy_prefix"] == job.result["check"]["tokens"]


def test_compress_report_through_the_cli(capsys, trained, tmp_path):
    import json
    from text_tiny import examples, write_jsonl
    data = write_jsonl(tmp_path / "ads.jsonl", examples(6))
    code = main(["--workspace", str(trained["workspace"]), "--json", "models", "compress-report", "tiny-ads",
                 "--quant", "f16", "--quant", "q4_0", "--tokens", "8", "--out", str(tmp_path / "report.md"),
                 "--data", str(data)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["model"] == "tiny" and result["adapter"] == "tiny-ads"
    f16, q4 = result["rows"]
    assert (f16["quant"], q4["quant"]) == ("f16", "q4_0") and q4["size"] < f16["size"] < result["torch"]["size"]
    assert f16["greedy_prefix"] == 8 and f16["tokens_per_s"] > 0 and 0 <= q4["agreement"] <= 1
    assert f16["perplexity"] < 20   # the replies it was tuned on: far below the 448-token vocabulary
    table = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| GGUF q4_0 |" in table and "| PyTorch fp32 |" in table
    assert sorted(os.listdir(tmp_path)) == ["ads.jsonl", "report.md"]
