"""Shared pieces of the benchmarks: machine facts, timing, child processes, model builders.

Each side of a comparison that needs its own peak memory runs in a child process
(``python -m bench.child MODULE FUNC JSON``) whose last stdout line is a JSON dict;
the child adds its own peak RSS. Model folders are built once per run in a temp dir.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM on Linux (ru_maxrss there carries the parent's peak over
    a fork+exec, so every child would report at least its parent's)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        info["load_avg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    try:
        import torch
        info.update(torch=torch.__version__, cpu_capability=torch.backends.cpu.get_cpu_capability(),
                    torch_threads=torch.get_num_threads())
        import diffusers
        import peft
        import transformers
        info.update(transformers=transformers.__version__, peft=peft.__version__, diffusers=diffusers.__version__)
    except ImportError:
        pass
    try:
        import psutil
        info["ram_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return info


def set_threads() -> None:
    """Both sides use the engine's thread count (``AIGC_THREADS`` when ``--threads`` is given)."""
    import torch
    from engine import devices
    torch.set_num_threads(devices.cpu_threads())


def child(module: str, func: str, args: dict, timeout: float = 1800) -> dict:
    """Run ``bench.<module>.<func>(**args)`` in a fresh interpreter; its dict plus ``peak_rss_mb``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "text")]))
    proc = subprocess.run([sys.executable, "-m", "bench.child", module, func, json.dumps(args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.{module}.{func} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def alternate(ours, baseline, repeat: int, warm=None) -> tuple[list[float], list[float], list, list]:
    """Warm-up of each (``warm=(ours_warm, baseline_warm)``, else a full call), then ours and baseline
    alternately ``repeat`` times; returns timings and outputs."""
    for fn in warm or (ours, baseline):
        fn()
    ours_t, base_t, ours_out, base_out = [], [], [], []
    for _ in range(repeat):
        for fn, times, outs in ((ours, ours_t, ours_out), (baseline, base_t, base_out)):
            with Timer() as t:
                out = fn()
            times.append(t.seconds)
            outs.append(out)
    return ours_t, base_t, ours_out, base_out


def matmul_gflops(size: int = 1024, repeat: int = 5) -> float:
    """A plain fp32 matmul's GFLOP/s on this machine with the current thread count (the roofline)."""
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float("inf")
    for _ in range(repeat):
        with Timer() as t:
            a @ b
        best = min(best, t.seconds)
    return 2 * size ** 3 / best / 1e9


# -- models ---------------------------------------------------------------------------
TEXT_SHAPES = {
    # ~21M parameters: a small Llama with a 32k vocabulary
    "small": dict(arch="llama", vocab_size=32000, hidden_size=256, intermediate_size=1024, num_hidden_layers=4,
                  num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=False),
    # Qwen2.5-0.5B's widths and vocabulary, 2 layers
    "real": dict(arch="qwen2", vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=2,
                 num_attention_heads=14, num_key_value_heads=2, tie_word_embeddings=True, saved_dtype="bfloat16"),
}


def build_text_model(folder: Path, shape: str, layers: int | None = None) -> Path:
    """A random-weight causal LM of ``TEXT_SHAPES[shape]`` with a small trained BPE tokenizer, saved to ``folder``."""
    if (folder / "config.json").is_file():
        return folder
    import torch
    import transformers as tf
    from text_tiny import corpus_lines
    from engine.text.tokenizer_build import train_bpe_tokenizer
    spec = dict(TEXT_SHAPES[shape])
    arch = spec.pop("arch")
    saved_dtype = spec.pop("saved_dtype", "float32")   # the real checkpoint ships bf16 weights
    if layers:
        spec["num_hidden_layers"] = layers
    tok = train_bpe_tokenizer(corpus_lines() * 3 + bench_words(), vocab_size=2000)
    cls = {"llama": tf.LlamaConfig, "qwen2": tf.Qwen2Config}[arch]
    config = cls(max_position_embeddings=2048, pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id,
                 eos_token_id=tok.eos_token_id, **spec)
    torch.manual_seed(0)
    model = tf.AutoModelForCausalLM.from_config(config).to(getattr(torch, saved_dtype))
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


WORDS = ("fresh light durable simple warm quiet bright smooth quick strong clean gentle crisp bold handy modern "
         "classic soft sharp rich calm tidy sturdy sleek cosy lively neat vivid steady honest").split()
NOUNS = ("tea shoes router lamp phone backpack coffee camera desk chair bottle jacket watch speaker kettle "
         "blender notebook pen bag scarf").split()


def bench_words() -> list[str]:
    return [" ".join(WORDS[(i + j) % len(WORDS)] for j in range(12)) + " " + NOUNS[i % len(NOUNS)]
            for i in range(200)]


def mixed_examples(count: int, seed: int = 0) -> list[dict]:
    """Instruction examples whose lengths vary widely (a long tail), like real ad-copy and support data."""
    import random
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        noun = NOUNS[i % len(NOUNS)]
        words = max(3, min(160, int(rng.lognormvariate(3.2, 0.8))))
        answer = " ".join(rng.choice(WORDS) for _ in range(words)) + f" {noun}."
        context = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))
        rows.append({"instruction": f"Write a short ad for the {noun}.", "input": context, "output": answer})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
