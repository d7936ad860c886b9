"""Run monitoring: per-output time, retries and failures; per-run rates; trends and flags through the CLI."""
import json

import pytest

from engine.cli import main
from engine.errors import UserError
from engine.tasks.definition import task_from_dict
from engine.tasks.monitor import RunAlerts, flags

from .classify_helpers import ok
from .helpers import product_rows, write_csv

WATCHED = {
    "name": "watched", "department": "Marketing", "template": "unused",
    "constraints": {"regex": "^never$", "banned_terms": ["MegaMart"]},
    "generation": {"max_new_tokens": 6, "temperature": 0.9, "seed": 3}, "max_retries": 1,
    "alerts": {"min_pass_rate": 80, "max_retry_rate": 50},
    "steps": [{"name": "copy", "model": "starter-text", "template": "Write a short ad for {product}."},
              {"name": "caption", "template": "poster of {steps.copy.output}"}],
}


def cli(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


def test_alert_thresholds_are_checked():
    with pytest.raises(UserError, match=r"alerts.min_pass_rate is a percentage"):
        task_from_dict({"name": "t", "template": "{x}", "alerts": {"min_pass_rate": 120}})
    with pytest.raises(UserError, match=r"unknown field 'pass_rate'"):
        task_from_dict({"name": "t", "template": "{x}", "alerts": {"pass_rate": 80}})
    assert flags({"pass_rate": 75.0, "error_rate": 0.0}, RunAlerts(min_pass_rate=80)) == ["pass rate 75% < 80%"]
    assert flags({"pass_rate": 85.0}, RunAlerts(min_pass_rate=80)) == []


def test_a_flag_is_worded_in_the_message_language_and_keeps_its_measure():
    """The Chinese Monitor tab shows the flag in Chinese; the measure says which chart it is about."""
    from engine import i18n
    from engine.tasks.monitor import breaches
    i18n.set_language("zh_CN")
    try:
        found = breaches({"accuracy": 10.0, "pass_rate": 90.0}, RunAlerts(min_accuracy=50, min_pass_rate=80))
    finally:
        i18n.set_language(None)
    assert found == [("accuracy", "准确率 10% < 50%")]


def test_runs_record_time_retries_failures_and_get_flagged(tiny_text_dir, tmp_path, capsys, workspace_dir):
    from engine.api import Engine

    from .conftest import import_model
    eng = Engine.open(workspace_dir)
    import_model(eng, tiny_text_dir, "starter-text", "text")
    eng.tasks.create(WATCHED)
    inputs = write_csv(tmp_path / "in.csv", product_rows(3))
    first = ok(eng, eng.tasks.run("watched", inputs))
    # the copy step fails its regex on every row even after its retry; the template step passes
    assert first.result["flags"] and first.result["flags"][0].startswith("pass rate 50% < 80%")
    stats = eng.tasks.run_stats(first.result["run_id"])
    assert stats["items"] == 3 and stats["finished_items"] == 3 and stats["error_rate"] == 0
    assert stats["pass_rate"] == 50.0 and stats["retries"] == 3 and stats["retry_rate"] == 50.0
    assert stats["failures_by_cause"]["regex"] == 3 and "banned_terms" not in stats["failures_by_cause"]
    assert stats["rules"]["regex"] == {"checked": 3, "failed": 3, "pass_rate": 0.0}
    assert stats["rules"]["banned_terms"]["pass_rate"] == 100.0
    assert stats["steps"]["copy"]["retries"] == 3 and stats["steps"]["caption"]["retries"] == 0
    assert stats["steps"]["copy"]["mean_seconds"] > 0 and stats["items_per_minute"] > 0
    outputs = eng.review.list(task="watched")
    assert all(i.attempts == (2 if i.step == "copy" else 1) for i in outputs)
    log = open(first.log_path, encoding="utf-8").read()
    assert "run flagged: pass rate 50% < 80%" in log

    eng.tasks.create({**WATCHED, "constraints": {"banned_terms": ["MegaMart"]}}, replace=True)
    second = ok(eng, eng.tasks.run("watched", inputs, limit=2))
    assert second.result["flags"] == [] and second.result["pass_rate"] == 100.0
    eng.close()
    code, out, err = cli(capsys, workspace_dir, "task", "runs", "watched", "--stats")
    assert code == 0, err
    assert [r["run_id"] for r in out["runs"]] == [first.result["run_id"], second.result["run_id"]]
    assert out["flagged_runs"] == [first.result["run_id"]] and out["trend"]["pass_rate"] == 50.0
    assert {s["step"] for s in out["slowest_steps"]} == {"copy", "caption"}
    assert out["slowest_steps"][0]["step"] == "copy"          # the model step is slower than the template
    assert out["most_failed_rules"][0] == {"rule": "regex", "failed": 3, "checked": 3, "pass_rate": 0.0}
    main(["--workspace", str(workspace_dir), "task", "runs", "watched", "--stats"])
    text = capsys.readouterr().out
    assert "FLAGGED: 1 run(s)" in text and "slowest steps" in text and "regex" in text
    assert "pass rate 50% < 80%" in text and "min_pass_rate=80" in text


def test_run_quality_comes_from_review(eng, starters, tmp_path):
    """Approval rate for every task; accuracy and macro-F1 for a classify task, against approved or corrected labels."""
    from .classify_helpers import task_def
    eng.tasks.create(task_def(dataset=None))
    inputs = write_csv(tmp_path / "in.csv", [["text"], ["Fresh tea."], ["Shoes for runners."], ["A lamp."],
                                             ["Tea for parents."]])
    run = ok(eng, eng.tasks.run("products", inputs)).result["run_id"]
    assert eng.tasks.run_stats(run)["reviewed"] == 0 and eng.tasks.run_stats(run)["approval_rate"] is None
    items = sorted(eng.review.list(task="products"), key=lambda i: i.row_index)
    said = [i.output_text for i in items]
    other = {"tea": "shoes", "shoes": "lamp", "lamp": "tea"}
    eng.review.approve(items[0].id)                       # right
    eng.review.edit(items[1].id, other[said[1]])          # wrong, corrected
    eng.review.edit(items[2].id, said[2])                 # "corrected" to the same label: right
    eng.review.reject(items[3].id)                        # rejected: no label to compare with
    stats = eng.tasks.run_stats(run)
    assert stats["reviewed"] == 4 and stats["approval_rate"] == 75.0
    assert stats["labelled"] == 3 and stats["accuracy"] == round(100 * 2 / 3, 2)
    from engine.tasks.classify_metrics import summary
    expected = summary([[said[0]], [other[said[1]]], [said[2]]], [[said[0]], [said[1]], [said[2]]],
                       ["tea", "shoes", "lamp"], False)["macro_f1"]
    assert stats["macro_f1"] == expected
    trends = eng.tasks.trends("products")
    assert trends["classify"] and trends["runs"][0]["accuracy"] == stats["accuracy"]
    from engine.cli.task_monitor import trends_text
    assert "quality" in trends_text(trends) and f"acc {stats['accuracy']:.1f}%" in trends_text(trends)
    eng.tasks.create(task_def(dataset=None, alerts={"min_accuracy": 70, "min_approval_rate": 80}), replace=True)
    assert eng.tasks.trends("products")["runs"][0]["flags"] == ["approval rate 75% < 80%", "accuracy 66.67% < 70%"]
