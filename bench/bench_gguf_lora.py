"""GGUF LoRA adapter export: size against the merged export, and how closely llama.cpp applies it.

    .venv/bin/python bench/bench_gguf_lora.py [--steps 20] [--rank 8] [--json]

Fine-tunes a LoRA adapter on the starter text model (the sample ad-copy records,
all linear layers), then exports it twice through ``models.export``: merged into
the base at f16, and alone (``adapter_only``). The adapter-only export's own check
loads a temporary f16 base with the adapter in llama.cpp; reported are its greedy
match with PyTorch, the largest logit difference from PyTorch with and without the
adapter (the f16 rounding floor), and how far the adapter itself moves the logits.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402,F401 - offline switches first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from engine.api import Engine
    from engine.samples import samples_dir
    from engine.text.starter import model_dir
    with tempfile.TemporaryDirectory(prefix="aigc-bench-lora-") as tmp:
        tmp = Path(tmp)
        eng = Engine.open(tmp / "ws", workers=1)
        try:
            def run(kind, params):
                job = eng.jobs.run(kind, params)
                assert job.state.value == "succeeded", job.error
                return job.result
            run("models.import", {"path": str(model_dir()), "name": "starter", "copy": False})
            run("text.train", {"config": {"model": "starter", "data": str(samples_dir() / "datasets" / "ad-copy.jsonl"),
                                          "max_steps": args.steps, "batch_size": 8, "lora_r": args.rank,
                                          "lora_alpha": 2 * args.rank, "target_modules": "all-linear",
                                          "output_name": "ads", "eval_every": args.steps,
                                          "save_every": args.steps}})
            merged = run("models.export", {"model": "starter", "adapter": "ads", "quant": "f16",
                                           "out": str(tmp / "merged.gguf")})
            alone = run("models.export", {"model": "starter", "adapter": "ads", "adapter_only": True,
                                          "out": str(tmp / "ads-lora.gguf")})
        finally:
            eng.close()
    summary = {"rank": args.rank, "steps": args.steps, "merged_f16_bytes": merged["size"],
               "adapter_bytes": alone["size"], "adapter_tensors": alone["tensor_types"],
               "greedy_match": f"{alone['check']['greedy_prefix']}/{alone['check']['tokens']}",
               "f16_base_logit_error": alone["check"]["f16_logit_error"],
               "adapter_logit_error": alone["check"]["adapter_logit_error"],
               "adapter_logit_effect": alone["check"]["adapter_logit_effect"],
               "merged_f16_max_logit_diff": merged["check"]["max_logit_diff"]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
