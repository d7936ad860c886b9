"""The sample poster task end to end on real (tiny) models: copy -> image prompt -> image,
review, feedback into the datasets, export of exactly the approved outputs."""
import csv
import json

import pytest
from PIL import Image

from engine.errors import UserError

from engine.jobs import JobState
from engine.samples import samples_dir


def test_poster_pipeline_review_feedback_and_export(eng, starters, tmp_path):
    eng.tasks.import_file(samples_dir() / "tasks.json")
    inputs = samples_dir() / "inputs" / "posters.csv"
    with open(inputs, encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    job = eng.jobs.wait(eng.tasks.run("product-poster", inputs, limit=3, max_retries=1).id)
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result["rows"] == 3 and job.result["outputs"] == 9
    copies = eng.review.list(task="product-poster", step="copy")
    prompts = eng.review.list(task="product-poster", step="image_prompt")
    posters = eng.review.list(task="product-poster", step="poster")
    assert len(copies) == len(prompts) == len(posters) == 3
    first = copies[0]
    assert first.model == "starter-text" and first.model_sha256 == starters["text"].sha256
    assert first.prompt.startswith(f"Write a one-line ad (max 60 characters) for {row['product']} aimed at "
                                   f"{row['audience']}")
    assert first.params["max_new_tokens"] == 32 and first.seed is not None and first.attempts >= 1
    assert prompts[0].output_text == f"product poster, a {row['product']} on a {row['colour']} background"
    poster = posters[0]
    assert poster.model_sha256 == starters["image"].sha256 and poster.prompt == prompts[0].output_text
    with Image.open(poster.image_path) as image:
        assert image.size == (64, 64)
        assert image.text["aigc.task"] == "product-poster" and image.text["aigc.step"] == "poster"
        assert json.loads(image.text["aigc.input"])["product"] == row["product"]
        generator_keys = set(image.text) - {k for k in image.text if k.startswith("aigc.")}
        assert generator_keys  # the image generator's own provenance is kept

    eng.review.approve(posters[0].id)
    eng.review.approve(posters[2].id)
    eng.review.reject(posters[1].id, "wrong colour")
    eng.review.edit(copies[1].id, "Run further in black.", "tighter")
    eng.review.approve(copies[0].id)

    result = eng.review.feedback("product-poster")
    by_name = {d["dataset"]: d for d in result["datasets"]}
    assert by_name["posters"]["added"] == 2
    assert by_name["product-poster-copy"]["added"] == 2
    texts = [e["output"] for e in eng.data.iter_examples("product-poster-copy")]
    assert "Run further in black." in texts and copies[0].output_text in texts
    captions = [e["caption"] for e in eng.data.iter_examples("posters")]
    assert prompts[0].output_text in captions
    with pytest.raises(UserError, match="no approved outputs waiting"):  # asking twice adds nothing
        eng.review.feedback("product-poster")

    table = eng.review.export(tmp_path / "approved.csv", task="product-poster")
    with open(tmp_path / "approved.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(table["ids"]) == sorted([posters[0].id, posters[2].id, copies[1].id, copies[0].id])
    assert {r["colour"] for r in rows if r["step"] == "poster"} == {row["colour"], posters[2].input_row["colour"]}
    images = eng.review.export(tmp_path / "posters.zip", task="product-poster")
    assert images["ids"] == [posters[0].id, posters[2].id]


def test_text_batch_killed_half_way_resumes_without_redoing_rows(workspace_dir, tiny_text_dir, tmp_path):
    """SIGKILL a process generating with a real model; the resumed job keeps every finished row."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    from engine.api import Engine

    from .conftest import import_model
    from .helpers import product_rows, write_csv
    inputs = write_csv(tmp_path / "in.csv", product_rows(40))
    with Engine.open(workspace_dir) as eng:
        import_model(eng, tiny_text_dir, "starter-text", "text")
        eng.tasks.create({"name": "ads", "template": "Write a short ad for {product}.\naudience: {audience}",
                          "model": "starter-text", "generation": {"max_new_tokens": 24, "seed": 5},
                          "constraints": {"banned_terms": ["MegaMart"]}})
    code = textwrap.dedent(f"""
        import time
        from engine.api import Engine
        engine = Engine.open({str(workspace_dir)!r})
        job = engine.tasks.run("ads", {str(inputs)!r}, batch_size=2)
        print(job.id, flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        job_id = proc.stdout.readline().strip()
        con = sqlite3.connect(workspace_dir / "workspace.db", timeout=30)
        deadline = time.time() + 120
        while time.time() < deadline and con.execute("SELECT count(*) FROM task_outputs").fetchone()[0] < 4:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        con.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    with Engine.open(workspace_dir) as eng:
        assert eng.jobs.get(job_id).state == JobState.INTERRUPTED
        con = eng.workspace.db()
        before = {r["row_index"]: (r["id"], r["output_text"], r["created_at"])
                  for r in con.execute("SELECT * FROM task_outputs")}
        assert 4 <= len(before) < 40
        resumed = eng.jobs.wait(eng.jobs.resume(job_id).id)
        assert resumed.state == JobState.SUCCEEDED, resumed.error
        assert resumed.result["reused"] == len(before) and resumed.result["outputs"] == 40
        after = {r["row_index"]: (r["id"], r["output_text"], r["created_at"])
                 for r in con.execute("SELECT * FROM task_outputs")}
        assert sorted(after) == list(range(40))
        assert all(after[row] == value for row, value in before.items())
