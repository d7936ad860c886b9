"""A diffusers pipeline moves between workspaces and is verified again on arrival."""
from __future__ import annotations

from bundles.test_roundtrip import export, import_


def test_image_pipeline_round_trip(eng_a, eng_b, tmp_path):
    from image.tiny import build_tiny_sd
    pipeline = build_tiny_sd(tmp_path / "tiny-sd")
    job = eng_a.jobs.run("models.import", {"path": str(pipeline), "name": "tiny-sd", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    out = tmp_path / "sd.zip"
    export(eng_a, out, models=["tiny-sd"])
    job = import_(eng_b, out)
    assert job.state.value == "succeeded", job.error
    here, there = eng_b.models.get("tiny-sd"), eng_a.models.get("tiny-sd")
    assert (here.kind, here.sha256) == ("image", there.sha256)
    assert here.info["family"] == there.info["family"]
    assert eng_b.models.verify("tiny-sd")["ok"]
