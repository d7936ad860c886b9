"""Evaluation of base vs fine-tuned on the test split, and retraining with feedback, on tiny real models."""
import json
from pathlib import Path

import pytest

from engine.errors import UserError
from engine.jobs import JobState

from .helpers import product_rows, write_csv


def ok(eng, job):
    job = eng.jobs.wait(job.id)
    assert job.state == JobState.SUCCEEDED, job.error
    return job


@pytest.fixture
def trained(eng, starters, tmp_path):
    from text_tiny import examples, write_jsonl
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "ads.jsonl", examples(40)), "ads-data"))
    ok(eng, eng.data.split("ads-data", val=0.1, test=0.2, seed=0))
    eng.tasks.create({"name": "ads", "template": "Write a short ad for {product}.\naudience: {audience}",
                      "model": "starter-text", "dataset": "ads-data",
                      "constraints": {"max_chars": 80, "banned_terms": ["MegaMart"]},
                      "generation": {"max_new_tokens": 12, "temperature": 0, "seed": 1}})
    eng.jobs.run("text.train", {"config": {"model": "starter-text", "data": "ads-data", "max_steps": 6,
                                           "batch_size": 4, "learning_rate": 5e-3, "output_name": "ads-lora"}})
    return eng.models.get("ads-lora")


def test_eval_compares_base_and_adapter_on_the_test_split(eng, trained, tmp_path):
    job = ok(eng, eng.tasks.evaluate("ads", adapter="ads-lora", report=tmp_path / "report"))
    result = job.result
    test_count = sum(1 for _ in eng.data.iter_examples("ads-data", split="test"))
    assert result["examples"] == test_count > 0
    base, tuned = result["systems"]
    assert base["label"] == "base model" and base["adapter"] is None and tuned["adapter"] == "ads-lora"
    for system in (base, tuned):
        assert set(system["metrics"]) >= {"bleu", "rouge_l", "distinct_1", "distinct_2", "pass_rate", "avg_chars"}
    assert base["metrics"] != tuned["metrics"]  # the adapter changes what the model writes
    page = Path(result["report"]["html"]).read_text(encoding="utf-8")
    assert "<svg" in page and "ads-lora" in page and "base model" in page
    assert Path(result["report"]["md"]).read_text(encoding="utf-8").startswith("# Evaluation: ads")
    saved = json.loads(Path(result["report"]["json"]).read_text(encoding="utf-8"))
    assert saved["dataset_version"] == eng.data.get("ads-data").version and saved["split"] == "test"
    assert {m["name"] for m in eng.jobs.metrics(job.id)} >= {"0:bleu", "1:bleu"}


def test_eval_without_a_test_split_says_what_to_do(eng, starters, tmp_path):
    from text_tiny import examples, write_jsonl
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "ads.jsonl", examples(8)), "plain"))
    eng.tasks.create({"name": "plain-task", "template": "{x}", "model": "starter-text", "dataset": "plain"})
    job = eng.jobs.wait(eng.tasks.evaluate("plain-task", adapter="starter-text").id)
    assert job.state == JobState.FAILED and "has no 'test' examples" in job.error
    assert "split dataset plain into train, validation and test first" in job.error   # words the window shows too
    from engine.cli.flag_hints import with_flags
    assert "aigc data split" in with_flags(job.error)   # the command line names the command


def test_run_review_feedback_then_retrain_from_the_new_version(eng, trained, tmp_path):
    job = ok(eng, eng.tasks.run("ads", write_csv(tmp_path / "in.csv", product_rows(3))))
    assert job.result["outputs"] == 3
    items = eng.review.list(task="ads")
    assert all(i.model_sha256 == eng.models.get("starter-text").sha256 for i in items)
    eng.review.approve(items[0].id)
    eng.review.edit(items[1].id, "Fresh item 1 for busy students, made to last.")
    before = eng.data.get("ads-data").version
    feedback = eng.review.feedback("ads")["datasets"][0]
    assert feedback["dataset"] == "ads-data" and feedback["version"] == before + 1 and feedback["added"] == 2
    outputs = [e["output"] for e in eng.data.iter_examples("ads-data")]
    assert "Fresh item 1 for busy students, made to last." in outputs
    from engine.review.retrain import retrain_plan
    plan = retrain_plan(eng, "ads", max_steps=2)
    assert plan["config"]["data_version"] == before + 1 and plan["latest_adapter"] == "ads-lora"
    assert plan["warm_start"] and plan["config"]["init_adapter"] == "ads-lora"
    retrain = ok(eng, eng.review.retrain("ads", max_steps=2))
    assert "starting from adapter ads-lora" in open(retrain.log_path, encoding="utf-8").read()
    adapter = eng.models.get(f"ads-feedback-v{before + 1}")
    assert adapter.role == "adapter" and adapter.lineage["dataset_version"] == before + 1
    assert retrain.params["config"]["data_version"] == before + 1


def test_removed_model_is_a_clear_error(eng, trained, tmp_path):
    eng.models.remove("ads-lora")
    with pytest.raises(UserError):
        eng.models.get("ads-lora")
    job = eng.jobs.wait(eng.tasks.evaluate("ads", adapter="ads-lora").id)
    assert job.state == JobState.FAILED and "ads-lora" in job.error


def test_generation_eval_adds_perplexity_and_is_kept_for_the_leaderboard(eng, trained, tmp_path):
    job = ok(eng, eng.tasks.evaluate("ads", adapter="ads-lora", limit=4, report=tmp_path / "r"))
    base, tuned = job.result["systems"]
    assert base["metrics"]["perplexity"] > 1 and tuned["metrics"]["perplexity"] < base["metrics"]["perplexity"]
    assert "Perplexity (test)" in Path(job.result["report"]["html"]).read_text(encoding="utf-8")
    stored = eng.tasks.evals("ads")
    assert [(e["adapter"], e["main_metric"], e["kind"]) for e in stored] == [
        (None, "rouge_l", "generate"), ("ads-lora", "rouge_l", "generate")]
    assert stored[1]["metrics"]["perplexity"] == tuned["metrics"]["perplexity"]
    assert stored[0]["report"]["html"] == job.result["report"]["html"]
    board = eng.tasks.leaderboard("ads")
    assert {e["system"] for e in board["entries"]} == {"starter-text (base)", "starter-text + ads-lora"}
    assert board["newest"] == "starter-text + ads-lora" and board["comparison"]["against"] == "starter-text (base)"
    assert board["comparison"]["significant"] in (True, False)
    with pytest.raises(UserError, match="no evaluations on dataset version 99"):
        eng.tasks.leaderboard("ads", version=99)
