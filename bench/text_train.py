"""Text LoRA training: one epoch of ours (the ``text.train`` job) vs ``transformers.Trainer`` + peft on its defaults.

Both sides get the same model folder, the same encoded examples (prompt tokens masked),
the same LoRA settings, batch size, learning rate and epoch, and run in their own
process (peak memory is each side's own). Each first runs two warm-up steps, then the
timed epoch: loading the model, training, saving the adapter.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import build_text_model, child, mixed_examples, write_jsonl

LORA = dict(r=8, alpha=16, dropout=0.05)
LR = 2e-4


def _encoded(model_dir: str, data: str, max_length: int):
    from engine.text.data import read_jsonl
    from engine.text.loader import load_tokenizer
    from engine.text.templates import encode_example
    tok = load_tokenizer(model_dir)
    rows = [encode_example(tok, r, max_length) for r in read_jsonl(Path(data))]
    return tok, [r for r in rows if r is not None]


def ours_epoch(model_dir: str, data: str, batch: int, max_length: int, threads: int | None = None) -> dict:
    from engine.api import Engine
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as tmp:
        with Engine.open(Path(tmp) / "ws", workers=1) as eng:
            job = eng.jobs.run("models.import", {"path": model_dir, "name": "m", "copy": False})
            assert job.state.value == "succeeded", job.error
            config = {"model": "m", "data": data, "batch_size": batch, "max_length": max_length, "val_fraction": 0,
                      "save_every": 100_000, "eval_every": 100_000, "lora_r": LORA["r"],
                      "lora_alpha": LORA["alpha"], "lora_dropout": LORA["dropout"], "learning_rate": LR}
            warm = eng.jobs.run("text.train", {"config": {**config, "max_steps": 2, "output_name": "warm"}})
            assert warm.state.value == "succeeded", warm.error
            started, cpu = time.perf_counter(), time.process_time()
            job = eng.jobs.run("text.train", {"config": {**config, "epochs": 1, "output_name": "timed"}})
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert job.state.value == "succeeded", job.error
            losses = [m["value"] for m in eng.jobs.metrics(job.id) if m["name"] == "loss"]
            import torch
            return {"seconds": seconds, "cpu_seconds": cpu, "steps": len(losses), "last_loss": losses[-1], "threads": torch.get_num_threads()}


def trainer_epoch(model_dir: str, data: str, batch: int, max_length: int, threads: int | None = None) -> dict:
    """What the transformers + peft docs lead a user to write: Trainer, its defaults, pad to longest in batch."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, DataCollatorForSeq2Seq, Trainer, TrainingArguments
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    if threads:
        torch.set_num_threads(threads)

    def run(out: Path, **limits) -> float:
        started = time.perf_counter()
        tok, rows = _encoded(model_dir, data, max_length)
        dataset = [{"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels} for ids, labels in rows]
        model = get_peft_model(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
                               LoraConfig(r=LORA["r"], lora_alpha=LORA["alpha"], lora_dropout=LORA["dropout"],
                                          task_type="CAUSAL_LM", target_modules=["q_proj", "k_proj", "v_proj",
                                                                                 "o_proj"]))
        args = TrainingArguments(output_dir=str(out), per_device_train_batch_size=batch, learning_rate=LR,
                                 report_to="none", disable_tqdm=True, save_strategy="no", use_cpu=True,
                                 logging_steps=10_000, **limits)
        trainer = Trainer(model=model, args=args, train_dataset=dataset,
                          data_collator=DataCollatorForSeq2Seq(tok, padding="longest", label_pad_token_id=-100))
        result = trainer.train()
        model.save_pretrained(out / "adapter")
        trainer.last_loss = result.training_loss
        run.last = result
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as tmp:
        run(Path(tmp) / "warm", max_steps=2)
        cpu = time.process_time()
        seconds = run(Path(tmp) / "timed", num_train_epochs=1)
        cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "steps": run.last.global_step, "mean_loss": run.last.training_loss,
            "threads": torch.get_num_threads()}


def bench(shape: str, quick: bool, workdir: Path) -> dict:
    examples = {"small": (96, 256) if quick else (256, 256), "real": (16, 256) if quick else (64, 256)}[shape]
    count, max_length = examples
    model = build_text_model(workdir / f"text-{shape}", shape)
    data = workdir / f"mixed-{count}.jsonl"
    if not data.is_file():
        write_jsonl(data, mixed_examples(count))
    args = {"model_dir": str(model), "data": str(data), "batch": 8, "max_length": max_length}
    repeat = 1 if quick else 2
    ours, base = [], []
    for _ in range(repeat):   # alternate: ours, baseline, ours, baseline
        ours.append(child("text_train", "ours_epoch", args))
        base.append(child("text_train", "trainer_epoch", args))
    o = min(r["seconds"] for r in ours)
    b = min(r["seconds"] for r in base)
    _, rows = _encoded(str(model), str(data), max_length)
    tokens = sum(len(ids) for ids, _ in rows)
    return {"name": f"text_lora_epoch_{shape}", "unit": "s/epoch", "ours": o, "baseline": b, "ratio": b / o,
            "higher_is_better": False,
            "details": {"examples": len(rows), "tokens": tokens, "batch": 8, "max_length": max_length,
                        "peak_rss_mb": {"ours": max(r["peak_rss_mb"] for r in ours),
                                        "baseline": max(r["peak_rss_mb"] for r in base)},
                        "cpu_s": {"ours": [round(r["cpu_seconds"], 2) for r in ours],
                                  "baseline": [round(r["cpu_seconds"], 2) for r in base]},
                        "runs_s": {"ours": [round(r["seconds"], 2) for r in ours],
                                   "baseline": [round(r["seconds"], 2) for r in base]},
                        "ours_last_loss": ours[-1]["last_loss"], "baseline_mean_loss": base[-1]["mean_loss"],
                        "threads": {"ours": ours[-1]["threads"], "baseline": base[-1]["threads"]},
                        "baseline_is": "transformers.Trainer + peft defaults, pad to longest, fp32"}}
