"""Scaling: one LoRA training step (forward + backward) vs model size and sequence length, ours vs plain.

Batch of 4 rows of mixed length up to ``seq`` (a quarter prompt, masked); ours is the
padding-free chunked-loss step (``engine.text.fast_loss``), the baseline the padded
``model(**batch, labels=...)`` step. Also each side's achieved GFLOP/s against a plain
fp32 matmul on this machine, which bounds what any CPU step can reach.
"""
from __future__ import annotations

from pathlib import Path

from bench.common import Timer, build_text_model, matmul_gflops


def _step_flops(model, tokens: int, labelled: int) -> float:
    """Forward + input-gradient FLOPs of the linear layers (LoRA: no frozen weight gradients)."""
    config = model.config
    head = config.vocab_size * config.hidden_size
    body = sum(p.numel() for n, p in model.named_parameters() if p.ndim == 2 and "embed" not in n and "lm_head" not in n
               and "lora" not in n)
    return 4 * body * tokens + 4 * head * labelled


def bench(quick: bool, workdir: Path) -> list[dict]:
    import random

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM
    from engine.text.fast_loss import IGNORE, batch_loss, make_batch
    peak = matmul_gflops()
    results = []
    seqs = (64, 256) if quick else (64, 256, 1024)
    for shape in ("small", "real"):
        folder = build_text_model(workdir / f"text-{shape}", shape)
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
        model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "k_proj", "v_proj",
                                                                                       "o_proj"], task_type="CAUSAL_LM"))
        model.train()
        for seq in seqs:
            rng = random.Random(seq)
            rows = []
            for _ in range(4):
                n = rng.randint(seq // 3, seq)
                ids = [rng.randrange(3, 2000) for _ in range(n)]
                rows.append((ids, [IGNORE] * (n // 4) + ids[n // 4:]))

            def ours():
                loss, _ = batch_loss(model, make_batch(model, rows, 0))
                loss.backward()

            def plain():
                width = max(len(r[0]) for r in rows)
                ids = torch.tensor([r[0] + [0] * (width - len(r[0])) for r in rows])
                mask = torch.tensor([[1] * len(r[0]) + [0] * (width - len(r[0])) for r in rows])
                labels = torch.tensor([r[1] + [IGNORE] * (width - len(r[0])) for r in rows])
                model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()

            times = {"ours": [], "plain": []}
            ours(), plain()
            for _ in range(1 if quick else 3):
                for name, fn in (("ours", ours), ("plain", plain)):
                    with Timer() as t:
                        fn()
                    times[name].append(t.seconds)
                    model.zero_grad(set_to_none=True)
            o, b = min(times["ours"]), min(times["plain"])
            tokens = sum(len(r[0]) for r in rows)
            padded = 4 * max(len(r[0]) for r in rows)
            labelled = sum(sum(1 for x in r[1][1:] if x != IGNORE) for r in rows)
            base = model.get_base_model()
            results.append({"name": f"scaling_step_{shape}_seq{seq}", "unit": "s/step", "ours": o, "baseline": b,
                            "ratio": b / o, "higher_is_better": False,
                            "details": {"tokens": tokens, "padded_tokens": padded,
                                        "ours_gflops": round(_step_flops(base, tokens, labelled) / o / 1e9, 1),
                                        "baseline_gflops": round(_step_flops(base, padded, padded) / b / 1e9, 1),
                                        "matmul_peak_gflops": round(peak, 1),
                                        "params_m": round(sum(p.numel() for p in base.parameters()) / 1e6, 1)}})
        del model
    return results
