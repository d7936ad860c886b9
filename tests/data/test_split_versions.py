"""Split (seeded, stratified, no near-duplicate leakage), versions, diff and annotation."""
from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from engine.data import neardup
from engine.errors import UserError

TOPICS = ["绿茶", "咖啡", "耳机", "跑鞋", "台灯", "背包", "雨伞", "水杯", "键盘", "书架"]


def corpus(n=200, seed=1):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        text = f"{topic}促销文案第{i}号：" + "".join(rng.choice("春夏秋冬山水风云花月星辰光影江河湖海") for _ in range(30))
        rows.append({"instruction": f"为{topic}写文案", "output": text, "label": ["营销", "客服"][i % 4 == 0]})
    # paraphrase families: near duplicates of 10 rows
    for i in range(10):
        base = rows[i * 7]["output"]
        rows.append({"instruction": rows[i * 7]["instruction"], "output": base[:-2] + "！！",
                     "label": rows[i * 7]["label"]})
    return rows


def run_split(eng, name="s", **kw):
    job = eng.jobs.run("data.split", {"name": name, **{"val": 0.1, "test": 0.1, "seed": 7, **kw}})
    assert job.state.value == "succeeded", job.error
    return job.result


def test_split_is_seeded_stratified_and_sized(eng):
    eng.data.add_examples("s", corpus(), "seed", modality="text")
    result = run_split(eng)
    assert result["split"]["train"] + result["split"]["val"] + result["split"]["test"] == 210
    assert 16 <= result["split"]["val"] <= 26 and 16 <= result["split"]["test"] <= 26
    by_split = {s: [r for r in eng.data.iter_examples("s", split=s)] for s in ("train", "val", "test")}
    labels = {s: Counter(r["label"] for r in rows) for s, rows in by_split.items()}
    for split in ("val", "test"):
        share = labels[split]["客服"] / sum(labels[split].values())
        assert 0.1 <= share <= 0.45  # about a quarter, like the whole set
    eng.data.add_examples("s2", corpus(), "seed", modality="text")
    run_split(eng, "s2")
    assert [r["split"] for r in eng.data.iter_examples("s2")] == [r["split"] for r in eng.data.iter_examples("s")]
    run_split(eng, "s2", seed=8)
    assert [r["split"] for r in eng.data.iter_examples("s2")] != [r["split"] for r in eng.data.iter_examples("s")]


def test_no_near_duplicate_leaks_across_splits(eng):
    eng.data.add_examples("s", corpus(), "seed", modality="text")
    run_split(eng, val=0.2, test=0.2)
    rows = list(eng.data.iter_examples("s"))
    sigs = {r["id"]: neardup.signature(r["instruction"] + "\n" + r["output"]) for r in rows}
    leaks = [(a["id"], b["id"]) for a, b in itertools.combinations(rows, 2)
             if a["split"] != b["split"] and (sigs[a["id"]] == sigs[b["id"]]).mean() >= 0.7]
    assert leaks == []
    families = [(i * 7 + 1, 201 + i) for i in range(10)]
    split_of = {r["id"]: r["split"] for r in rows}
    assert all(split_of[a] == split_of[b] for a, b in families)


def test_split_rejects_bad_fractions(eng):
    eng.data.add_examples("s", corpus(70), "seed", modality="text")
    with pytest.raises(UserError, match="together below 1"):  # refused before the job starts
        eng.jobs.submit("data.split", {"name": "s", "val": 0.6, "test": 0.5})


def test_versions_share_records_and_diff(eng):
    eng.data.add_examples("v", [{"instruction": "q1", "output": "a1"}, {"instruction": "q2", "output": "a2"},
                                {"instruction": "q3", "output": "a3"}], "seed", modality="text")
    records_before = eng.workspace.db().execute("SELECT count(*) FROM records").fetchone()[0]
    eng.data.update_record("v", 2, output="a2 改")
    eng.data.set_status("v", [3], "rejected", note="答非所问")
    eng.data.add_examples("v", [{"instruction": "q4", "output": "a4"}], "more")
    assert eng.workspace.db().execute("SELECT count(*) FROM records").fetchone()[0] == records_before + 2
    history = eng.data.versions("v")
    assert [v["version"] for v in history] == [1, 2, 3, 4] and len({v["hash"] for v in history}) == 4
    diff = eng.data.diff("v", 1, 4)
    assert diff["counts"] == {"added": 1, "removed": 0, "changed": 2}
    changed = {c["id"]: c for c in diff["changed"]}
    assert changed[2]["fields"] == ["output"] and changed[2]["after"]["output"] == "a2 改"
    assert changed[3]["fields"] == ["note", "status"]
    back = eng.data.diff("v", 4, 1)
    assert back["counts"] == {"added": 0, "removed": 1, "changed": 2}
    assert [r["output"] for r in eng.data.records("v", version=1)] == ["a1", "a2", "a3"]
    assert [e["output"] for e in eng.data.iter_examples("v")] == ["a1", "a2 改", "a4"]


def test_same_content_same_hash_and_revert_restores_it(eng):
    rows = [{"instruction": "q", "output": "a"}, {"instruction": "q2", "output": "b"}]
    eng.data.add_examples("x", rows, "seed", modality="text")
    eng.data.add_examples("y", rows, "seed", modality="text")
    assert eng.data.get("x").version_hash == eng.data.get("y").version_hash
    original = eng.data.get("x").version_hash
    eng.data.add_tags("x", [1], ["spam"])
    assert eng.data.get("x").version_hash != original
    eng.data.remove_tags("x", [1], ["spam"])
    assert eng.data.get("x").version_hash == original and eng.data.get("x").version == 3


def test_annotation_filters_and_bulk(eng):
    eng.data.add_examples("a", [{"instruction": f"q{i}", "output": f"回答{i}"} for i in range(10)], "s",
                          modality="text")
    eng.data.add_tags("a", [2, 4, 6], ["spam"])
    eng.data.update_record("a", 1, label="好评", note="示例", tags=["gold"])
    assert eng.data.count("a", tag="spam") == 3 and eng.data.count("a", search="回答7") == 1
    result = eng.data.bulk("a", {"status": "rejected"}, tag="spam")
    assert result["matched"] == 3 and result["changed"] == 3
    assert eng.data.count("a", status="rejected") == 3
    assert [e["id"] for e in eng.data.iter_examples("a")] == [1, 3, 5, 7, 8, 9, 10]
    first = eng.data.record("a", 1)
    assert first["label"] == "好评" and first["note"] == "示例" and first["tags"] == ["gold"]
    assert [r["id"] for r in eng.data.records("a", offset=2, limit=3, status="unreviewed")] == [5, 7, 8]


def test_annotation_errors(eng):
    eng.data.add_examples("a", [{"instruction": "q", "output": "a"}], "s", modality="text")
    with pytest.raises(UserError, match="no record 99"):
        eng.data.set_status("a", [99], "accepted")
    with pytest.raises(UserError, match="unknown status"):
        eng.data.set_status("a", [1], "approved")
    with pytest.raises(UserError, match="needs a filter"):
        eng.data.bulk("a", {"status": "rejected"})
    with pytest.raises(UserError, match="no dataset named 'nope'"):
        eng.data.get("nope")
    assert eng.data.get("a").version == 1


def test_version_ref_and_examples_contract(eng):
    eng.data.add_examples("t", [{"messages": [{"role": "user", "content": "你好"},
                                              {"role": "assistant", "content": "您好"}], "label": "greet"}],
                          "s", modality="text")
    ref = eng.data.version_ref("t")
    assert ref == {"dataset": "t", "dataset_id": eng.data.get("t").id, "version": 1,
                   "hash": eng.data.get("t").version_hash}
    example = next(eng.data.iter_examples("t"))
    assert set(example) == {"id", "system", "instruction", "input", "output", "messages", "label", "split"}
    assert example["messages"][1] == {"role": "assistant", "content": "您好"} and example["label"] == "greet"
    again = eng.data.add_examples("t", [{"messages": [{"role": "user", "content": "你好"},
                                                      {"role": "assistant", "content": "您好"}]}], "dup")
    assert again == {"dataset": "t", "version": 1, "added": 0, "skipped": 1}
