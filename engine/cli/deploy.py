"""aigc models export | compress-report: text models out as GGUF files for llama.cpp, LM Studio, Ollama;
image models out as one original-layout Stable Diffusion checkpoint for A1111 and ComfyUI."""
from __future__ import annotations

from pathlib import Path
from engine.i18n import tr


def _absolute(path: str | None) -> str | None:
    """Paths are made absolute here: the job may run where the working folder is another."""
    return str(Path(path).expanduser().absolute()) if path else path


QUANT_CHOICES = ["f16", "q8_0", "q4_0", "q2_k", "q3_k_m", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k"]


def register_actions(models) -> None:
    """Adds the deploy actions to the ``aigc models`` group."""
    p = models.add_parser("export", help="write a text model (+ adapter merged in) as a checked GGUF file, or an "
                                         "image model as one checked Stable Diffusion .safetensors file")
    p.add_argument("name", help="base model, or an adapter (its base is used)")
    p.add_argument("out", metavar="OUT", help="OUT.gguf, or OUT.safetensors with --format sd-single-file")
    p.add_argument("--adapter", help="merge this adapter into the base before exporting (or, with --adapter-only, "
                                     "write it alone)")
    p.add_argument("--format", choices=["gguf", "sd-single-file"], default="gguf",
                   help="gguf (text models) or sd-single-file (image models: the original Stable Diffusion "
                        "layout A1111 and ComfyUI load, re-imported and compared on a fixed seed before it is kept)")
    p.add_argument("--adapter-scale", type=float, default=None,
                   help="sd-single-file: strength of the LoRA merged in (default 1.0)")
    p.add_argument("--quant", choices=QUANT_CHOICES, default="f16",
                   help="f16 (exact), q8_0 (about half the size), q4_0 (about a quarter); k-quants (q4_k_m, ...) "
                        "are made by llama.cpp's quantizer")
    p.add_argument("--adapter-only", action="store_true",
                   help="write only the adapter as a GGUF LoRA file (32-bit; --quant does not apply), for use on "
                        "top of the base model's GGUF")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--report", action="store_true", help="also print the compression report (f16, q8_0, q4_k_m, q4_0)")
    p.set_defaults(handler=cmd_export)
    p = models.add_parser("compress-report", help="size, speed and quality of GGUF exports at several quantizations")
    p.add_argument("name")
    p.add_argument("--adapter")
    p.add_argument("--quant", action="append", choices=QUANT_CHOICES,
                   help="repeatable; default f16, q8_0, q4_k_m and q4_0")
    p.add_argument("--tokens", type=int, default=32, help="greedy tokens compared with PyTorch")
    p.add_argument("--data", metavar="FILE.jsonl", help="measure perplexity on the replies of these records "
                                                       "(default: a few built-in conversations)")
    p.add_argument("--out", help="also write the table to this Markdown file")
    p.set_defaults(handler=cmd_compress_report)


def _check_line(result: dict) -> str:
    check = result["check"]
    # Perplexity stays in the JSON: on built-in texts it says little about a model tuned on other data.
    return tr("llama.cpp check: greedy tokens match PyTorch for {matched}/{tokens}, top-token agreement {percent}%",
              matched=check["greedy_prefix"], tokens=check["tokens"], percent=f"{check['agreement'] * 100:.1f}")


def cmd_export(args, out) -> dict:
    out.open_engine(args)
    job = out.run_job("models.export", {"model": args.name, "adapter": args.adapter, "format": args.format,
                                        "quant": args.quant, "out": _absolute(args.out), "force": args.force,
                                        "adapter_only": args.adapter_only, "adapter_scale": args.adapter_scale})
    result = dict(job.result)
    if result.get("format") == "sd-single-file":
        check = result["check"]
        merged = tr(" + {adapter} (scale {scale})", adapter=result["adapter"], scale=f"{result['adapter_scale']:g}") \
            if result.get("adapter") else ""
        result["_text"] = "\n".join([
            tr("exported {path} ({family} single file, {model}{merged}, {size} MB, sha256 {sha})", path=result["path"],
               family=result["family"], model=result["model"], merged=merged, size=f"{result['size'] / 1e6:.1f}",
               sha=result["sha256"][:12]),
            tr("re-import check: seed {seed}, {steps} steps at {size} px, max pixel difference {diff} (tolerance "
               "{tolerance})", seed=check["seed"], steps=check["steps"], size=check["size"],
               diff=check["max_pixel_diff"], tolerance=check["tolerance"])])
        return result
    if result.get("adapter_only"):
        result["_text"] = "\n".join([
            tr("exported the adapter {adapter} to {path} (GGUF LoRA, rank {rank}, alpha {alpha}, {size} MB, sha256 "
               "{sha})", adapter=result["adapter"], path=result["path"], rank=result["rank"],
               alpha=f"{result['alpha']:g}", size=f"{result['size'] / 1e6:.2f}", sha=result["sha256"][:12]),
            _check_line(result) + tr(" (base as f16 + this adapter)")])
        return result
    lines = [tr("exported {path} ({quant}, {size} MB, sha256 {sha})", path=result["path"], quant=result["quant"],
                size=f"{result['size'] / 1e6:.1f}", sha=result["sha256"][:12]), _check_line(result)]
    if args.report:
        report = out.run_job("models.compress_report", {"model": args.name, "adapter": args.adapter}).result
        result["report"] = {k: v for k, v in report.items() if k != "markdown"}
        lines += ["", report["markdown"]]
    result["_text"] = "\n".join(lines)
    return result


def cmd_compress_report(args, out) -> dict:
    out.open_engine(args)
    if args.tokens < 1:
        from engine.errors import UserError
        raise UserError(tr("--tokens {value} must be 1 or more", value=args.tokens))
    job = out.run_job("models.compress_report", {"model": args.name, "adapter": args.adapter, "quants": args.quant,
                                                 "tokens": args.tokens, "out": _absolute(args.out),
                                                 "data": _absolute(args.data)})
    result = dict(job.result)
    result["_text"] = result.pop("markdown")
    return result
