"""Edits with draft=True collect in one version until it is sealed; sealed versions never change."""
from __future__ import annotations

import data_files as f


def test_draft_edits_make_one_version_equal_to_separate_edits(eng, tmp_path, run_import):
    path = f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows())
    run_import(path, name="one")
    run_import(path, name="many")
    for draft, name in ((True, "one"), (False, "many")):
        eng.data.set_status(name, [1, 2], "accepted", draft=draft)
        eng.data.add_tags(name, [2], ["good"], draft=draft)
        eng.data.set_status(name, [2], "rejected", draft=draft)  # the same record changed twice
        eng.data.update_record(name, 3, output="新的回答", draft=draft)
    one, many = eng.data.versions("one"), eng.data.versions("many")
    assert len(one) == 2 and len(many) == 5
    assert one[-1]["draft"] and one[-1]["message"] == "draft: 4 edit(s)"
    assert one[-1]["hash"] == many[-1]["hash"] and one[-1]["counts"] == many[-1]["counts"]
    rows = {r["id"]: r for r in eng.data.records("one")}
    assert rows[2]["status"] == "rejected" and rows[2]["tags"] == ["good"] and rows[3]["output"] == "新的回答"
    assert eng.data.stats("one")["status"] == {"accepted": 1, "rejected": 1, "unreviewed": 2}
    # the first version is untouched and the diff shows every draft change at once
    assert eng.data.records("one", version=1)[1]["status"] == "unreviewed"
    assert eng.data.diff("one", 1, 2)["counts"] == {"added": 0, "removed": 0, "changed": 3}
    # a stats cache of the draft is dropped when the draft changes
    eng.data.set_status("one", [4], "accepted", draft=True)
    assert eng.data.stats("one")["status"]["accepted"] == 2


def test_sealed_draft_is_not_amended_and_training_lineage_seals_it(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows()), name="ds")
    eng.data.set_status("ds", [1], "accepted", draft=True)
    sealed = eng.data.commit_draft("ds", "review round 1")
    assert sealed["committed"] and sealed["version"] == 2 and sealed["edits"] == 1
    assert eng.data.commit_draft("ds")["committed"] is False
    eng.data.set_status("ds", [2], "accepted", draft=True)
    assert eng.data.get("ds").version == 3
    ref = eng.data.version_ref("ds")  # what a training run records: must never change afterwards
    assert ref["version"] == 3 and not eng.data.versions("ds")[-1]["draft"]
    eng.data.set_status("ds", [3], "accepted", draft=True)
    history = eng.data.versions("ds")
    assert [v["version"] for v in history] == [1, 2, 3, 4] and history[1]["message"] == "review round 1"
    assert history[2]["hash"] == ref["hash"]
    eng.data.set_status("ds", [4], "rejected")  # an ordinary edit leaves the draft behind as it is
    eng.data.set_status("ds", [1], "rejected", draft=True)
    assert [v["version"] for v in eng.data.versions("ds")] == [1, 2, 3, 4, 5, 6]
    assert eng.data.records("ds", version=4)[3]["status"] == "unreviewed"


def test_head_state_changes_when_a_draft_is_amended(eng, tmp_path, run_import):
    """Clean and split compare it before writing, since a draft keeps its version number."""
    from engine.data import store
    run_import(f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows()), name="ds")
    eng.data.set_status("ds", [1], "accepted", draft=True)
    con = eng.workspace.db()
    before = store.head_state(con, store.find_dataset(con, "ds"))
    eng.data.set_status("ds", [2], "accepted", draft=True)
    after = store.head_state(con, store.find_dataset(con, "ds"))
    assert before[0] == after[0] == 2 and before != after
