"""``python -m bench [NAME ...] [--quick] [--json]``: AIGC Workbench against what a user would otherwise run.

Every benchmark runs ours and the baseline alternately in the same run, after a warm-up,
and reports both figures and ``ratio``: how many times better ours is (baseline/ours for
times, ours/baseline for rates), so above 1 is better whatever the unit. ``--quick``
uses smaller workloads (under 10 minutes on 2 cores). With ``--json`` the last stdout
line is ``{"machine": {...}, "results": [...]}``. NAME picks benchmarks by prefix.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "tests" / "text"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def _text_train(shape):
    def run(quick, work):
        from bench import text_train
        return text_train.bench(shape, quick, work)
    return run


def _text_gen(shape, kind, quantize=None):
    def run(quick, work):
        from bench import text_gen
        return text_gen.bench(shape, kind, quick, work, quantize)
    return run


def _image(which):
    def run(quick, work):
        from bench import image
        return image.bench_generate(quick, work) if which == "generate" else image.bench_lora_step(quick, work)
    return run


def _imports(quick, work):
    from bench import imports
    return imports.bench(quick, work)


def _window(quick, work):
    from bench import window
    return window.bench(quick, work)


def _gui_stall(quick, work):
    from bench import gui_stall
    return gui_stall.bench(quick, work)


def _scaling(quick, work):
    from bench import scaling
    return scaling.bench(quick, work)


BENCHMARKS = {
    "import_jsonl": _imports,
    "text_lora_epoch_small": _text_train("small"),
    "text_lora_epoch_real": _text_train("real"),
    "decode_small": _text_gen("small", "decode"),
    "decode_real": _text_gen("real", "decode"),
    "decode_real_int8": _text_gen("real", "decode", "int8"),
    "prompts16_small": _text_gen("small", "prompts16"),
    "prompts16_real": _text_gen("real", "prompts16"),
    "image_generate_256": _image("generate"),
    "image_lora_step_256": _image("lora"),
    "window_shown": _window,
    "gui_stall_training": _gui_stall,
    "scaling": _scaling,
}


def table(results: list[dict]) -> str:
    lines = [f"{'benchmark':<28} {'unit':<10} {'ours':>11} {'baseline':>11} {'ratio':>7}  note"]
    for r in results:
        if "error" in r:
            lines.append(f"{r['name']:<28} FAILED: {r['error']}")
            continue
        d = r.get("details", {})
        note = []
        if "peak_rss_mb" in d:
            note.append(f"peak MB {d['peak_rss_mb']['ours']:.0f} vs {d['peak_rss_mb']['baseline']:.0f}")
        if "sqlite_writes_alone" in d:
            note.append(f"SQLite writes alone {d['sqlite_writes_alone']['rows_per_s']:,} rows/s")
        if "greedy_token_agreement" in d:
            note.append(f"greedy agreement {d['greedy_token_agreement']:.2f}")
        if "longest_gap_ms" in d:
            note.append(f"longest gap {d['longest_gap_ms']['ours']} ms (idle {d['longest_gap_ms']['baseline']}); "
                        f"target {'met' if d['meets_target'] else 'missed'}")
        if "ours_gflops" in d:
            note.append(f"GFLOP/s {d['ours_gflops']} vs {d['baseline_gflops']} (matmul {d['matmul_peak_gflops']})")
        lines.append(f"{r['name']:<28} {r['unit']:<10} {r['ours']:>11.4g} {r['baseline']:>11.4g} "
                     f"{r['ratio']:>6.2f}x  {'; '.join(note)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (prefixes); default all: "
                                                 + ", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="small workloads (under 10 minutes on 2 cores)")
    parser.add_argument("--json", action="store_true", help="last stdout line: the results as JSON")
    parser.add_argument("--threads", type=int, help="CPU threads for both sides (default: what the engine picks, "
                                                    "every core); 1 keeps timings sane on a machine shared with other work")
    parser.add_argument("--workdir", help="keep built models here between runs (default: a temp dir)")
    args = parser.parse_args(argv)
    chosen = [n for n in BENCHMARKS if not args.names or any(n.startswith(p) for p in args.names)]
    if not chosen:
        parser.error(f"no benchmark matches {args.names}; choose from {', '.join(BENCHMARKS)}")
    if args.threads:
        os.environ["AIGC_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import engine  # noqa: F401 - offline switches before Hugging Face imports
    from bench.common import machine, set_threads
    set_threads()
    from engine import devices
    info = machine()
    info.update(engine_threads=devices.detect().threads, quick=args.quick)
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as tmp:
        work = Path(args.workdir) if args.workdir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for name in chosen:
            t0 = time.perf_counter()
            print(f"... {name}", file=sys.stderr, flush=True)
            try:
                out = BENCHMARKS[name](args.quick, work)
            except Exception as exc:  # noqa: BLE001 - one failed benchmark must not hide the others
                out = {"name": name, "error": " ".join(str(exc).split())[-400:]}
            for r in out if isinstance(out, list) else [out]:
                r.setdefault("details", {})["bench_seconds"] = round(time.perf_counter() - t0, 1)
                results.append(r)
                print(table([r]).splitlines()[-1], file=sys.stderr, flush=True)
    info["total_seconds"] = round(time.perf_counter() - started, 1)
    info["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(results))
    print(f"machine: {info.get('cpu')} · {info.get('cores')} cores · {info.get('cpu_capability')} · torch "
          f"{info.get('torch')} · {info['total_seconds']} s")
    if args.json:
        print(json.dumps({"machine": info, "results": results}))
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
