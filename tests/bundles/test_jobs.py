"""Bundle jobs cancel promptly and leave nothing half-written; image datasets travel with their files."""
from __future__ import annotations

import threading

from bundles.conftest import snapshot
from bundles.test_roundtrip import export, import_
from bundles.tiny import write_images


def cancel_on_first(engine, kind_prefix: str, submit):
    """Submit a job and cancel it at its first matching progress event, from inside the work."""
    fired = threading.Event()

    def listen(event):
        if event.type == "progress" and not fired.is_set() and event.data["message"].startswith(kind_prefix):
            fired.set()
            engine.jobs.cancel(event.job_id)
    unsubscribe = engine.jobs.subscribe(listen)
    try:
        job = engine.jobs.wait(submit().id)
    finally:
        unsubscribe()
    return job, fired.is_set()


def test_cancelled_export_leaves_no_file(filled_a, tmp_path):
    out = tmp_path / "usb" / "big.zip"
    job, fired = cancel_on_first(filled_a, "writing", lambda: filled_a.bundles.export(
        out, models=["tiny-base"], adapters=["tiny-ads-lora"], datasets=["ads"]))
    assert fired and job.state.value == "cancelled", job.error
    assert not out.exists() and list(out.parent.iterdir()) == []  # no half-written bundle, no temp file
    assert list((filled_a.workspace.root / "tmp").iterdir()) == []


def test_cancelled_import_changes_nothing(filled_a, eng_b, tmp_path):
    out = tmp_path / "all.zip"
    export(filled_a, out, models=["tiny-base"], adapters=["tiny-ads-lora"], datasets=["ads"], tasks=["ad-copy"])
    before = snapshot(eng_b)
    job, fired = cancel_on_first(eng_b, "adding dataset", lambda: eng_b.bundles.import_(out))
    assert fired and job.state.value == "cancelled", job.error
    assert snapshot(eng_b) == before  # the models registered before the cancel were taken out again


def test_image_dataset_round_trip(eng_a, eng_b, tmp_path):
    folder = write_images(tmp_path / "posters")
    job = eng_a.jobs.wait(eng_a.data.import_file(folder, "posters", format="imagefolder").id)
    assert job.state.value == "succeeded", job.error
    out = tmp_path / "posters.zip"
    export(eng_a, out, datasets=["posters"])
    job = import_(eng_b, out)
    assert job.state.value == "succeeded", job.error
    src, dst = eng_a.data.get("posters"), eng_b.data.get("posters")
    assert dst.modality == "image" and (dst.count, dst.version_hash) == (src.count, src.version_hash)
    images = list(eng_b.data.iter_examples("posters"))
    assert all(str(eng_b.workspace.root) in e["image_path"] for e in images)
    assert [open(e["image_path"], "rb").read() for e in images] == \
        [open(e["image_path"], "rb").read() for e in eng_a.data.iter_examples("posters")]
    assert images[0]["caption"] == "poster 0，蓝色背景"
