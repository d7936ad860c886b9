"""Stats come from the aggregates each version keeps; they must equal a full scan of the version."""
from __future__ import annotations

import data_files as f

from engine.data import stats, store


def _scan(eng, name, version):
    con = eng.workspace.db()
    return stats.compute(con, store.find_dataset(con, name), version)


def _rows():
    rows = []
    for i in range(60):
        rows.append({"instruction": f"写一句广告语 {i % 40}", "output": "好" * (5 + i * 37 % 300),
                     "label": ["茶", "鞋", None][i % 3]})
    rows.append({"instruction": "long", "output": "x" * 5000, "label": "茶"})
    return rows


def test_stats_from_aggregates_equal_a_full_scan_through_edits(eng, tmp_path, run_import):
    rows = _rows()
    run_import(f.write_jsonl(tmp_path / "a.jsonl", rows + rows[:15]), name="ads")  # 15 exact duplicates
    fast = eng.data.stats("ads")
    scan = _scan(eng, "ads", 1)
    assert fast["duplicate_ratio"] == scan["duplicate_ratio"] == round(1 - 61 / 76, 4)
    for key in ("count", "usable", "split", "status", "length", "labels", "tags"):
        assert fast[key] == scan[key], key
    eng.data.set_status("ads", [1, 2, 3, 61], "rejected")
    eng.data.update_record("ads", 5, output="改过的回答", label="新")
    eng.data.add_tags("ads", [7, 8], ["spam"])
    head = eng.data.get("ads").version
    fast, scan = eng.data.stats("ads"), _scan(eng, "ads", head)
    for key in ("count", "usable", "split", "status", "length", "labels", "tags"):
        assert fast[key] == scan[key], key
    assert fast["tags"] == {"spam": 2} and fast["labels"]["新"] == 1 and fast["length"]["max"] < 5000
    assert fast["duplicates_measured_at"] == 1
    # an older version keeps its own numbers
    assert eng.data.stats("ads", 1)["usable"] == 76
    job = eng.jobs.run("data.clean", {"name": "ads", "rules": {"exact_dup": True}})
    assert job.state.value == "succeeded", job.error
    cleaned = eng.data.stats("ads")
    assert cleaned["duplicate_ratio"] == 0.0 and cleaned["duplicates_measured_at"] == cleaned["version"]
    assert cleaned["length"] == _scan(eng, "ads", cleaned["version"])["length"]


def test_long_lengths_are_rounded_not_dropped(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "b.jsonl", [{"instruction": "a", "output": "y" * 10_000}]), name="long")
    length = eng.data.stats("long")["length"]
    assert length["histogram"]["8192+"] == 1 and 9_984 <= length["max"] <= 10_001


def test_counts_shown_to_the_gui_hold_only_split_and_status(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "c.jsonl", f.alpaca_rows()), name="c")
    assert set(eng.data.get("c").counts) == {"split", "status"}
    assert set(eng.data.versions("c")[0]["counts"]) == {"split", "status"}
