"""aigc models import FILE.gguf --as-trainable: a GGUF file becomes a PyTorch base that aigc train fine-tunes."""
from __future__ import annotations

import hashlib
import json

import pytest

from engine.cli import main

from gguf_helpers import PROMPT, needs_llama_cpp

needs_llama_cpp()


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, json.loads(lines[-1]) if code == 0 and lines else None, captured


def base_path(trained):
    from engine.api import Engine
    eng = Engine.open(trained["workspace"])
    try:
        return eng.models.get(trained["base"]).path
    finally:
        eng.close()


def merged_logits(trained, ids):
    import torch
    from peft import PeftModel
    from engine.api import Engine
    from engine.text.loader import load_model
    eng = Engine.open(trained["workspace"])
    try:
        base, adapter = eng.models.get(trained["base"]), eng.models.get(trained["adapter"])
        model = PeftModel.from_pretrained(load_model(base.path), adapter.path).merge_and_unload().eval()
    finally:
        eng.close()
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0]


def test_gguf_becomes_a_trainable_base(capsys, tmp_path, trained, exported):
    import torch
    from text_tiny import examples, write_jsonl
    from engine.text.loader import load_model, load_tokenizer
    from engine.text.templates import render
    path = exported["f16"][0]
    ws = tmp_path / "ws"
    code, shipped, captured = aigc(capsys, ws, "models", "import", str(path), "--name", "shipped")
    assert code == 0, captured.err
    code, result, captured = aigc(capsys, ws, "models", "import", str(path), "--as-trainable", "--name", "back")
    assert code == 0, captured.err
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert result["lineage"] == {"converted_from": "gguf", "gguf_file": path.name, "gguf_sha256": digest,
                                 "gguf_quant": "f16", "gguf_model": "shipped"}
    code, shown, _ = aigc(capsys, ws, "models", "show", "back")
    assert shown["lineage"]["gguf_sha256"] == digest and shown["info"]["architecture"] == "LlamaForCausalLM"
    assert shown["info"].get("format") != "gguf" and "<|user|>\nHello!<|end|>\n<|assistant|>\n" in \
        shown["rendered_template"]
    files = {p.name for p in (ws / "models" / result["id"] / "files").iterdir()}
    assert "model.safetensors" in files and "tokenizer.json" in files and "config.json" in files

    tok = load_tokenizer(shown["path"])
    assert len(tok) == load_model(shown["path"]).config.vocab_size   # the file's padding rows are tokens too
    ids = tok(render(tok, [{"role": "user", "content": PROMPT}], True), add_special_tokens=False)["input_ids"]
    original_tok = load_tokenizer(base_path(trained))
    for text in (PROMPT, "为学生写一句茶的广告 🤗\n\n  x", render(tok, [{"role": "user", "content": "hi"}], True)):
        assert tok(text)["input_ids"] == original_tok(text)["input_ids"]
    with torch.no_grad():
        ours = load_model(shown["path"]).eval()(torch.tensor([ids])).logits[0]
    original = merged_logits(trained, ids)
    assert ours.shape == original.shape
    assert (ours - original).abs().max() <= 2e-3 * original.abs().max() + 1e-2   # f16 weights
    assert torch.equal(ours.argmax(-1), original.argmax(-1))

    # a quantized file trains from its dequantized weights: close to the original, not equal
    code, result, captured = aigc(capsys, ws, "models", "import", str(exported["q8_0"][0]), "--as-trainable",
                                  "--name", "back-q8")
    assert code == 0 and result["lineage"]["gguf_quant"] == "q8_0", captured.err
    with torch.no_grad():
        q8 = load_model(result["path"]).eval()(torch.tensor([ids])).logits[0]
    assert 0 < (q8 - original).abs().max() < 0.1 * original.abs().max()
    assert (q8.argmax(-1) == original.argmax(-1)).float().mean() >= 0.8

    data = write_jsonl(tmp_path / "ads.jsonl", examples(16))
    code, trainedrun, captured = aigc(capsys, ws, "train", "--model", "back", "--data", str(data), "--max-steps",
                                      "3", "--batch-size", "4", "--output-name", "back-lora")
    assert code == 0, captured.err
    code, adapter, _ = aigc(capsys, ws, "models", "show", "back-lora")
    assert adapter["role"] == "adapter" and adapter["lineage"]["base"] == "back"
    code, listed, _ = aigc(capsys, ws, "models", "list")
    assert sorted(m["name"] for m in listed["models"]) == ["back", "back-lora", "back-q8", "shipped"]


def _gemma_gguf(path):
    """A tiny Gemma written by our own writer: llama.cpp runs it, transformers cannot read it back."""
    from text_tiny import build_model, make_tokenizer
    from transformers import AutoModelForCausalLM
    from engine.deploy.writer import write_gguf
    from engine.text.templates import template_of
    tok = make_tokenizer()
    folder = build_model("gemma", path.parent / "gemma", tok)
    write_gguf(AutoModelForCausalLM.from_pretrained(folder), tok, path, "f16", "gemma", template_of(tok))
    return path


@pytest.mark.parametrize("case,reason", [("gemma", "'gemma' GGUF model cannot be made trainable"),
                                         ("folder", "only a .gguf file is converted into a trainable model")])
def test_unsupported_files_are_refused(capsys, tmp_path, trained, case, reason):
    ws = tmp_path / "ws"
    if case == "gemma":
        source = _gemma_gguf(tmp_path / "gemma.gguf")
    else:
        source = base_path(trained)
    code, _, captured = aigc(capsys, ws, "models", "import", str(source), "--as-trainable")
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert code != 0 and len(errors) == 1 and reason in errors[0] and str(source) in errors[0]
    assert aigc(capsys, ws, "models", "list")[1]["models"] == []
    assert not any((ws / "models").iterdir()) if (ws / "models").exists() else True
    assert not any((ws / "tmp").iterdir()) if (ws / "tmp").exists() else True
