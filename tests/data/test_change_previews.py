"""Clean and split previews: they count exactly what the job then does, and write nothing."""
from __future__ import annotations

import pytest

from engine.errors import UserError


def rows():
    out = [{"instruction": f"为水杯写第{i}条文案", "output": f"第{i}号水杯：{'保温' * (i % 3 + 1)}一整天，电话 1380013800{i}"}
           for i in range(10)]
    out.append({"instruction": "为水杯写第0条文案 ", "output": out[0]["output"]})   # exact duplicate after folding
    out.append({"instruction": "空的", "output": ""})
    return out


def test_clean_preview_matches_the_job_and_writes_nothing(eng):
    eng.data.add_examples("cups", rows(), "test")
    versions = eng.data.versions("cups")
    rules = {"exact_dup": True, "empty": True, "pii": "redact"}
    preview = eng.data.clean_preview("cups", rules)
    assert eng.data.versions("cups") == versions
    assert preview["checked"] == 12 and preview["removed"] == 2 and preview["kept"] == 10
    assert preview["report"]["exact_dup"] == 1 and preview["report"]["empty"] == 1
    assert preview["redacted"] == 10          # the ten kept with a phone number have it hidden
    job = eng.jobs.run("data.clean", {"name": "cups", "rules": rules})
    assert job.state.value == "succeeded", job.error
    assert eng.data.count("cups", status="rejected") == preview["removed"]
    assert job.result["report"]["exact_dup"] == 1


def test_split_preview_matches_the_job_and_writes_nothing(eng):
    eng.data.add_examples("cups", rows()[:10], "test")
    preview = eng.data.split_preview("cups", 0.2, 0.2, seed=3, near_duplicates=False)
    assert preview["split"] == {"train": 6, "val": 2, "test": 2} and preview["moved"] == 4
    assert eng.data.count("cups", split="val") == 0
    job = eng.jobs.run("data.split", {"name": "cups", "val": 0.2, "test": 0.2, "seed": 3, "near_duplicates": False})
    assert job.state.value == "succeeded", job.error
    assert [eng.data.count("cups", split=s) for s in ("train", "val", "test")] == [6, 2, 2]
    assert eng.data.split_preview("cups", 0.2, 0.2, seed=3, near_duplicates=False)["moved"] == 0


def test_previews_refuse_bad_settings_in_one_line(eng):
    eng.data.add_examples("cups", rows()[:3], "test")
    with pytest.raises(UserError, match="val 0.6 --test 0.6|together below 1"):
        eng.data.split_preview("cups", 0.6, 0.6)
    with pytest.raises(UserError, match="min-chars"):
        eng.data.clean_preview("cups", {"min_chars": 50, "max_chars": 10})
