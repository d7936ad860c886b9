import pytest

from engine.tasks import metrics
from engine.tasks.report import render, svg_chart


def test_bleu_uses_the_chinese_tokenizer():
    assert metrics.bleu(["我爱北京天安门"], ["我爱北京天安门"]) == pytest.approx(100.0)
    # without Chinese tokenization the whole sentence is one token and a near miss scores 0
    assert metrics.bleu(["我爱北京天安门广场"], ["我爱北京天安门"]) > 50


def test_rouge_l_on_characters():
    assert metrics.rouge_l_chars("好用又实惠", "好用又实惠") == 1.0
    assert metrics.rouge_l_chars("", "好用") == 0.0
    # LCS "好用实惠" = 4 of 5 (hyp) and 4 of 4 (ref)
    assert metrics.rouge_l_chars("好用又实惠", "好用 实惠") == pytest.approx(2 * 0.8 * 1.0 / 1.8)


def test_distinct_n():
    assert metrics.distinct_n(["a b a b"], 1) == 0.5
    assert metrics.distinct_n(["a b a b"], 2) == pytest.approx(2 / 3)
    assert metrics.distinct_n(["好好好"], 1) == pytest.approx(1 / 3)
    assert metrics.distinct_n([""], 2) == 0.0


def test_evaluate_and_report_with_chart():
    from engine.tasks.definition import Constraints
    scores = metrics.evaluate(["好用又实惠", "MegaMart 同款"], ["好用又实惠", "便宜"],
                              Constraints(banned_terms=["MegaMart"]))
    assert scores["pass_rate"] == 50.0 and scores["count"] == 2 and scores["bleu"] > 0
    report = {"task": "ads", "dataset": "ad-copy", "dataset_version": 2, "split": "test", "examples": 2,
              "created_at": 0, "systems": [{"label": "base model", "metrics": scores},
                                           {"label": "ads-lora <v2>", "metrics": {**scores, "bleu": 80.0}}],
              "samples": [{"prompt": "p", "reference": "r", "outputs": {"base model": "a", "ads-lora <v2>": "b"}}]}
    page = render(report, "html")
    assert page.count("<svg") == 1 and "ads-lora &lt;v2&gt;" in page and "<table>" in page
    markdown = render(report, "md")
    assert "| BLEU |" in markdown and "<svg" in markdown
    svg = svg_chart(report["systems"])
    assert svg.count("<rect") == 5 * 2 + 2  # bars + legend swatches


def test_report_follows_the_tasks_evaluation_choice():
    scores = {"bleu": 10.0, "rouge_l": 20.0, "distinct_1": 30.0, "distinct_2": 40.0, "pass_rate": 50.0,
              "avg_chars": 12.0}
    report = {"task": "ads", "dataset": "d", "dataset_version": 1, "split": "test", "examples": 1, "created_at": 0,
              "metrics": ["bleu", "pass_rate"], "systems": [{"label": "base model", "metrics": scores}]}
    markdown = render(report, "md")
    assert "| BLEU |" in markdown and "| Pass rate % |" in markdown and "ROUGE-L" not in markdown
    assert render(report, "html").count("<rect") == 2 + 1
