"""A tiny Llama with a LoRA adapter trained on ad copy, exported once per session as f16 and q8_0 GGUF files."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Only tests/text goes on the path (for text_tiny): this folder's name would shadow the gguf library.
TEXT_TESTS = Path(__file__).resolve().parents[1] / "text"
if str(TEXT_TESTS) not in sys.path:
    sys.path.insert(0, str(TEXT_TESTS))

from gguf_helpers import needs_llama_cpp, run  # noqa: E402


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """{"root", "workspace", "base", "adapter"}: a tiny llama fine-tuned on ad copy and a LoRA adapter on it."""
    needs_llama_cpp()
    from engine.api import Engine
    from text_tiny import build_model, examples, make_tokenizer, write_jsonl
    root = tmp_path_factory.mktemp("gguf")
    folder = build_model("llama", root / "llama", make_tokenizer(), seed=1)
    data = write_jsonl(root / "ads.jsonl", examples(40))
    eng = Engine.open(root / "ws")
    try:
        run(eng, "models.import", {"path": str(folder), "name": "init", "copy": False})
        # A random model has near-uniform logits; a short full fine-tune first gives it confident ones.
        run(eng, "text.train", {"config": {"model": "init", "data": str(data), "method": "full", "max_steps": 30,
                                           "batch_size": 8, "learning_rate": 1e-2, "warmup_steps": 0,
                                           "output_name": "tiny", "eval_every": 30, "save_every": 30}})
        run(eng, "text.train", {"config": {"model": "tiny", "data": str(data), "max_steps": 10, "batch_size": 8,
                                           "learning_rate": 3e-2, "lora_r": 8, "lora_alpha": 16,
                                           "target_modules": "all-linear", "output_name": "tiny-ads",
                                           "eval_every": 10, "save_every": 10}})
    finally:
        eng.close()
    return {"root": root, "workspace": root / "ws", "base": "tiny", "adapter": "tiny-ads"}


@pytest.fixture(scope="session")
def exported(trained):
    """{quant: (path, job result)} for f16 and q8_0 exports of the trained adapter merged into its base."""
    from engine.api import Engine
    eng = Engine.open(trained["workspace"])
    out = {}
    try:
        for quant in ("f16", "q8_0"):
            path = trained["root"] / f"tiny-ads-{quant}.gguf"
            job = run(eng, "models.export", {"model": "tiny", "adapter": "tiny-ads", "quant": quant,
                                             "out": str(path)})
            out[quant] = (path, job.result)
    finally:
        eng.close()
    return out
