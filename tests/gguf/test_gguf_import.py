"""aigc models import FILE.gguf and aigc generate on it; damaged or unusable GGUF files are refused."""
from __future__ import annotations

import hashlib
import json
import struct

import pytest

from engine.cli import main

from gguf_helpers import PROMPT, needs_llama_cpp

needs_llama_cpp()


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, json.loads(lines[-1]) if code == 0 and lines else None, captured


def pytorch_text(trained, **params):
    from engine.api import Engine
    eng = Engine.open(trained["workspace"])
    try:
        gen = eng.text.generator(trained["base"], trained["adapter"])
        return gen.generate([PROMPT], {"max_new_tokens": 12, **params})[0]["text"]
    finally:
        eng.close()


def test_import_then_generate_like_pytorch(capsys, tmp_path, trained, exported):
    ws = tmp_path / "ws"
    path = exported["f16"][0]
    code, result, _ = aigc(capsys, ws, "models", "import", str(path), "--name", "ads-gguf")
    assert code == 0 and result["info"]["architecture"] == "llama" and result["info"]["quant"] == "f16"
    assert result["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    code, result, _ = aigc(capsys, ws, "models", "verify", "ads-gguf")
    assert code == 0 and result["ok"]
    code, result, _ = aigc(capsys, ws, "models", "show", "ads-gguf")
    assert "<|user|>\nHello!<|end|>\n<|assistant|>\n" in result["rendered_template"]

    greedy = {"temperature": 0, "repetition_penalty": 1.0}
    code, result, captured = aigc(capsys, ws, "generate", "--model", "ads-gguf", "--prompt", PROMPT,
                                  "--max-new-tokens", "12", "--temperature", "0", "--repetition-penalty", "1")
    assert code == 0
    out = result["results"][0]
    assert out["backend"] == "llama.cpp" and out["quant"] == "f16" and out["tokens"] >= 1
    assert result["backend"] == "llama.cpp"
    code, torch_result, _ = aigc(capsys, trained["workspace"], "generate", "--model", trained["base"],
                                 "--prompt", PROMPT, "--max-new-tokens", "2")
    assert code == 0 and torch_result["backend"] == "pytorch" and torch_result["results"][0]["device"] == "cpu"
    assert out["text"] == pytorch_text(trained, **greedy) and out["text"] in captured.err   # streamed

    sampled = ["generate", "--model", "ads-gguf", "--prompt", PROMPT, "--max-new-tokens", "10",
               "--temperature", "1.2", "--seed", "11"]
    first = aigc(capsys, ws, *sampled)[1]["results"][0]
    again = aigc(capsys, ws, *sampled)[1]["results"][0]
    assert first["text"] == again["text"] and first["seed"] == 11
    word = out["text"].split()[1] if len(out["text"].split()) > 1 else out["text"][:3]
    code, result, _ = aigc(capsys, ws, "generate", "--model", "ads-gguf", "--prompt", PROMPT, "--max-new-tokens",
                           "12", "--temperature", "0", "--repetition-penalty", "1", "--stop", word)
    assert word not in result["results"][0]["text"] and result["results"][0]["finish_reason"] == "stop"
    code, _, captured = aigc(capsys, ws, "train", "--model", "ads-gguf", "--data", str(path))
    assert code != 0 and "cannot be fine-tuned" in captured.err


def test_generation_cancels_between_tokens(eng, exported):
    job = eng.jobs.run("models.import", {"path": str(exported["q8_0"][0]), "name": "g"})
    assert job.state.value == "succeeded", job.error
    pieces = []

    def cancel_on_first_token(event):
        if event.type == "partial":
            pieces.append(event.data["token"])
            eng.jobs.cancel(event.job_id)
    eng.jobs.subscribe(cancel_on_first_token)
    job = eng.jobs.wait(eng.text.generate("g", [PROMPT], {"max_new_tokens": 200, "temperature": 1.5,
                                                          "seed": 1}).id)
    assert job.state.value == "cancelled" and 1 <= len(pieces) <= 3


def test_chat_history_reaches_the_gguf_template(eng, exported):
    job = eng.jobs.run("models.import", {"path": str(exported["q8_0"][0]), "name": "g"})
    assert job.state.value == "succeeded", job.error
    history = [{"role": "user", "content": "Name a tea."}, {"role": "assistant", "content": "Jasmine pearl."}]
    gen = eng.text.generator("g")
    rendered = gen.render_prompt(PROMPT, "Be brief.", history=history)
    order = [rendered.index(text) for text in ("Be brief.", "Name a tea.", "Jasmine pearl.", PROMPT)]
    assert order == sorted(order)
    job = eng.jobs.wait(eng.text.generate("g", [PROMPT], {"max_new_tokens": 4, "temperature": 0},
                                          system="Be brief.", history=history).id)
    assert job.state.value == "succeeded", job.error
    alone = gen.generate([PROMPT], {"max_new_tokens": 4, "temperature": 0}, system="Be brief.")[0]
    assert job.result["results"][0]["prompt_tokens"] > alone["prompt_tokens"]


def _tokenizerless(path, arch="llama", tokenizer=False):
    import numpy as np
    import gguf
    writer = gguf.GGUFWriter(str(path), arch)
    for key, value in (("block_count", 1), ("context_length", 64), ("embedding_length", 32),
                       ("attention.head_count", 4)):
        writer.add_uint32(f"{arch}.{key}", value)
    if tokenizer:
        writer.add_tokenizer_model("gpt2")
        writer.add_token_list([f"t{i}" for i in range(8)])
    writer.add_tensor("token_embd.weight", np.zeros((8, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _lora_file(path):
    """What --adapter-only writes: general.type adapter, A/B pairs, no tokenizer, no embeddings."""
    import gguf
    import numpy as np
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_type("adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", 16.0)
    writer.add_tensor("blk.0.attn_q.weight.lora_a", np.zeros((8, 32), dtype=np.float32))
    writer.add_tensor("blk.0.attn_q.weight.lora_b", np.zeros((32, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _absurd(src, dest, rows):
    data = bytearray(src.read_bytes())
    at = data.index(b"token_embd.weight") + len(b"token_embd.weight")
    n_dims = struct.unpack_from("<I", data, at)[0]
    assert n_dims == 2
    struct.pack_into("<Q", data, at + 4 + 8, rows)
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize("case,reason", [
    ("truncated", "truncated"), ("absurd", "beyond the file"), ("huge", "far more than any model holds"), ("unknown_arch", "architecture 'mamba9'"),
    ("no_tokenizer", "has no tokenizer"), ("not_gguf", "GGUF magic"), ("adapter", "is a LoRA adapter, not a model"),
])
def test_bad_gguf_is_refused_and_nothing_registered(capsys, tmp_path, exported, case, reason):
    good = exported["q8_0"][0]
    path = tmp_path / f"{case}.gguf"
    if case == "truncated":
        path.write_bytes(good.read_bytes()[:good.stat().st_size // 2])
    elif case == "absurd":
        _absurd(good, path, 1 << 30)   # a billion rows: within reason for a header, not for this file
    elif case == "huge":
        _absurd(good, path, 1 << 39)
    elif case == "unknown_arch":
        _tokenizerless(path, "mamba9", tokenizer=True)
    elif case == "no_tokenizer":
        _tokenizerless(path)
    elif case == "adapter":
        _lora_file(path)
    else:
        path.write_bytes(b"PK\x03\x04" + bytes(100))
    ws = tmp_path / "ws"
    code, _, captured = aigc(capsys, ws, "models", "import", str(path))
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert code != 0 and len(errors) == 1 and reason in errors[0] and str(path) in errors[0]
    assert aigc(capsys, ws, "models", "list")[1]["models"] == []
    assert not any((ws / "models").iterdir()) if (ws / "models").exists() else True
    assert not any((ws / "tmp").iterdir()) if (ws / "tmp").exists() else True
