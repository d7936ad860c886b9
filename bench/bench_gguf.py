"""GGUF export: llama.cpp vs PyTorch CPU decode speed, and the f16/q8_0/q4_0 compression table.

    .venv/bin/python bench/bench_gguf.py [--model tiny|starter|qwen-shape|all] [--tokens 64] [--quant Q ...] [--json]

- ``tiny``: the test-sized Llama (hidden 32, 2 layers) with a 400-token BPE tokenizer.
- ``starter``: the shipped starter text model (resources/starter/text/model), when present.
- ``qwen-shape``: Qwen2.5-0.5B shapes (hidden 896, 14 heads / 2 KV heads, FFN 4864, vocab 151,936,
  tied embeddings, q/k/v biases) with 2 layers and random weights, built in a temp folder.

Each model is imported into a throwaway workspace and run through the
``models.compress_report`` job, which exports every quantization with the usual
checks and times greedy decoding (one token at a time, KV cache, batch 1) in
both PyTorch (float32) and llama.cpp on the same thread count; perplexity is on the
replies of the first 16 sample ad-copy records. "ratio" is
llama.cpp tokens/s divided by PyTorch tokens/s: above 1, llama.cpp is faster.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "text"))

import engine  # noqa: E402,F401 - offline switches first


def build_tiny(folder: Path) -> Path:
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", folder, make_tokenizer(), seed=0)


def build_qwen_shape(folder: Path) -> Path:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM
    from text_tiny import make_tokenizer
    tok = make_tokenizer()
    config = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=2,
                         num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
                         rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    torch.manual_seed(0)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def starter_folder(folder: Path) -> Path | None:
    from engine.text.starter import model_dir
    return model_dir() if (model_dir() / "config.json").is_file() else None


BUILDERS = {"tiny": build_tiny, "starter": starter_folder, "qwen-shape": build_qwen_shape}


def measure(name: str, tokens: int, scratch: Path, quants: list[str] | None = None) -> dict | None:
    from engine.api import Engine
    folder = BUILDERS[name](scratch / name)
    if folder is None:
        return None
    eng = Engine.open(scratch / f"ws-{name}", workers=1)
    try:
        job = eng.jobs.run("models.import", {"path": str(folder), "name": name, "copy": False})
        assert job.state.value == "succeeded", job.error
        from engine.samples import samples_dir
        data = samples_dir() / "datasets" / "ad-copy.jsonl"
        job = eng.jobs.run("models.compress_report", {"model": name, "tokens": tokens, "quants": quants,
                                                      "data": str(data) if data.is_file() else None})
        assert job.state.value == "succeeded", job.error
        return job.result
    finally:
        eng.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=[*BUILDERS, "all"], default="all")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quant", action="append", help="repeatable; default f16, q8_0, q4_k_m, q4_0")
    args = parser.parse_args()
    from engine import devices
    names = list(BUILDERS) if args.model == "all" else [args.model]
    summary = {"threads": devices.detect().threads, "tokens": args.tokens, "models": {}}
    with tempfile.TemporaryDirectory(prefix="aigc-bench-gguf-") as tmp:
        for name in names:
            result = measure(name, args.tokens, Path(tmp), args.quant)
            if result is None:
                print(f"{name}: skipped (not present in this build)", file=sys.stderr)
                continue
            summary["models"][name] = {"torch": result["torch"], "rows": result["rows"],
                                       "decode_ratio": {r["quant"]: r["speed_ratio"] for r in result["rows"]}}
            if not args.json:
                print(f"\n## {name} ({args.tokens} greedy tokens, {summary['threads']} threads)\n")
                print(result["markdown"])
    if args.json:
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
