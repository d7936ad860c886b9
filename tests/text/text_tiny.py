"""Tiny random-initialised causal LMs of real architectures, saved as real Hugging Face folders."""
from __future__ import annotations

import json
from pathlib import Path

CORPUS = [
    "Write a short ad for {p}. Fresh {p} for busy {a}, made to last and priced to please.",
    "Reply to a customer about {p}. Thank you for reaching out, we will replace your {p} today.",
    "Summarise the note on {p}. The {p} update cuts latency and fixes the memory leak for {a}.",
    "为{a}写一句{p}的广告：轻巧耐用，今天就试试。",
]
PRODUCTS = ["tea", "shoes", "router", "lamp", "phone", "backpack", "coffee", "camera"]
AUDIENCES = ["students", "parents", "engineers", "runners"]


def corpus_lines() -> list[str]:
    return [t.format(p=p, a=a) for t in CORPUS for p in PRODUCTS for a in AUDIENCES]


def examples(n: int = 40) -> list[dict]:
    rows = []
    for i in range(n):
        p, a = PRODUCTS[i % len(PRODUCTS)], AUDIENCES[i % len(AUDIENCES)]
        rows.append({"instruction": f"Write a short ad for {p}.", "input": f"audience: {a}",
                     "output": f"Fresh {p} for busy {a}, made to last and priced to please."})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def make_tokenizer(vocab_size: int = 400):
    from engine.text.tokenizer_build import train_bpe_tokenizer
    return train_bpe_tokenizer(corpus_lines() * 3, vocab_size=vocab_size)


def make_config(arch: str, tok, vocab_size: int | None = None):
    import transformers as tf
    ids = dict(pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    vocab = vocab_size or -(-(len(tok) + 1) // 64) * 64  # padded like real checkpoints
    common = dict(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, max_position_embeddings=256, **ids)
    if arch == "llama":
        return tf.LlamaConfig(num_key_value_heads=2, tie_word_embeddings=False, **common)
    if arch == "qwen2":
        return tf.Qwen2Config(num_key_value_heads=2, tie_word_embeddings=True, **common)
    if arch == "mistral":
        return tf.MistralConfig(num_key_value_heads=2, **common)
    if arch == "phi3":
        return tf.Phi3Config(num_key_value_heads=4, **common)
    if arch == "gemma":
        return tf.GemmaConfig(num_key_value_heads=1, head_dim=8, **common)
    if arch == "gpt2":
        return tf.GPT2Config(vocab_size=vocab, n_positions=256, n_embd=32, n_layer=2, n_head=4, **ids)
    raise ValueError(arch)


def build_model(arch: str, folder: Path, tok, shard: str | None = None, seed: int = 0) -> Path:
    import torch
    from transformers import AutoModelForCausalLM
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(make_config(arch, tok))
    kwargs = {"max_shard_size": shard} if shard else {}
    model.save_pretrained(folder, **kwargs)
    tok.save_pretrained(folder)
    return folder
