"""Classify tasks: label sets, label-likelihood answers with confidence, runs, review sorting and corrections."""
import json

import pytest

from engine.cli import main
from engine.errors import UserError
from engine.samples import samples_dir
from engine.tasks.classify import classify_from_dict, decide
from engine.tasks.definition import task_from_dict
from engine.tasks.store import read_task_file

from .classify_helpers import ok, prepared_workspace, rows, task_def, write_jsonl
from .helpers import write_csv


def cli(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


@pytest.mark.parametrize("labels, message", [
    (["a", "b", "a"], r"labels\[2\]: label 'a' is listed twice"),
    (["a", "B", "b"], r"labels\[2\]: label 'b' is listed twice"),
    (["a", " "], r"labels\[1\] is empty"),
    (["a", {"name": ""}], r"labels\[1\] is empty"),
    (["only"], "at least two labels"),
    ("a,b", "at least two labels"),
])
def test_bad_label_sets_are_refused_with_the_item_named(labels, message):
    with pytest.raises(UserError, match=message) as info:
        task_from_dict({"name": "t", "template": "{x}", "classify": {"labels": labels}})
    assert "task t.classify" in str(info.value)


def test_classify_options_are_checked():
    with pytest.raises(UserError, match="method 'head' is not supported"):
        classify_from_dict({"labels": ["a", "b"], "method": "head"}, "c")
    with pytest.raises(UserError, match="threshold"):
        classify_from_dict({"labels": ["a", "b"], "threshold": 0}, "c")
    with pytest.raises(UserError, match="contains the separator"):
        classify_from_dict({"labels": ["a, b", "c"], "multi_label": True}, "c")
    with pytest.raises(UserError, match="cannot have steps"):
        task_from_dict({"name": "t", "template": "{x}", "classify": {"labels": ["a", "b"]},
                        "steps": [{"name": "s", "template": "{x}"}]})


def test_decisions_are_inside_the_label_set_with_softmax_confidence():
    spec = classify_from_dict({"labels": ["a", "b", "c"]}, "c")
    result = decide(spec, [-1.0, -3.0, -0.5])
    assert result["label"] == "c" and result["labels"] == ["c"]
    assert abs(sum(result["scores"].values()) - 1) < 1e-5 and result["confidence"] == result["scores"]["c"]
    multi = classify_from_dict({"labels": ["a", "b", "c"], "multi_label": True, "threshold": 0.3}, "c")
    result = decide(multi, [-1.0, -9.0, -1.1])
    assert result["labels"] == ["a", "c"] and result["label"] == "a, c" and set(result["scores"]) == {"a", "b", "c"}
    assert multi.parse("C, a") == ["a", "c"] and multi.parse("a, d") is None and spec.parse("B") == ["b"]


def test_sample_classify_tasks_parse():
    tasks = {t.name: t for t in read_task_file(samples_dir() / "tasks.json")}
    intent = tasks["ticket-intent"].classify
    assert len(intent.names) == 6 and all(l.description for l in intent.labels) and not intent.multi_label
    assert tasks["review-sentiment"].classify.names == ["positive", "neutral", "negative"]
    data = [json.loads(line) for line in (samples_dir() / "datasets" / "ticket-intent.jsonl").open(encoding="utf-8")]
    assert len(data) >= 60 and {d["output"] for d in data} == set(intent.names)
    assert {d["split"] for d in data} == {"train", "val", "test"}
    assert any("\u4e00" <= ch <= "\u9fff" for d in data for ch in d["instruction"])


@pytest.fixture
def products(eng, starters, tmp_path):
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", rows(10)), "products-data"))
    eng.tasks.create(task_def())
    return eng


def test_facade_answers_with_a_label_confidence_and_every_score(products):
    answers = products.tasks.classify("products", [{"text": "Fresh tea for busy students."},
                                                   {"text": "Try the lamp today, parents."}])
    assert len(answers) == 2
    for answer in answers:
        assert answer["label"] in ("tea", "shoes", "lamp")
        assert set(answer["scores"]) == {"tea", "shoes", "lamp"}
        assert abs(sum(answer["scores"].values()) - 1) < 1e-4
        assert answer["confidence"] == answer["scores"][answer["label"]] == max(answer["scores"].values())


def test_run_review_by_confidence_and_label_corrections_feed_back(capsys, workspace_dir, tiny_text_dir, tmp_path):
    prepared_workspace(workspace_dir, tiny_text_dir, tmp_path)
    inputs = write_csv(tmp_path / "in.csv", [["text"], ["Fresh tea for busy students."], ["Shoes for runners."],
                                             ["A lamp for engineers."], ["Tea for parents."]])
    code, out, err = cli(capsys, workspace_dir, "task", "run", "products", "--inputs", str(inputs))
    assert code == 0, err
    assert out["outputs"] == 4 and out["passed"] == 4
    code, out, _ = cli(capsys, workspace_dir, "review", "list", "--task", "products", "--sort", "confidence")
    items = out["items"]
    confidences = [i["confidence"] for i in items]
    assert all(c is not None for c in confidences) and confidences == sorted(confidences)
    assert all(i["output_text"] in ("tea", "shoes", "lamp") and len(i["scores"]) == 3 for i in items)
    assert all(i["params"]["method"] == "label-likelihood" for i in items)
    code, _, err = cli(capsys, workspace_dir, "review", "edit", str(items[0]["id"]), "--text", "coffee")
    assert code != 0 and "'coffee' is not a label of task products" in err and "tea, shoes, lamp" in err
    code, out, err = cli(capsys, workspace_dir, "review", "edit", str(items[0]["id"]), "--text", "LAMP")
    assert code == 0 and out["item"]["final_text"] == "lamp", err
    code, out, err = cli(capsys, workspace_dir, "review", "feedback", "products")
    assert code == 0 and out["datasets"][0]["added"] == 1, err
    from engine.api import Engine
    eng = Engine.open(workspace_dir)
    try:
        fed = [e for e in eng.data.iter_examples("products-data") if e["output"] == "lamp"
               and e["instruction"] == items[0]["prompt"]]
        assert len(fed) == 1
    finally:
        eng.close()


def test_multi_label_run_gives_every_label_a_score(eng, starters, tmp_path):
    eng.tasks.create(task_def(name="tags", dataset=None, classify={"labels": ["tea", "shoes", "lamp"],
                                                                   "multi_label": True, "threshold": 0.2}))
    inputs = write_csv(tmp_path / "in.csv", [["text"], ["Fresh tea and shoes."]])
    ok(eng, eng.tasks.run("tags", inputs))
    item = eng.review.list(task="tags")[0]
    assert set(item.scores) == {"tea", "shoes", "lamp"}
    chosen = item.output_text.split(", ")
    assert chosen and set(chosen) <= {"tea", "shoes", "lamp"}
    assert all(item.scores[c] >= 0.2 or c == max(item.scores, key=item.scores.get) for c in chosen)
