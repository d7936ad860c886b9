"""``aigc task run --nproc 2``: rows split across two processes give the outputs one process gives."""
from __future__ import annotations

import csv
import json

from conftest import aigc

TASK = {"name": "ads", "template": "Write a short ad for {product}.\naudience: {audience}",
        "model": "m", "generation": {"max_new_tokens": 8, "seed": 5, "temperature": 0.9},
        "constraints": {"max_chars": 15}}


def test_two_process_task_run_equals_one_process(capsys, tmp_path, tiny_llama):
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    (tmp_path / "task.json").write_text(json.dumps(TASK), encoding="utf-8")
    assert aigc(capsys, ws, "task", "create", "--from", str(tmp_path / "task.json"))[0] == 0
    inputs = tmp_path / "in.csv"
    with open(inputs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["product", "audience"]] + [[f"item {i}", "students"] for i in range(7)])
    runs = {}
    for nproc in ("2", "1"):
        code, result, captured = aigc(capsys, ws, "task", "run", "ads", "--inputs", str(inputs), "--batch-size",
                                      "2", "--retries", "1", "--nproc", nproc)
        assert code == 0, captured.err
        assert result["outputs"] == 7 and result["world_size"] == int(nproc)
        runs[nproc] = result["run_id"]
    from engine.api import Engine
    eng = Engine.open_for_reading(ws)
    try:
        def outputs(run_id):
            return [(r["row_index"], r["prompt"], r["output_text"], r["seed"], r["attempts"])
                    for r in eng.workspace.db().execute(
                        "SELECT * FROM task_outputs WHERE run_id = ? ORDER BY id", (run_id,))]
        two, one = outputs(runs["2"]), outputs(runs["1"])
    finally:
        eng.close()
    assert sorted(two) == one                  # the same rows, prompts, seeds and texts
    assert [r[0] for r in one] == list(range(7))
