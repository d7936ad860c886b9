"""Text training and generation speed: ours vs a plain transformers + peft loop, as JSON ratios.

    .venv/bin/python bench/bench_text_train.py [--steps 30] [--tokens 64] [--gen-batch 8] [--skip-train]

Same tiny random Llama, same data, same LoRA settings, same batch size and
sequence length. Training speed is measured in steady state (first steps are
warm-up). A ratio above 1 means ours is faster. The batched-generation line
runs the same prompts through our generator with ``batch_size`` 1 and
``--gen-batch``, and reports prompts per second of each.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "text"))

import engine  # noqa: E402,F401 - offline switches first
from text_tiny import corpus_lines, examples, write_jsonl  # noqa: E402

WARMUP = 3


def build(folder: Path):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from engine.text.tokenizer_build import train_bpe_tokenizer
    tok = train_bpe_tokenizer(corpus_lines() * 3, vocab_size=1000)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=1024, hidden_size=128, intermediate_size=352, num_hidden_layers=4,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    LlamaForCausalLM(config).save_pretrained(folder)
    tok.save_pretrained(folder)


def ours_train(eng, data: Path, steps: int, batch: int, max_length: int) -> dict:
    job = eng.jobs.run("text.train", {"config": {
        "model": "bench", "data": str(data), "max_steps": steps, "batch_size": batch, "max_length": max_length,
        "val_fraction": 0, "save_every": 10_000, "eval_every": 10_000, "lora_r": 8, "lora_alpha": 16,
        "lora_dropout": 0.0, "precision": "fp32", "group_by_length": False, "learning_rate": 1e-3}})
    assert job.state.value == "succeeded", job.error
    rows = eng.workspace.db().execute("SELECT step, at FROM job_metrics WHERE job_id=? AND name='loss' ORDER BY step",
                                      (job.id,)).fetchall()
    tps = [m["value"] for m in eng.jobs.metrics(job.id) if m["name"] == "tokens_per_second"][WARMUP:]
    seconds = rows[-1]["at"] - rows[WARMUP - 1]["at"]
    return {"steps_per_s": (len(rows) - WARMUP) / seconds, "tokens_per_s": sum(tps) / len(tps)}


def plain_train(folder: Path, data: Path, steps: int, batch: int, max_length: int) -> dict:
    """The loop people write by hand from the transformers and peft docs."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(folder)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(folder),
                           LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, task_type="CAUSAL_LM",
                                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    texts = [tok.apply_chat_template([{"role": "user", "content": r["instruction"] + "\n\n" + r["input"]},
                                      {"role": "assistant", "content": r["output"]}], tokenize=False) for r in rows]
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    model.train()
    times, tokens = [], []
    for step in range(steps):
        chunk = [texts[(step * batch + i) % len(texts)] for i in range(batch)]
        enc = tok(chunk, return_tensors="pt", padding=True, truncation=True, max_length=max_length)
        labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
        started = time.perf_counter()
        loss = model(**enc, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter() - started)
        tokens.append(int(enc["attention_mask"].sum()))
    seconds = sum(times[WARMUP:])
    return {"steps_per_s": (steps - WARMUP) / seconds, "tokens_per_s": sum(tokens[WARMUP:]) / seconds}


def generation(eng, new_tokens: int) -> dict:
    import torch
    gen = eng.text.generator("bench")
    params = {"max_new_tokens": new_tokens, "temperature": 0, "repetition_penalty": 1.0}
    prompt = "Write a short ad for tea."
    gen.generate([prompt], params)  # warm-up
    started = time.perf_counter()
    ours = gen.generate([prompt] * 3, {**params, "batch_size": 1}, on_token=lambda i, t: None)
    ours_s = time.perf_counter() - started
    model, tok = gen.loaded.model, gen.loaded.tokenizer
    enc = tok(gen.render_prompt(prompt), return_tensors="pt", add_special_tokens=False)
    started = time.perf_counter()
    produced = 0
    for _ in range(3):
        with torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=new_tokens, do_sample=False, min_new_tokens=new_tokens,
                                 pad_token_id=tok.pad_token_id)
        produced += out.shape[1] - enc["input_ids"].shape[1]
    plain_s = time.perf_counter() - started
    ours_tokens = sum(r["tokens"] for r in ours)
    return {"ours_tokens_per_s": ours_tokens / ours_s, "plain_tokens_per_s": produced / plain_s}


def batched_generation(eng, new_tokens: int, batch: int, count: int = 16) -> dict:
    """Prompts per second, one at a time vs ``batch`` at a time; greedy, so both give the same texts."""
    from text_tiny import AUDIENCES, PRODUCTS
    gen = eng.text.generator("bench")
    prompts = [f"Write a short ad for {PRODUCTS[i % len(PRODUCTS)]} aimed at {AUDIENCES[i % len(AUDIENCES)]}."
               for i in range(count)]
    params = {"max_new_tokens": new_tokens, "temperature": 0, "repetition_penalty": 1.1}
    gen.generate(prompts[:batch], {**params, "batch_size": batch})  # warm-up
    timings, texts = {}, {}
    for size in (1, batch):
        started = time.perf_counter()
        out = gen.generate(prompts, {**params, "batch_size": size}, on_token=lambda i, t: None)
        timings[size] = time.perf_counter() - started
        texts[size] = [r["text"] for r in out]
    return {"prompts": count, "batch_size": batch, "sequential_prompts_per_s": count / timings[1],
            "batched_prompts_per_s": count / timings[batch],
            "batched_vs_sequential": round(timings[1] / timings[batch], 3),
            "same_texts": texts[1] == texts[batch]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--gen-batch", type=int, default=8)
    parser.add_argument("--skip-train", action="store_true", help="only the generation lines")
    args = parser.parse_args()
    import torch
    from engine import devices
    from engine.api import Engine
    torch.set_num_threads(devices.detect().threads)  # the same thread count as the engine's workers
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build(tmp / "model")
        data = write_jsonl(tmp / "data.jsonl", examples(200))
        with Engine.open(tmp / "ws", workers=1) as eng:
            job = eng.jobs.run("models.import", {"path": str(tmp / "model"), "name": "bench", "copy": False})
            assert job.state.value == "succeeded", job.error
            report = {}
            if not args.skip_train:
                ours = ours_train(eng, data, args.steps, args.batch, args.max_length)
                plain = plain_train(tmp / "model", data, args.steps, args.batch, args.max_length)
                report["train"] = {"ours": ours, "plain_peft_loop": plain,
                                   "steps_per_s_ratio": round(ours["steps_per_s"] / plain["steps_per_s"], 3),
                                   "tokens_per_s_ratio": round(ours["tokens_per_s"] / plain["tokens_per_s"], 3)}
            gen = generation(eng, args.tokens)
            report["generate"] = {**gen, "tokens_per_s_ratio": round(gen["ours_tokens_per_s"]
                                                                     / gen["plain_tokens_per_s"], 3)}
            report["batched_generate"] = batched_generation(eng, args.tokens, args.gen_batch)
    report["settings"] = {**vars(args), "torch_threads": torch.get_num_threads()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
