"""Dataset import: ``aigc data import`` of a big JSONL vs a bare ``json.loads`` loop into a list.

Each side runs in its own process (``bench/bench_import.py --child``), alternately, so
peak RSS is its own. Target: at least 100,000 rows/s and under 500 MB for a million rows.
"""
from __future__ import annotations

from pathlib import Path

from bench import bench_import as bi


def bench(quick: bool, workdir: Path) -> dict:
    rows = 200_000 if quick else 1_000_000
    path = workdir / f"import-{rows}.jsonl"
    if not path.is_file():
        bi.make_file(path, rows)
    ours, base = [], []
    for _ in range(1 if quick else 2):
        ours.append(bi.child("engine", str(path)))
        base.append(bi.child("baseline", str(path)))
    floor = bi.child("sqlite_floor", str(path))   # the SQLite writes alone: the most any reader could reach
    o = max(r["rows"] / r["seconds"] for r in ours)
    b = max(r["rows"] / r["seconds"] for r in base)
    return {"name": "import_jsonl", "unit": "rows/s", "ours": o, "baseline": b, "ratio": o / b,
            "higher_is_better": True,
            "details": {"rows": rows, "file_mb": round(path.stat().st_size / 2**20, 1),
                        "peak_rss_mb": {"ours": max(r["peak_rss_mb"] for r in ours),
                                        "baseline": max(r["peak_rss_mb"] for r in base)},
                        "runs_s": {"ours": [r["seconds"] for r in ours], "baseline": [r["seconds"] for r in base]},
                        # CPU time is steadier than wall time on a loaded machine; ours is two processes
                        "cpu_s": {"ours_writer": [r["cpu_seconds"] for r in ours],
                                  "ours_reader": [r["reader"]["cpu_seconds"] for r in ours],
                                  "baseline": [r["cpu_seconds"] for r in base]},
                        "sqlite_writes_alone": {"seconds": floor["seconds"], "cpu_s": floor["cpu_seconds"],
                                                "rows_per_s": round(floor["rows"] / floor["seconds"])},
                        "reader_peak_rss_mb_at_most": max(r["reader"]["peak_rss_mb_at_most"] for r in ours),
                        "gui_queries_ms": ours[-1]["query_ms"], "database_mb": ours[-1]["database_mb"],
                        "baseline_is": "json.loads per line into a list (no validation, no storage)"}}
