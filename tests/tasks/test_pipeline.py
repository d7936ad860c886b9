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
