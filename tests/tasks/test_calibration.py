"""Calibrated confidence: ECE by hand, temperature fitting, and the fitted temperature applied to runs."""
import json
import math
import random

import pytest

from engine.cli import main
from engine.tasks.calibration import apply, ece, fit_temperature, nll

from .classify_helpers import ok, prepared_workspace
from .helpers import write_csv


def test_ece_on_a_hand_made_case():
    confidences = [0.95, 0.95, 0.85, 0.55, 0.52]
    correct = [True, False, True, True, False]
    # bin (0.9, 1]: 2 of 5, accuracy 0.5 vs 0.95 -> 0.18; bin (0.8, 0.9]: 1 of 5, 1 vs 0.85 -> 0.03;
    # bin (0.5, 0.6]: 2 of 5, accuracy 0.5 vs 0.535 -> 0.014
    assert ece(confidences, correct) == pytest.approx(0.18 + 0.03 + 0.014)
    assert ece([0.9], [False]) == pytest.approx(0.9)              # 0.9 sits in (0.8, 0.9], alone
    assert ece([0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7], [True] * 7 + [False] * 3) == pytest.approx(0)
    assert ece([0.0, 1.0], [False, True]) == 0.0 and ece([], []) == 0.0
    # two bins: 0.25 (bin (0.2, 0.3]) right, 0.65 (bin (0.6, 0.7]) wrong
    assert ece([0.25, 0.65], [True, False]) == pytest.approx(0.5 * 0.75 + 0.5 * 0.65)


def synthetic(scale: float, n: int = 300, labels: int = 4, seed: int = 0):
    """Logits whose softmax at T=1 is calibrated, multiplied by ``scale`` (>1 overconfident, <1 underconfident)."""
    rng = random.Random(seed)
    logits, gold = [], []
    for _ in range(n):
        row = [rng.gauss(0, 1.5) for _ in range(labels)]
        top = max(row)
        weights = [math.exp(v - top) for v in row]
        gold.append(rng.choices(range(labels), weights=weights)[0])
        logits.append([scale * v for v in row])
    return logits, gold


@pytest.mark.parametrize("scale", [4.0, 0.3])
def test_fitting_lowers_nll_on_the_fitting_data(scale):
    logits, gold = synthetic(scale)
    temperature = fit_temperature(logits, gold)
    assert nll(logits, gold, temperature) < nll(logits, gold, 1.0) - 0.05
    assert (temperature > 1.5) if scale > 1 else (temperature < 0.7)   # undoes the distortion
    assert temperature == pytest.approx(scale, rel=0.35)
    for nearby in (temperature * 1.05, temperature / 1.05):           # a minimum, not just an improvement
        assert nll(logits, gold, temperature) <= nll(logits, gold, nearby)


def test_apply_keeps_the_label_and_rescales_every_score():
    decision = {"label": "tea", "labels": ["tea"], "confidence": 0.8, "scores": {"tea": 0.8, "shoes": 0.15, "lamp": 0.05}}
    softer = apply(decision, ["tea", "shoes", "lamp"], 2.0)
    assert softer["label"] == "tea" and softer["raw_confidence"] == 0.8
    assert sum(softer["scores"].values()) == pytest.approx(1, abs=1e-5)
    expected = math.sqrt(0.8) / (math.sqrt(0.8) + math.sqrt(0.15) + math.sqrt(0.05))
    assert softer["confidence"] == pytest.approx(expected, abs=1e-6) and softer["confidence"] < 0.8
    assert apply(decision, ["tea", "shoes", "lamp"], 1.0)["scores"] == decision["scores"]


def cli(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


def test_eval_fits_a_temperature_on_validation_and_runs_use_it(capsys, workspace_dir, tiny_text_dir, tmp_path):
    prepared_workspace(workspace_dir, tiny_text_dir, tmp_path, split=True)
    from engine.api import Engine
    with Engine.open(workspace_dir) as eng:
        n_val = sum(1 for _ in eng.data.iter_examples("products-data", split="val"))
    assert n_val >= 2
    code, out, err = cli(capsys, workspace_dir, "task", "eval", "products", "--report", str(tmp_path / "rep"))
    assert code == 0, err
    found = out["systems"][0]["metrics"]["calibration"]
    assert found["fitted_on"] == "val" and found["val_examples"] == n_val and found["temperature"] > 0
    assert found["val_nll_after"] <= found["val_nll_before"]
    assert 0 <= found["ece_before"] <= 1 and 0 <= found["ece_after"] <= 1
    assert "ECE before → after" in (tmp_path / "rep.md").read_text(encoding="utf-8")

    with Engine.open(workspace_dir) as eng:
        stored = eng.tasks.evals("products")[0]
        assert stored["metrics"]["calibration"] == found
        inputs = write_csv(tmp_path / "in.csv", [["text"], ["Fresh tea for busy students."], ["A lamp for runners."]])
        ok(eng, eng.tasks.run("products", inputs))
        for item in eng.review.list(task="products"):
            assert item.params["temperature_scaling"] == found["temperature"]
            assert item.params["calibration_eval"] == stored["id"]
            raw = item.params["raw_confidence"]
            assert item.confidence == pytest.approx(raw ** (1 / found["temperature"]) / sum(
                v ** (1 / found["temperature"]) for v in _raw_scores(eng, item).values()), abs=1e-3)
        answer = eng.tasks.classify("products", [{"text": "Fresh tea for busy students."}])[0]
        assert answer["temperature"] == found["temperature"] and "raw_confidence" in answer


def _raw_scores(eng, item) -> dict:
    """The uncalibrated scores of a run's output, recomputed through the facade's scoring."""
    from engine.tasks.classify import classify_prompts
    task = eng.tasks.get("products")
    return classify_prompts(eng, task.model, None, task.classify, [item.prompt])[0]["scores"]


def test_eval_without_a_validation_split_says_confidence_is_not_calibrated(eng, starters, tmp_path):
    from .classify_helpers import rows, task_def, write_jsonl
    data = rows(4)
    for row in data[:4]:
        row["split"] = "test"
    ok(eng, eng.data.import_file(write_jsonl(tmp_path / "p.jsonl", data), "no-val"))
    eng.tasks.create(task_def(dataset="no-val"))
    job = ok(eng, eng.tasks.evaluate("products"))
    assert any("no validation examples: confidence is not calibrated" in w for w in job.result["warnings"])
    assert "calibration" not in job.result["systems"][0]["metrics"]
