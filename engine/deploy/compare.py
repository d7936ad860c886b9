"""Measure a GGUF file against the PyTorch model it came from: tokens, greedy agreement, perplexity, speed.

Greedy decoding ignores end-of-sequence here, so every comparison covers the
same number of tokens. "Prefix" is how many free-running greedy tokens match
before the first difference; "agreement" is teacher-forced: both backends read
PyTorch's greedy continuation and we count the positions where their top token
is the same, which degrades smoothly with quantization noise.
"""
from __future__ import annotations

import math
import time

# Texts for perplexity and tokenizer checks: English, Chinese, digits, whitespace runs.
PROBE_TEXTS = [
    "Write a short ad for tea. Fresh tea for busy students, made to last and priced to please.",
    "Reply to a customer about the router. Thank you for reaching out, we will replace it today.",
    "为学生写一句茶的广告：轻巧耐用，今天就试试。",
    "The 2026 update cuts latency by 35% and fixes the memory leak.\n\n  Indented  text\twith tabs.",
]
PROMPT = "Write a short ad for tea."
# A wider set whose differences are reported with each export: code, emoji, other scripts, whitespace runs;
# texts around the tokenizer's special tokens are added per tokenizer (``tokenizer_texts``).
TOKENIZER_TEXTS = [
    "Hello world", "I'm sure they'll say it's DONE'S", "Numbers 1234567 3.14159 and 1,000,000",
    "def add(a, b):\n    return a + b  # sum\n\n\n\tpass", "Emoji: 🤗🦙🚀 ❤️‍🔥 🇨🇳", "café naïve résumé — “quotes”",
    "日本語のテキストと한국어 텍스트", "为学生写一句茶的广告：轻巧耐用，今天就试试。", "\n\n\n   \t  \n", "   ",
    " leading space and  double  spaces   and tabs\t\tend ", "a\u00a0b\u3000c",
]
# Conversations for perplexity, rendered with the model's chat template; only the replies are scored,
# as in training (a tuned model is not taught to predict the user's words).
PERPLEXITY_CHATS = [
    ("Write a short ad for tea.", "Fresh tea for busy students, made to last and priced to please."),
    ("Reply to a customer whose parcel is late.",
     "Thank you for reaching out. We are sorry for the delay and will ship a replacement today."),
    ("为学生写一句茶的广告。", "轻巧耐用的好茶，今天就试试。"),
    ("Summarise the release note.", "The update cuts latency by 35% and fixes the memory leak."),
]


def chat_examples(tokenizer) -> list[tuple[list[int], list[int]]]:
    """(ids, labels) of each conversation: labels only on the reply, as in training (prompt tokens -100)."""
    from engine.text.templates import encode_example
    rows = [encode_example(tokenizer, {"messages": [{"role": "user", "content": q},
                                                    {"role": "assistant", "content": a}]}, 512)
            for q, a in PERPLEXITY_CHATS]
    return [r for r in rows if r is not None]


def torch_logits(model, ids: list[int]):
    import torch
    with torch.inference_mode():
        return model(input_ids=torch.tensor([ids]), use_cache=False).logits[0].float().numpy()


def torch_greedy(model, ids: list[int], n: int) -> tuple[list[int], float]:
    """``n`` greedy tokens after ``ids`` with the KV cache, and the decode speed in tokens/s."""
    import torch
    out_tokens = []
    with torch.inference_mode():
        out = model(input_ids=torch.tensor([ids]), use_cache=True)
        started = time.perf_counter()
        for _ in range(n):
            token = int(out.logits[0, -1].argmax())
            out_tokens.append(token)
            out = model(input_ids=torch.tensor([[token]]), past_key_values=out.past_key_values, use_cache=True)
        seconds = time.perf_counter() - started
    return out_tokens, n / seconds if seconds > 0 else float("inf")


def llama_greedy(llm, ids: list[int], n: int) -> tuple[list[int], float]:
    import numpy as np
    from engine.deploy.runtime import last_logits
    llm.reset()
    llm.eval(ids)
    out_tokens = []
    started = time.perf_counter()
    for _ in range(n):
        token = int(np.argmax(last_logits(llm)))
        out_tokens.append(token)
        llm.eval([token])
    seconds = time.perf_counter() - started
    return out_tokens, n / seconds if seconds > 0 else float("inf")


def llama_all_logits(llm, ids: list[int]):
    """Logits at every position (``llm`` must be opened with logits_all=True)."""
    llm.reset()
    llm.eval(ids)
    return llm.scores[:len(ids)].copy()


def nll(logits, ids: list[int], labels: list[int] | None = None) -> tuple[float, int]:
    """Summed negative log-likelihood of ids[1:] given the logits of ids[:-1] (only where labels != -100)."""
    import numpy as np
    rows = logits[:-1].astype(np.float64)
    rows = rows - rows.max(axis=1, keepdims=True)
    logp = rows - np.log(np.exp(rows).sum(axis=1, keepdims=True))
    target = np.asarray(ids[1:])
    keep = np.asarray(labels[1:]) != -100 if labels is not None else np.ones(len(target), dtype=bool)
    picked = logp[np.arange(len(target)), target][keep]
    return float(-picked.sum()), int(keep.sum())


def perplexity(pairs: list[tuple[float, int]]) -> float:
    total = sum(p[0] for p in pairs)
    count = sum(p[1] for p in pairs)
    return math.exp(total / count) if count else float("nan")


def tokenizer_mismatch(tokenizer, llm, texts: list[str]) -> str | None:
    """The first text llama.cpp tokenizes differently from ``tokenizer`` (None when all agree)."""
    for text in texts:
        ours = list(tokenizer(text, add_special_tokens=False)["input_ids"])
        theirs = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if ours != theirs:
            at = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
            return f"{text[:40]!r}: token {at} differs ({ours[at:at + 3]} vs {theirs[at:at + 3]})"
    return None


def tokenizer_texts(tokenizer) -> list[str]:
    """TOKENIZER_TEXTS and, for each special token, a text with it at the start, middle and end."""
    specials = sorted(set(getattr(tokenizer, "all_special_tokens", None) or []))
    return TOKENIZER_TEXTS + [f"{s}Hello {s} world{s}" for s in specials]


def tokenizer_differences(tokenizer, llm, texts: list[str]) -> list[str]:
    """Every text llama.cpp tokenizes differently from ``tokenizer``, each with where it starts to differ."""
    out = []
    for text in texts:
        found = tokenizer_mismatch(tokenizer, llm, [text])
        if found:
            out.append(found)
    return out


def file_examples(tokenizer, path, limit: int = 16) -> list[tuple[list[int], list[int]]]:
    """(ids, labels) of the first ``limit`` trainable records of a .jsonl file (Alpaca, messages, ...)."""
    from engine.text.data import read_jsonl
    from engine.text.templates import encode_example
    rows = [encode_example(tokenizer, r, 512) for r in read_jsonl(path)[:limit * 2]]
    return [r for r in rows if r is not None][:limit]


def compare(model, tokenizer, llm, prompt_text: str, n: int = 16, examples=None) -> dict:
    """Everything the export check and the compression report need, for one GGUF file.

    ``examples`` ((ids, labels) pairs) are what perplexity is measured on; default: the probe chats.
    """
    import numpy as np
    examples = examples if examples is not None else chat_examples(tokenizer)
    ids = list(tokenizer(prompt_text, add_special_tokens=False)["input_ids"])
    ours, torch_speed = torch_greedy(model, ids, n)
    theirs, llama_speed = llama_greedy(llm, ids, n)
    prefix = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), n)
    sequence = ids + ours
    all_torch, all_llama = torch_logits(model, sequence), llama_all_logits(llm, sequence)
    forced_torch = all_torch[len(ids) - 1:-1].argmax(axis=1)
    forced_llama = all_llama[len(ids) - 1:-1].argmax(axis=1)
    agreement = float(np.mean(forced_torch == forced_llama))
    max_logit_diff = float(np.abs(all_torch - all_llama).max())
    torch_nll, llama_nll = [], []
    for tids, labels in examples:
        if len(tids) < 2:
            continue
        torch_nll.append(nll(torch_logits(model, tids), tids, labels))
        llama_nll.append(nll(llama_all_logits(llm, tids), tids, labels))
    return {"tokens": n, "torch_tokens": ours, "gguf_tokens": theirs, "greedy_prefix": prefix,
            "agreement": round(agreement, 4), "max_logit_diff": round(max_logit_diff, 5),
            "perplexity_torch": round(perplexity(torch_nll), 4),
            "perplexity_gguf": round(perplexity(llama_nll), 4), "torch_tokens_per_s": round(torch_speed, 1),
            "gguf_tokens_per_s": round(llama_speed, 1)}
