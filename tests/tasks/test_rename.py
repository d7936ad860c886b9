"""Renaming a task keeps its runs and outputs with it; example values are part of the definition."""
import pytest

from engine.errors import UserError

from .helpers import TEMPLATE_TASK, product_rows, write_csv


def test_rename_moves_runs_and_outputs_and_leaves_no_copy(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    eng.tasks.create({**TEMPLATE_TASK, "name": "taken"})
    eng.jobs.wait(eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", product_rows(2))).id)
    before = len(eng.review.list(task="slogans"))
    with pytest.raises(UserError, match="'taken' already exists"):
        eng.tasks.rename("slogans", {**TEMPLATE_TASK, "name": "taken"})
    renamed = eng.tasks.rename("slogans", {**TEMPLATE_TASK, "name": "ad-lines", "title": "Ad lines"})
    assert renamed.title == "Ad lines"
    assert sorted(t.name for t in eng.tasks.list()) == ["ad-lines", "taken"]
    assert len(eng.review.list(task="ad-lines")) == before and eng.review.list(task="slogans") == []
    assert [r["task_name"] for r in eng.tasks.runs("ad-lines")] == ["ad-lines"]


def test_examples_are_kept_and_checked(eng):
    task = eng.tasks.create({**TEMPLATE_TASK, "examples": {"product": "帆布包"}})
    assert eng.tasks.get(task.name).examples == {"product": "帆布包"}
    with pytest.raises(UserError, match="examples must map"):
        eng.tasks.create({**TEMPLATE_TASK, "name": "other", "examples": ["帆布包"]})
