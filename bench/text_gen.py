"""Text generation: ours (``engine.text`` generator, streaming on) vs plain ``model.generate``.

decode_*: one prompt, greedy, fixed length, batch 1; baseline is ``from_pretrained`` on its
defaults + ``generate``. prompts16_*: 16 prompts of mixed length; baseline is the plain
one-at-a-time ``generate`` loop, ours is one ``generate`` call. Ours is what a user gets by
default (the ``auto`` backend: llama.cpp over the cached f16 GGUF copy on the CPU when
llama-cpp-python is installed; ``details.backend`` says which ran, ``details.conversion_s``
what building the copy once cost, outside the timings). Both sides greedy with no
repetition penalty, so they compute the same thing; ``greedy_token_agreement`` is the
fraction of ours' greedy tokens that match plain fp32 PyTorch before the first difference.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import NOUNS, WORDS, alternate, build_text_model


def _prompts(count: int) -> list[str]:
    return [f"Write a short ad for the {NOUNS[i % len(NOUNS)]}. " + " ".join(WORDS[: (i * 7) % 25 + 2])
            for i in range(count)]


def _plain(folder: Path):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)   # its defaults: the checkpoint's dtype
    model.eval()
    return tok, model


def _plain_generate(tok, model, render, prompt: str, new_tokens: int) -> list[int]:
    import torch
    enc = tok(render(prompt), return_tensors="pt", add_special_tokens=False)
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                             pad_token_id=tok.pad_token_id)
    return out[0, enc["input_ids"].shape[1]:].tolist()


def bench(shape: str, kind: str, quick: bool, workdir: Path, quantize: str | None = None) -> dict:
    import torch
    from engine.api import Engine
    folder = build_text_model(workdir / f"text-{shape}", shape)
    new_tokens = 32 if quick else 64
    repeat = (2 if kind == "decode" else 1) if quick else 3
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as tmp, Engine.open(Path(tmp) / "ws", workers=1) as eng:
        job = eng.jobs.run("models.import", {"path": str(folder), "name": "m", "copy": False})
        assert job.state.value == "succeeded", job.error
        gen = eng.text.generator("m", quantize=quantize)
        tok, model = _plain(folder)
        params = {"max_new_tokens": new_tokens, "temperature": 0, "repetition_penalty": 1.0}
        backend = "llama.cpp" if type(gen).__name__ == "FastGenerator" else "pytorch"
        record = getattr(gen.loaded, "record", {})
        eos = gen.loaded.eos_ids
        gen.loaded.eos_ids = None   # fixed length on both sides, like min_new_tokens
        pieces = []
        prompts = _prompts(1 if kind == "decode" else 16)

        def ours():
            out = gen.generate(prompts, params, on_token=lambda i, t: pieces.append(t))   # default batch size
            return [r["tokens"] for r in out]

        def baseline():
            return [len(_plain_generate(tok, model, gen.render_prompt, p, new_tokens)) for p in prompts]

        warm = (lambda: gen.generate(prompts[:1], {**params, "max_new_tokens": 4}),
                lambda: _plain_generate(tok, model, gen.render_prompt, prompts[0], 4))
        ours_t, base_t, ours_out, base_out = alternate(ours, baseline, repeat, warm)
        gen.loaded.eos_ids = eos
        dtypes = {"ours": gen.loaded.quant if backend == "llama.cpp" else str(next(gen.loaded.model.parameters()).dtype),
                  "baseline": str(next(model.parameters()).dtype)}   # before _agreement makes plain fp32
        agree = _agreement(gen, tok, model, prompts[:4], new_tokens)
    tokens_ours, tokens_base = sum(ours_out[-1]), sum(base_out[-1])
    o, b = tokens_ours / min(ours_t), tokens_base / min(base_t)
    name = f"{kind}_{shape}" + (f"_{quantize}" if quantize else "")
    return {"name": name, "unit": "tokens/s", "ours": o, "baseline": b, "ratio": o / b, "higher_is_better": True,
            "details": {"backend": backend, "conversion_s": record.get("built_s"),
                        "llama_threads": getattr(gen.loaded, "threads", None),
                        "prompts": len(prompts), "new_tokens": new_tokens, "dtype": dtypes,
                        "greedy_token_agreement": agree, "runs_s": {"ours": [round(t, 3) for t in ours_t],
                                                                    "baseline": [round(t, 3) for t in base_t]},
                        "threads": torch.get_num_threads(),
                        "baseline_is": "from_pretrained defaults + model.generate" + (
                            ", one prompt at a time" if kind != "decode" else "")}}


def _agreement(gen, tok, model, prompts: list[str], new_tokens: int) -> float:
    """Fraction of greedy tokens where ours (in its dtype/quantization) matches the plain fp32 model."""
    import torch
    plain32 = model.float() if next(model.parameters()).dtype != torch.float32 else model
    same = total = 0
    for prompt in prompts:
        ref = _plain_generate(tok, plain32, gen.render_prompt, prompt, new_tokens)
        mine = _ours_tokens(gen, prompt, new_tokens)
        for a, b in zip(mine, ref):
            if a != b:
                break
            same += 1
        total += len(ref)
    return round(same / max(1, total), 3)


def _ours_tokens(gen, prompt: str, new_tokens: int) -> list[int]:
    """Ours' greedy tokens for one prompt (prefix agreement counts tokens until the first difference)."""
    import torch
    loaded = gen.loaded
    if type(gen).__name__ == "FastGenerator":   # llama.cpp's own argmax, without the UTF-8 guard, like plain
        ids = loaded.tokenizer(gen.render_prompt(prompt), add_special_tokens=False)["input_ids"]
        multi = loaded.context_for(len(ids) + new_tokens, 1)
        logits, out = multi.prefill([ids]), []
        for _ in range(new_tokens):
            out.append(int(logits[0].argmax()))
            logits = multi.step([(out[-1], len(ids) + len(out) - 1, 0)])
        return out
    ids = loaded.tokenizer(gen.render_prompt(prompt), return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        out = loaded.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                                    min_new_tokens=new_tokens, do_sample=False,
                                    pad_token_id=loaded.tokenizer.pad_token_id)
    return out[0, ids.shape[1]:].tolist()
