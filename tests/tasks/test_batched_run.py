"""A text task run sends each chunk's prompts as one batch, and every recorded seed still reproduces its row."""
import json

from engine.jobs import JobState

from .conftest import import_model
from .helpers import product_rows, write_csv

TASK = {"name": "ads", "template": "Write a short ad for {product}.\naudience: {audience}",
        "system_prompt": "You write ads.", "model": "starter-text",
        "generation": {"max_new_tokens": 12, "seed": 5, "temperature": 0.9},
        "constraints": {"max_chars": 15}}


def _outputs(eng, run_id):
    return eng.workspace.db().execute("SELECT * FROM task_outputs WHERE run_id = ? ORDER BY row_index",
                                      (run_id,)).fetchall()


def test_batched_rows_reproduce_alone_and_match_an_unbatched_run(eng, tiny_text_dir, tmp_path):
    import_model(eng, tiny_text_dir, "starter-text", "text")
    eng.tasks.create(TASK)
    inputs = write_csv(tmp_path / "in.csv", product_rows(6))
    job = eng.jobs.wait(eng.tasks.run("ads", inputs, batch_size=4, max_retries=1).id)
    assert job.state == JobState.SUCCEEDED, job.error
    rows = _outputs(eng, job.result["run_id"])
    assert len(rows) == 6 and len({r["seed"] for r in rows}) == 6
    batches = [(json.loads(r["params"])["batch_size"], json.loads(r["params"])["batch_position"]) for r in rows]
    assert batches[0] == (4, 0) and batches[-1][0] <= 2   # a chunk of 4, then the last 2 rows
    assert {r["attempts"] for r in rows} == {1, 2}   # some rows were retried, as one smaller batch

    gen = eng.text.generator("starter-text")
    for r in rows:
        params = {k: v for k, v in json.loads(r["params"]).items()
                  if k in ("max_new_tokens", "temperature", "top_p", "top_k", "repetition_penalty")}
        alone = gen.generate([r["prompt"]], {**params, "batch_size": 1}, seeds=[r["seed"]],
                             system=r["system_prompt"])[0]
        assert alone["text"].strip() == r["output_text"]

    eng.tasks.create({**TASK, "name": "ads-one", "model": None,
                      "steps": [{"name": "main", "model": "starter-text", "template": TASK["template"],
                                 "params": {"batch_size": 1}}]})
    single = eng.jobs.wait(eng.tasks.run("ads-one", inputs, batch_size=4, max_retries=1).id)
    assert single.state == JobState.SUCCEEDED, single.error
    unbatched = _outputs(eng, single.result["run_id"])
    assert [r["output_text"] for r in unbatched] == [r["output_text"] for r in rows]
    assert all(json.loads(r["params"])["batch_size"] == 1 for r in unbatched)


def test_a_bad_step_batch_size_fails_naming_the_field(eng, tiny_text_dir, tmp_path):
    import_model(eng, tiny_text_dir, "starter-text", "text")
    eng.tasks.create({"name": "bad", "template": "x",
                      "steps": [{"name": "copy", "model": "starter-text", "template": "{product}",
                                 "params": {"batch_size": 0}}]})
    job = eng.jobs.wait(eng.tasks.run("bad", write_csv(tmp_path / "in.csv", product_rows(2))).id)
    assert job.state == JobState.FAILED
    assert "params.batch_size is 0" in job.error
