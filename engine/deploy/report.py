"""The ``models.compress_report`` job: f16 / q8_0 / q4_k_m / q4_0 (or any k-quant) side by side against PyTorch.

Each file is exported to the workspace's tmp folder with the same checks as
``models.export``, measured (size, llama.cpp decode speed, perplexity on the
probe texts, greedy-token agreement with PyTorch) and deleted.
"""
from __future__ import annotations

import shutil

from engine.errors import UserError
from engine.jobs import JobContext, job_kind
from engine.i18n import tr

REPORT_QUANTS = ("f16", "q8_0", "q4_k_m", "q4_0")      # the default rows


def torch_size(model) -> int:
    """Bytes of the model's weights as PyTorch holds them (float32 here)."""
    seen, total = set(), 0
    for tensor in model.state_dict().values():
        if tensor.data_ptr() in seen:
            continue
        seen.add(tensor.data_ptr())
        total += tensor.numel() * tensor.element_size()
    return total


def table(rows: list[dict], torch_row: dict) -> str:
    """The report as a Markdown table."""
    head = ("| format | size (MB) | x smaller | decode tok/s | vs PyTorch | perplexity | greedy prefix | agreement |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head, f"| PyTorch fp32 | {torch_row['size'] / 1e6:.2f} | 1.0 | {torch_row['tokens_per_s']:.1f} | 1.00 | "
                   f"{torch_row['perplexity']:.3f} | - | - |"]
    for r in rows:
        lines.append(f"| GGUF {r['quant']} | {r['size'] / 1e6:.2f} | {torch_row['size'] / r['size']:.1f} | "
                     f"{r['tokens_per_s']:.1f} | {r['speed_ratio']:.2f} | {r['perplexity']:.3f} | "
                     f"{r['greedy_prefix']}/{r['tokens']} | {r['agreement'] * 100:.1f}% |")
    return "\n".join(lines)


def measure(ctx: JobContext, torch_model, tokenizer, name: str, quants=REPORT_QUANTS, tokens: int = 32,
            examples=None) -> dict:
    """Export each quantization to a scratch folder, measure it, delete it."""
    from engine.deploy import export as ex
    scratch = ctx.workspace.folder("tmp") / f"compress-{ctx.job_id}"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for index, quant in enumerate(quants):
            ctx.check_cancelled()
            start = 0.1 + 0.9 * index / len(quants)
            result = ex.export_gguf(ctx, torch_model, tokenizer, scratch / f"{quant}.gguf", quant, name,
                                    start=start, end=start + 0.9 / len(quants), tokens=tokens,
                                    strict=False, examples=examples)
            check = result["check"]
            rows.append({"quant": quant, "size": result["size"], "tokens_per_s": check["gguf_tokens_per_s"],
                         "torch_tokens_per_s": check["torch_tokens_per_s"],
                         "speed_ratio": round(check["gguf_tokens_per_s"] / check["torch_tokens_per_s"], 2),
                         "perplexity": check["perplexity_gguf"], "perplexity_torch": check["perplexity_torch"],
                         "greedy_prefix": check["greedy_prefix"], "tokens": check["tokens"],
                         "agreement": check["agreement"]})
            (scratch / f"{quant}.gguf").unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    torch_speeds = sorted(r["torch_tokens_per_s"] for r in rows)
    torch_row = {"size": torch_size(torch_model), "tokens_per_s": torch_speeds[len(torch_speeds) // 2],
                 "perplexity": rows[0]["perplexity_torch"]}
    return {"rows": rows, "torch": torch_row, "markdown": table(rows, torch_row)}


@job_kind("models.compress_report", title="Compression report")
def compress_report(ctx: JobContext) -> dict:
    """params: model, adapter, quants (default f16, q8_0, q4_k_m, q4_0), tokens (greedy tokens compared), out (.md),
    data (a .jsonl whose replies perplexity is measured on; default a few built-in conversations)."""
    from engine import atomic
    from engine.deploy.export import load_merged
    from engine.deploy.runtime import require_llama_cpp
    params = ctx.params
    from engine.deploy.kquant import K_QUANTS
    from engine.deploy.writer import QUANTS
    quants = list(params.get("quants") or REPORT_QUANTS)
    bad = [q for q in quants if q not in QUANTS + tuple(K_QUANTS)]
    if bad:
        raise UserError(tr("quantization '{bad}' is not one of {items}", bad=bad[0], items=', '.join(QUANTS + tuple(K_QUANTS))))
    require_llama_cpp()
    ctx.report(0.02, tr("loading the model"))
    torch_model, tokenizer, base, adapter = load_merged(ctx.engine, params["model"], params.get("adapter"))
    name = f"{base.name}+{adapter.name}" if adapter else base.name
    examples = None
    if params.get("data"):
        from engine.deploy.compare import file_examples
        examples = file_examples(tokenizer, params["data"])
        if not examples:
            raise UserError(tr("{data}: no record with a reply to measure perplexity on", data=params['data']),
                            hint=tr("give a .jsonl with instruction/output or messages records"))
    result = measure(ctx, torch_model, tokenizer, name, quants, int(params.get("tokens") or 32), examples)
    result.update(model=base.name, adapter=adapter.name if adapter else None)
    if params.get("out"):
        atomic.write_text(params["out"], f"# Compression report: {name}\n\n{result['markdown']}\n")
        result["out"] = str(params["out"])
    ctx.report(1.0, tr("report ready"))
    return result
