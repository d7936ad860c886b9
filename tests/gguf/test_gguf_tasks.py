"""A batch task run on a GGUF model: outputs recorded with the file's SHA-256 and quantization, seeds reproduce."""
from __future__ import annotations

import hashlib
import json

from engine.jobs import JobState

from gguf_helpers import needs_llama_cpp

needs_llama_cpp()

TASK = {"name": "ads", "template": "Write a short ad for {product}.\naudience: {audience}",
        "system_prompt": "You write ads.", "model": "ads-q8",
        "generation": {"max_new_tokens": 10, "seed": 5, "temperature": 0.9}, "constraints": {"max_chars": 400}}


def test_task_run_on_gguf_model(eng, tmp_path, exported):
    from tests.tasks.helpers import product_rows, write_csv
    path = exported["q8_0"][0]
    job = eng.jobs.run("models.import", {"path": str(path), "name": "ads-q8"})
    assert job.state.value == "succeeded", job.error
    eng.tasks.create(TASK)
    job = eng.jobs.wait(eng.tasks.run("ads", write_csv(tmp_path / "in.csv", product_rows(3)), batch_size=2).id)
    assert job.state == JobState.SUCCEEDED, job.error
    rows = eng.workspace.db().execute("SELECT * FROM task_outputs WHERE run_id = ? ORDER BY row_index",
                                      (job.result["run_id"],)).fetchall()
    assert len(rows) == 3 and all(r["output_text"] for r in rows)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {r["model_sha256"] for r in rows} == {digest}
    params = [json.loads(r["params"]) for r in rows]
    assert all(p["backend"] == "llama.cpp" and p["quant"] == "q8_0" for p in params)
    gen = eng.text.generator("ads-q8")
    first = rows[0]
    used = {k: v for k, v in params[0].items()
            if k in ("max_new_tokens", "temperature", "top_p", "top_k", "repetition_penalty")}
    again = gen.generate([first["prompt"]], used, seeds=[first["seed"]], system=first["system_prompt"])[0]
    assert again["text"].strip() == first["output_text"]


def test_evaluation_runs_the_gguf_export_against_its_adapter(trained, exported, tmp_path):
    """The f16 export, evaluated in place of an adapter, answers the test split exactly as the PyTorch adapter."""
    from engine.api import Engine
    from text_tiny import examples, write_jsonl
    eng = Engine.open(trained["workspace"])
    try:
        data = write_jsonl(tmp_path / "d.jsonl", examples(20))
        for job in (eng.jobs.run("models.import", {"path": str(exported["f16"][0]), "name": "ads-f16"}),
                    eng.jobs.wait(eng.data.import_file(data, "eval-ads").id)):
            assert job.state == JobState.SUCCEEDED, job.error
        assert eng.jobs.wait(eng.data.split("eval-ads", val=0.1, test=0.3, seed=0).id).state == JobState.SUCCEEDED
        eng.tasks.create({"name": "eval-ads", "template": "Write a short ad for {product}.", "model": "tiny",
                          "dataset": "eval-ads", "generation": {"max_new_tokens": 10, "temperature": 0, "seed": 1}})
        job = eng.jobs.wait(eng.tasks.evaluate("eval-ads", adapter="ads-f16", against="tiny-ads",
                                               report=tmp_path / "report").id)
        assert job.state == JobState.SUCCEEDED, job.error
    finally:
        eng.close()
    pytorch, gguf_system = job.result["systems"]
    assert pytorch["adapter"] == "tiny-ads" and gguf_system["model"] == "ads-f16" and gguf_system["adapter"] is None
    samples = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["samples"]
    assert samples and all(s["outputs"]["tiny-ads"] == s["outputs"]["ads-f16"] for s in samples)
    assert any(s["outputs"]["ads-f16"] for s in samples)
    # Same outputs, same scores; perplexity needs teacher forcing, which only the PyTorch side gives.
    assert "perplexity" in pytorch["metrics"] and "perplexity" not in gguf_system["metrics"]
    assert {k: v for k, v in pytorch["metrics"].items() if k != "perplexity"} == gguf_system["metrics"]
