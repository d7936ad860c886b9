"""Evaluations that decide: classification metrics with intervals, stored evaluations, leaderboard, bad data."""
import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.jobs import JobState
from engine.tasks.classify_metrics import OUTSIDE, bootstrap_ci, paired_difference, statistic_for, summary

from .classify_helpers import ok, prepared_workspace, rows, task_def, write_jsonl


def cli(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


def test_metrics_per_class_macro_and_confusion():
    gold = [["a"], ["a"], ["b"], ["b"], ["c"], ["a"]]
    pred = [["a"], ["b"], ["b"], ["b"], [OUTSIDE], ["a"]]
    result = summary(gold, pred, ["a", "b", "c", "d"], multi=False)
    assert result["accuracy"] == pytest.approx(100 * 4 / 6, abs=0.01)
    assert result["per_class"]["a"]["precision"] == 100.0 and result["per_class"]["a"]["recall"] == pytest.approx(66.67)
    assert result["per_class"]["b"]["precision"] == pytest.approx(66.67) and result["per_class"]["c"]["f1"] == 0.0
    # d has no test examples and no predictions: named, not averaged in as a zero
    assert result["unused_labels"] == ["d"]
    f1 = [result["per_class"][k]["f1"] for k in ("a", "b", "c")]
    assert result["macro_f1"] == pytest.approx(sum(f1) / 3, abs=0.01)
    assert result["outside"] == 1
    assert result["confusion"]["columns"] == ["a", "b", "c", "d", OUTSIDE]
    assert result["confusion"]["matrix"][0] == [2, 1, 0, 0, 0] and result["confusion"]["matrix"][2][4] == 1


def test_bootstrap_interval_and_paired_significance():
    good = {"gold": [["a"], ["b"]] * 30, "pred": [["a"], ["b"]] * 30, "labels": ["a", "b"]}
    bad = {"gold": good["gold"], "pred": [["a"], ["a"]] * 30, "labels": ["a", "b"]}
    low, high = bootstrap_ci(statistic_for(bad, "accuracy"), 60)
    assert low < 50 < high and high - low < 30
    verdict = paired_difference(statistic_for(good, "macro_f1"), statistic_for(bad, "macro_f1"), 60)
    assert verdict["significant"] and verdict["low"] > 0
    same = paired_difference(statistic_for(bad, "accuracy"), statistic_for(bad, "accuracy"), 60)
    assert not same["significant"]


@pytest.fixture
def trained(eng, starters, tmp_path):
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", rows(10)), "products-data"))
    ok(eng, eng.data.split("products-data", val=0.1, test=0.3, seed=0))
    eng.tasks.create(task_def())
    ok(eng, eng.jobs.submit("text.train", {"config": {"model": "starter-text", "data": "products-data",
                                                      "max_steps": 8, "batch_size": 4, "learning_rate": 5e-3,
                                                      "output_name": "products-lora"}}))
    return eng


def test_eval_reports_metrics_with_intervals_and_leaderboard_compares(capsys, workspace_dir, tiny_text_dir, tmp_path):
    prepared_workspace(workspace_dir, tiny_text_dir, tmp_path, split=True, train=True)
    code, out, err = cli(capsys, workspace_dir, "task", "eval", "products", "--adapter", "products-lora",
                         "--report", str(tmp_path / "rep"))
    assert code == 0, err
    assert out["kind"] == "classify" and out["examples"] > 0
    base, tuned = out["systems"]
    assert base["label"] == "base model" and tuned["adapter"] == "products-lora"
    for system in (base, tuned):
        m = system["metrics"]
        assert {"accuracy", "macro_precision", "macro_recall", "macro_f1", "per_class", "confusion"} <= set(m)
        assert m["ci"]["accuracy"][0] <= m["accuracy"] <= m["ci"]["accuracy"][1]
        assert m["outside"] == 0 and set(m["per_class"]) == {"tea", "shoes", "lamp"}
        assert sum(map(sum, m["confusion"]["matrix"])) == out["examples"]
    page = Path(out["report"]["html"]).read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "Confusion matrix: products-lora" in page and "Macro-F1" in page
    assert "<svg" in Path(out["report"]["md"]).read_text(encoding="utf-8")
    # a base-only evaluation, then the leaderboard of everything evaluated on this version
    code, out, err = cli(capsys, workspace_dir, "task", "eval", "products", "--limit", "5")
    assert code == 0 and len(out["systems"]) == 1 and out["examples"] == 5, err
    code, board, err = cli(capsys, workspace_dir, "task", "leaderboard", "products")
    assert code == 0, err
    systems = {e["system"] for e in board["entries"]}
    assert systems == {"starter-text (base)", "starter-text + products-lora"}
    assert board["metric"] == "macro_f1" and all(e["ci"][0] <= e["value"] <= e["ci"][1] for e in board["entries"])
    # the newest is the base model's 5-example evaluation: not comparable with the full one
    assert board["newest"] == "starter-text (base)" and "different examples" in board["comparison"]["text"]
    main(["--workspace", str(workspace_dir), "task", "leaderboard", "products"])
    text = capsys.readouterr().out
    assert "starter-text + products-lora" in text and "95% bootstrap interval" in text


def test_eval_refuses_an_answer_outside_the_label_set(eng, starters, tmp_path):
    data = rows(4)
    data[1].update(output="coffee", split="test")
    data[0]["split"] = "test"
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", data), "bad-data"))
    eng.tasks.create(task_def(dataset="bad-data"))
    job = eng.jobs.wait(eng.tasks.evaluate("products").id)
    assert job.state == JobState.FAILED
    assert "answer 'coffee' is not a label of task products" in job.error and "bad-data version 1 record" in job.error
    assert eng.tasks.evals("products") == []


def test_eval_warns_about_unlearned_labels_and_leakage(eng, starters, tmp_path):
    data = rows(6)
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", data), "leaky"))
    eng.tasks.create(task_def(dataset="leaky"))
    # trained on version 1, where every example is training data ...
    ok(eng, eng.jobs.submit("text.train", {"config": {"model": "starter-text", "data": "leaky", "max_steps": 2,
                                                      "batch_size": 4, "output_name": "leaky-lora"}}))
    # ... then a new version whose test split holds some of them, and every 'lamp' example moved to test
    for example in data:
        example["split"] = "test" if example["output"] == "lamp" or example["instruction"].endswith("students.") \
            else "train"
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p2.jsonl", data), "leaky-v2"))
    eng.tasks.create(task_def(name="products2", dataset="leaky-v2"))
    job = ok(eng, eng.tasks.evaluate("products2"))
    assert any("label 'lamp' has 6 test example(s) but none in the training data" in w
               for w in job.result["warnings"])
    eng.data.add_examples("leaky", [dict(d) for d in data], message="re-split", dedupe=False)
    job = ok(eng, eng.tasks.evaluate("products", adapter="leaky-lora"))
    leak = [w for w in job.result["warnings"] if w.startswith("leakage")]
    assert leak and "were in the training data of adapter leaky-lora (leaky version 1)" in leak[0]
    stored = eng.tasks.evals("products")
    assert any(w.startswith("leakage") for w in stored[-1]["warnings"])


def test_free_generation_answers_outside_the_set_count_as_wrong(trained):
    job = ok(trained, trained.tasks.evaluate("products", free=True, limit=4))
    metrics = job.result["systems"][0]["metrics"]
    assert metrics["outside"] + sum(v["predicted"] for v in metrics["per_class"].values()) == 4
    if metrics["outside"]:
        assert any("outside the label set; they count as wrong" in w for w in job.result["warnings"])
        assert "(outside label set)" in metrics["confusion"]["columns"]
    assert trained.tasks.evals("products")[-1]["method"] == "free"


def test_sequence_classification_head_is_trained_used_and_recorded(eng, starters, tmp_path):
    from engine.errors import UserError
    from engine.training.tensorboard import read_scalars
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", rows(8)), "products-data"))
    ok(eng, eng.data.split("products-data", val=0.1, test=0.3, seed=0))
    eng.tasks.create(task_def(classify={"labels": ["tea", "shoes", "lamp"], "method": "sequence-classification"}))
    job = ok(eng, eng.tasks.train_head("products", output_name="products-head", max_steps=4, batch_size=4))
    head = eng.models.get("products-head")
    assert head.role == "adapter" and head.info["method"] == "sequence-classification"
    assert head.info["labels"] == ["tea", "shoes", "lamp"] and head.lineage["dataset"] == "products-data"
    board = eng.root / "runs" / job.result["run_id"] / "tensorboard"
    assert [s for s, _ in read_scalars(board)["train/loss"]] == [1, 2, 3, 4]
    answers = eng.tasks.classify("products", [{"text": "Fresh tea for busy students."}], adapter="products-head")
    assert answers[0]["label"] in ("tea", "shoes", "lamp") and abs(sum(answers[0]["scores"].values()) - 1) < 1e-4
    ok(eng, eng.tasks.evaluate("products", adapter="products-head"))
    assert [(e["adapter"], e["method"]) for e in eng.tasks.evals("products")] == [
        (None, "scored"), ("products-head", "head")]
    with pytest.raises(UserError, match="is a classification head"):
        eng.text.generator("starter-text", "products-head")
    eng.tasks.create(task_def(adapter="products-head", classify={"labels": ["tea", "shoes", "lamp"],
                                                                 "method": "sequence-classification"}), replace=True)
    ok(eng, eng.tasks.run("products", write_jsonl(tmp_path / "in.jsonl", [{"text": "A lamp for engineers."}])))
    item = eng.review.list(task="products")[0]
    assert item.params["method"] == "sequence-classification" and item.output_text in ("tea", "shoes", "lamp")
    # a correction fed back retrains a head, since that is the task's method
    eng.review.edit(item.id, "lamp")
    eng.review.feedback("products")
    retrain = ok(eng, eng.review.retrain("products", max_steps=2))
    assert retrain.kind == "classify.train_head" and eng.models.get(retrain.result["model"]).info["method"] == \
        "sequence-classification"


def test_head_trains_in_fp32_on_a_half_precision_checkpoint(eng, tiny_text_dir, tmp_path):
    """A checkpoint saved in float16 (like the starter model) used to give a NaN loss at the second step."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .conftest import import_model
    half = tmp_path / "half"
    AutoModelForCausalLM.from_pretrained(tiny_text_dir, dtype=torch.float16).save_pretrained(half)
    AutoTokenizer.from_pretrained(tiny_text_dir).save_pretrained(half)
    import_model(eng, half, "starter-text", "text")
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", rows(4)), "products-data"))
    eng.tasks.create(task_def())
    job = ok(eng, eng.tasks.train_head("products", output_name="half-head", max_steps=3, batch_size=4,
                                       learning_rate=1e-2))
    losses = [m["value"] for m in eng.jobs.metrics(job.id) if m["name"] == "loss"]
    assert len(losses) == 3 and all(v == v for v in losses)
