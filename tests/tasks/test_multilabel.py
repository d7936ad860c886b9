"""Multi-label classify tasks: the feedback-topics sample, multi-label metrics by hand, an evaluation end to end."""
import json

import pytest

from engine.cli import main
from engine.samples import samples_dir
from engine.tasks.classify_metrics import hamming_loss, micro_f1, summary
from engine.tasks.store import read_task_file

from .classify_helpers import AUDIENCES, LABELS, TEMPLATE, ok, write_jsonl
from .helpers import write_csv


def cli(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


def test_multi_label_metrics_match_a_hand_count():
    gold = [["a", "b"], ["a"], ["c"], ["b", "c"]]
    pred = [["a"], ["a", "c"], ["c"], ["b", "c"]]
    # per label: a tp2 fp0 fn0; b tp1 fp0 fn1; c tp2 fp1 fn0 -> pooled tp5 fp1 fn1
    result = summary(gold, pred, ["a", "b", "c"], multi=True)
    assert result["per_class"]["b"] == {"precision": 100.0, "recall": 50.0, "f1": 66.67, "support": 2, "predicted": 1}
    assert result["per_class"]["c"]["precision"] == 66.67 and result["per_class"]["c"]["f1"] == 80.0
    assert result["macro_f1"] == pytest.approx(100 * (1 + 2 / 3 + 0.8) / 3, abs=0.01)
    assert result["micro_f1"] == pytest.approx(100 * 5 / 6, abs=0.01) == micro_f1(gold, pred, ["a", "b", "c"]) * 100
    assert result["micro_precision"] == result["micro_recall"] == pytest.approx(83.33, abs=0.01)
    assert result["hamming_loss"] == pytest.approx(2 / 12, abs=1e-4)        # b missed once, c added once
    assert result["subset_accuracy"] == result["accuracy"] == 50.0
    assert result["label_cardinality"] == 1.5 and "confusion" not in result
    assert hamming_loss([["a"]], [["a"]], ["a", "b"]) == 0.0
    assert "micro_f1" not in summary([["a"]], [["a"]], ["a", "b"], multi=False)


def test_feedback_topics_sample_is_multi_label_in_both_languages():
    task = {t.name: t for t in read_task_file(samples_dir() / "tasks.json")}["feedback-topics"]
    spec = task.classify
    assert spec.multi_label and spec.names == ["audio", "kitchen", "lighting", "bags", "drinkware"]
    assert all(label.description for label in spec.labels) and task.input_variables() == ["feedback"]
    rows = [json.loads(line) for line in (samples_dir() / "datasets" / "feedback-topics.jsonl").open(encoding="utf-8")]
    assert len(rows) == 200 and {r["split"] for r in rows} == {"train", "val", "test"}
    parsed = [spec.parse(r["output"]) for r in rows]
    assert all(p is not None and spec.join(p) == r["output"] for p, r in zip(parsed, rows))   # the answers round-trip
    assert sum(len(p) > 1 for p in parsed) >= 60 and {n for p in parsed for n in p} == set(spec.names)
    chinese = sum(any("\u4e00" <= ch <= "\u9fff" for ch in r["instruction"]) for r in rows)
    assert chinese == 100
    assert (samples_dir() / task.inputs).is_file()


def tag_rows() -> list[dict]:
    """Sentences naming one or two products; the answer is every product named, in label order."""
    out = []
    pairs = [[0], [1], [2], [0, 1], [1, 2], [0, 2]]
    for i in range(30):
        chosen = pairs[i % len(pairs)]
        audience = AUDIENCES[i % len(AUDIENCES)]
        text = " and ".join(f"the {LABELS[c]}" for c in chosen) + f" for {audience}."
        answer = ", ".join(LABELS[c] for c in chosen)
        out.append({"instruction": TEMPLATE.format(text=text), "input": "", "output": answer, "label": answer,
                    "split": "test" if i % 3 == 0 else "train"})
    return out


def test_multi_label_eval_reports_micro_macro_per_label_and_hamming(capsys, workspace_dir, tiny_text_dir, tmp_path):
    from engine.api import Engine

    from .conftest import import_model
    with Engine.open(workspace_dir) as eng:
        import_model(eng, tiny_text_dir, "starter-text", "text")
        ok(eng, eng.data.import_file(write_jsonl(tmp_path / "tags.jsonl", tag_rows()), "tags-data"))
        eng.tasks.create({"name": "tags", "template": TEMPLATE, "model": "starter-text", "dataset": "tags-data",
                          "classify": {"labels": LABELS, "multi_label": True, "threshold": 0.25}})
    code, out, err = cli(capsys, workspace_dir, "task", "eval", "tags", "--report", str(tmp_path / "rep"))
    assert code == 0, err
    m = out["systems"][0]["metrics"]
    assert out["examples"] == 10
    assert {"micro_f1", "micro_precision", "micro_recall", "hamming_loss", "subset_accuracy", "macro_f1"} <= set(m)
    assert set(m["per_class"]) == set(LABELS) and sum(c["support"] for c in m["per_class"].values()) == 15
    assert m["ci"]["micro_f1"][0] <= m["micro_f1"] <= m["ci"]["micro_f1"][1]
    assert 0 <= m["hamming_loss"] <= 1 and m["subset_accuracy"] == m["accuracy"]
    assert "confusion" not in m
    report = (tmp_path / "rep.md").read_text(encoding="utf-8")
    assert "Micro-F1 % [95% CI]" in report and "Hamming loss" in report and "Subset accuracy" in report
    # the stored evaluation recomputes to the same numbers from its per-example record
    with Engine.open(workspace_dir) as eng:
        stored = eng.tasks.evals("tags")[0]
        again = summary(stored["per_example"]["gold"], stored["per_example"]["pred"], LABELS, multi=True)
        assert again["micro_f1"] == m["micro_f1"] and again["hamming_loss"] == m["hamming_loss"]
        inputs = write_csv(tmp_path / "in.csv", [["text"], ["the tea and the lamp for parents."]])
        ok(eng, eng.tasks.run("tags", inputs))
        item = eng.review.list(task="tags")[0]
        assert set(item.scores) == set(LABELS) and abs(sum(item.scores.values()) - 1) < 1e-4
    main(["--workspace", str(workspace_dir), "task", "eval", "tags"])
    text = capsys.readouterr().out
    assert "micro-F1" in text and "Hamming loss" in text
