"""k-quant exports (q4_k_m, ...) made by llama.cpp's quantizer: a file llama.cpp loads, runs and imports."""
from __future__ import annotations

import json
import os
import sys

import pytest

from engine.cli import main

from gguf_helpers import needs_llama_cpp

needs_llama_cpp()


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """A workspace with a one-layer Llama whose rows are multiples of 256, so k-quant blocks fit every matrix."""
    import torch
    import transformers as tf
    from engine.api import Engine
    from text_tiny import make_tokenizer
    root = tmp_path_factory.mktemp("kquant")
    tok = make_tokenizer()
    config = tf.LlamaConfig(vocab_size=512, hidden_size=256, intermediate_size=512, num_hidden_layers=1,
                            num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                            tie_word_embeddings=False, initializer_range=0.05, pad_token_id=tok.pad_token_id,
                            bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    torch.manual_seed(0)
    tf.AutoModelForCausalLM.from_config(config).save_pretrained(root / "wide")
    tok.save_pretrained(root / "wide")
    eng = Engine.open(root / "ws")
    try:
        assert eng.jobs.run("models.import", {"path": str(root / "wide"), "name": "wide"}).state.value == "succeeded"
    finally:
        eng.close()
    return root


def export(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", "models", "export", *argv])
    captured = capsys.readouterr()
    return code, captured


def test_q4_k_m_export_loads_runs_and_imports(capsys, wide, tmp_path):
    from gguf import GGUFReader
    ws = wide / "ws"
    code, captured = export(capsys, ws, "wide", str(tmp_path / "f16.gguf"))
    assert code == 0, captured.err
    f16 = json.loads(captured.out.strip().splitlines()[-1])
    code, captured = export(capsys, ws, "wide", str(tmp_path / "q4km.gguf"), "--quant", "q4_k_m")
    assert code == 0, captured.err
    q4 = json.loads(captured.out.strip().splitlines()[-1])
    assert q4["quant"] == "q4_k_m" and q4["size"] < 0.45 * f16["size"]
    assert q4["tensor_types"].get("q4_k", 0) >= 4 and "f16" not in q4["tensor_types"]
    # A random model's logits are nearly flat, so greedy tokens flip; the logit error stays small.
    assert q4["check"]["tokens"] == 16 and q4["check"]["max_logit_diff"] < 2.0
    reader = GGUFReader(str(tmp_path / "q4km.gguf"))
    assert reader.fields["general.file_type"].contents() == 15      # LLAMA_FTYPE_MOSTLY_Q4_K_M
    assert reader.fields["tokenizer.ggml.tokens"].contents()[:3] == \
        GGUFReader(str(tmp_path / "f16.gguf")).fields["tokenizer.ggml.tokens"].contents()[:3]
    assert sorted(os.listdir(tmp_path)) == ["f16.gguf", "q4km.gguf"]
    # The catalog takes it as a model of its own, and generates with it through llama.cpp.
    code = main(["--workspace", str(ws), "--json", "models", "import", str(tmp_path / "q4km.gguf"), "--name", "wq"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    code = main(["--workspace", str(ws), "--json", "generate", "--model", "wq", "--prompt", "Write a short ad",
                 "--max-new-tokens", "4", "--temperature", "0"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = json.loads(captured.out.strip().splitlines()[-1])["results"][0]
    assert out["backend"] == "llama.cpp" and out["quant"] == "q4_k_m" and out["tokens"] >= 1


def test_more_bits_give_smaller_error(capsys, wide, tmp_path):
    errors = {}
    for quant, block in (("q4_k_m", "q4_k"), ("q6_k", "q6_k")):
        code, captured = export(capsys, wide / "ws", "wide", str(tmp_path / f"{quant}.gguf"), "--quant", quant)
        assert code == 0, captured.err
        result = json.loads(captured.out.strip().splitlines()[-1])
        assert result["tensor_types"].get(block, 0) >= 4
        errors[quant] = result["check"]["max_logit_diff"]
    assert 0 < errors["q6_k"] < errors["q4_k_m"]


def test_k_quant_without_llama_cpp_names_the_extra(capsys, wide, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)     # an install without the llamacpp extra
    code, captured = export(capsys, wide / "ws", "wide", str(tmp_path / "x.gguf"), "--quant", "q4_k_m")
    assert code != 0 and "'llamacpp' extra" in captured.err
    assert os.listdir(tmp_path) == []
