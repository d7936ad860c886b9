"""Import speed and memory on a large JSONL, beside what a user would otherwise run.

    .venv/bin/python bench/bench_import.py [--rows 1000000]

Baseline: the plain ``json.loads`` loop into a list that a script would use
(and ``pandas.read_json(lines=True)`` when pandas is installed). Each side runs
in its own process so that peak RSS is its own. Prints one JSON object with
rows/s, peak RSS and the ratios; also the page and count queries the GUI
makes on the imported million rows.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # run as a script: ``python bench/bench_import.py``
    sys.path.insert(0, str(ROOT))
from bench.common import peak_rss_mb  # noqa: E402
PRODUCTS = ["绿茶", "充电宝", "跑鞋", "台灯", "耳机", "背包", "Tote bag", "Desk lamp"]


def make_file(path: Path, rows: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    words = "春夏秋冬山水风云花月星辰光影江河湖海清香温暖简约耐用轻巧"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            product = PRODUCTS[i % len(PRODUCTS)]
            answer = "".join(rng.choice(words) for _ in range(rng.randint(10, 60)))
            handle.write(json.dumps({"instruction": f"为{product}写一句广告语（第{i}条）", "input": "",
                                     "output": answer, "label": product}, ensure_ascii=False) + "\n")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 2)


def run_baseline(path: str) -> dict:
    started = time.perf_counter()
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
    seconds = time.perf_counter() - started
    return {"rows": len(rows), "seconds": round(seconds, 2), "cpu_seconds": cpu_seconds(), "peak_rss_mb": peak_rss_mb()}


def run_pandas(path: str) -> dict:
    import pandas
    started = time.perf_counter()
    frame = pandas.read_json(path, lines=True)
    return {"rows": len(frame), "seconds": round(time.perf_counter() - started, 2), "peak_rss_mb": peak_rss_mb()}


def run_engine(path: str) -> dict:
    from engine.api import Engine
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as ws:
        engine = Engine.open(ws)
        try:
            started = time.perf_counter()
            job = engine.jobs.run("data.import", {"path": path, "name": "bench"})
            args_rows = job.result["imported"] if job.result else 0
            seconds = time.perf_counter() - started
            import_cpu = cpu_seconds()
            # the import's reading process (a waited-for child): its CPU time, and its peak RSS as an upper
            # bound (Linux carries the parent's RSS at the fork+exec over into a child's ru_maxrss)
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            reader = {"cpu_seconds": round(kids.ru_utime + kids.ru_stime, 2),
                      "peak_rss_mb_at_most": round(kids.ru_maxrss / 1024, 1)}
            if job.state.value != "succeeded":
                raise SystemExit(f"import failed: {job.error}")
            queries = {}
            for label, call in [
                ("records_first_page", lambda: engine.data.records("bench", limit=200)),
                ("records_page_at_middle", lambda: engine.data.records("bench", offset=args_rows // 2, limit=200)),
                ("records_status_filter", lambda: engine.data.records("bench", status="unreviewed", limit=200)),
                ("count_all", lambda: engine.data.count("bench")),
                ("count_by_status", lambda: engine.data.count("bench", status="unreviewed")),
                ("set_status_one", lambda: engine.data.set_status("bench", [min(123_456, args_rows // 2)], "accepted")),
                ("records_tag_after_tagging", lambda: (engine.data.add_tags("bench", [7, args_rows // 3], ["spam"]),
                                                       engine.data.records("bench", tag="spam"))),
                ("stats", lambda: engine.data.stats("bench")),
            ]:
                t0 = time.perf_counter()
                call()
                queries[label] = round((time.perf_counter() - t0) * 1000, 1)
            t0 = time.perf_counter()
            engine.data.stats("bench")
            queries["stats_cached"] = round((time.perf_counter() - t0) * 1000, 1)
            db_mb = round((Path(ws) / "workspace.db").stat().st_size / 2**20, 1)
        finally:
            engine.close()
    return {"rows": job.result["imported"], "seconds": round(seconds, 2), "cpu_seconds": import_cpu,
            "peak_rss_mb": peak_rss_mb(), "reader": reader,
            "stats_ms": queries["stats"], "query_ms": queries, "database_mb": db_mb}


def run_sqlite_floor(path: str) -> dict:
    """What the import's SQLite writes alone cost: the rows an import of ``path`` stored, written again
    into a fresh workspace the way the import writes them (record batches in key order, members,
    indexes deferred and rebuilt, the duplicate count, commit), with no reading or hashing at all."""
    from engine.api import Engine
    from engine.data import bulk, store
    from engine.data.stats import distinct_live
    from engine.workspace.db import transaction
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as ws:
        engine = Engine.open(Path(ws) / "a")
        try:
            job = engine.jobs.run("data.import", {"path": path, "name": "bench"})
            con = engine.workspace.db()
            members = [tuple(r) for r in con.execute(f"SELECT {store.MEMBER_COLUMNS} FROM members ORDER BY id")]
            records = {r[0]: tuple(r) for r in con.execute("SELECT hash, fields, chars FROM records")}
        finally:
            engine.close()
        batches = [(sorted(records[m[3]] for m in members[i:i + 5000]),
                    [m[:6] + m[7:] for m in members[i:i + 5000]]) for i in range(0, len(members), 5000)]
        del records
        engine = Engine.open(Path(ws) / "b")
        try:
            con = engine.workspace.db()
            with store.bulk_writes(con):
                started, cpu_before = time.perf_counter(), cpu_seconds()
                with transaction(con):
                    con.execute("INSERT INTO datasets(id, name, modality, created_at) VALUES (1, 'bench', 'text', 0)")
                    with bulk.deferred_indexes(con, len(members)):
                        for recs, rows in batches:
                            con.executemany(store.INSERT_RECORD, recs)
                            con.executemany(store.INSERT_MEMBER, rows)
                    distinct_live(con, 1, len(members))
                seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
        finally:
            engine.close()
    return {"rows": job.result["imported"], "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2)}


def child(kind: str, path: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, path], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps({"baseline": run_baseline, "pandas": run_pandas, "engine": run_engine,
                          "sqlite_floor": run_sqlite_floor}[kind](path)))
        return
    with tempfile.TemporaryDirectory(prefix="aigc-bench-data-") as tmp:
        path = Path(tmp) / "big.jsonl"
        make_file(path, args.rows)
        size_mb = round(path.stat().st_size / 2**20, 1)
        results = {"rows": args.rows, "file_mb": size_mb, "baseline_json_loads_list": child("baseline", str(path))}
        try:
            import pandas  # noqa: F401
            results["baseline_pandas_read_json"] = child("pandas", str(path))
        except ImportError:
            results["baseline_pandas_read_json"] = None
        results["engine_import"] = child("engine", str(path))
    base, ours = results["baseline_json_loads_list"], results["engine_import"]
    results["engine_rows_per_s"] = round(ours["rows"] / ours["seconds"])
    results["baseline_rows_per_s"] = round(base["rows"] / base["seconds"])
    results["engine_rows_per_cpu_s"] = round(ours["rows"] / ours["cpu_seconds"])
    results["baseline_rows_per_cpu_s"] = round(base["rows"] / base["cpu_seconds"])
    results["ratios"] = {"cpu_speed_engine_vs_json_loads": round(results["engine_rows_per_cpu_s"]
                                                                 / results["baseline_rows_per_cpu_s"], 3),"speed_engine_vs_json_loads": round(results["engine_rows_per_s"]
                                                             / results["baseline_rows_per_s"], 3),
                         "peak_rss_engine_vs_json_loads": round(ours["peak_rss_mb"] / base["peak_rss_mb"], 3)}
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
