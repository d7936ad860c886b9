"""The review queue: actions, audit log, filters and exports of exactly the approved outputs."""
import csv
import json
import sqlite3
import zipfile

import pytest

from engine.errors import NotFound, UserError

from .helpers import TEMPLATE_TASK, product_rows, write_csv


@pytest.fixture
def queue(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    job = eng.jobs.wait(eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", product_rows(4))).id)
    assert job.result["outputs"] == 8
    return eng.review.list(task="slogans", step="copy")


def test_approve_reject_edit_are_audited(eng, queue):
    a, b, c, d = queue
    assert eng.review.approve(a.id, "good").status == "approved"
    assert eng.review.reject(b.id, "off brand").status == "rejected"
    edited = eng.review.edit(c.id, "item 2: 学生的好伙伴", "shorter")
    assert edited.status == "approved" and edited.final_text == "item 2: 学生的好伙伴"
    assert edited.output_text == "item 2: made for students"  # the generated text is kept
    assert eng.review.counts("slogans") == {"pending": 5, "approved": 2, "rejected": 1}
    log = eng.review.audit()
    assert [(r["output_id"], r["action"]) for r in log] == [(a.id, "approve"), (b.id, "reject"), (c.id, "edit")]
    assert log[2]["before"]["edited_text"] is None and log[2]["after"]["edited_text"] == "item 2: 学生的好伙伴"
    assert all(r["user"] for r in log)
    assert [i.id for i in eng.review.list(task="slogans", status="approved")] == [a.id, c.id]
    assert [i.id for i in eng.review.list(task="slogans", status=["pending"], step="copy")] == [d.id]


def test_audit_log_is_append_only(eng, queue):
    eng.review.approve(queue[0].id)
    con = eng.workspace.db()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE review_audit SET user = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM review_audit")
    assert len(eng.review.audit()) == 1


def test_bad_review_actions(eng, queue):
    with pytest.raises(NotFound, match="no review item 9999"):
        eng.review.approve(9999)
    with pytest.raises(UserError, match="edited text is empty"):
        eng.review.edit(queue[0].id, "   ")
    assert eng.review.audit() == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_export_holds_exactly_the_approved_outputs_with_inputs_beside(eng, queue, tmp_path, suffix):
    eng.review.approve(queue[0].id)
    eng.review.edit(queue[3].id, "=SUM(1,2) stays text")
    eng.review.edit(queue[2].id, "bell\x07 and nul\x00 from a model")
    eng.review.reject(queue[1].id)
    out = tmp_path / f"approved{suffix}"
    result = eng.review.export(out, task="slogans")
    assert result["items"] == 3 and result["ids"] == [queue[0].id, queue[2].id, queue[3].id]
    if suffix == ".csv":
        with open(out, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        from openpyxl import load_workbook
        sheet = load_workbook(out).active
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], r)) for r in values[1:]]
    assert [r["product"] for r in rows] == ["item 0", "item 2", "item 3"]
    # a CSV cell that starts like a formula gets an apostrophe, so a spreadsheet shows it as text
    formula = "'=SUM(1,2) stays text" if suffix == ".csv" else "=SUM(1,2) stays text"
    assert rows[0]["output"] == "item 0: made for students" and rows[2]["output"] == formula
    control = "bell\x07 and nul\x00 from a model"
    assert rows[1]["output"] == (control.replace("\x07", "\ufffd").replace("\x00", "\ufffd")
                                 if suffix == ".xlsx" else control)
    assert rows[0]["audience"] == "students" and rows[0]["step"] == "copy" and rows[0]["status"] == "approved"


def test_nothing_to_export_is_an_error(eng, queue, tmp_path):
    with pytest.raises(UserError, match="nothing to export"):
        eng.review.export(tmp_path / "x.csv", task="slogans")
    assert not (tmp_path / "x.csv").exists()


def _fake_image_item(eng, tmp_path, source):
    """An image output as a run records it: a PNG with provenance text chunks."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo
    path = tmp_path / "poster.png"
    info = PngInfo()
    info.add_itxt("aigc.task", "slogans")
    Image.new("RGB", (8, 8), (0, 128, 128)).save(path, pnginfo=info)
    con = eng.workspace.db()
    con.execute("INSERT INTO task_outputs(run_id, task_name, row_index, candidate, step, step_index, modality, prompt,"
                " image_path, input_row, params, created_by, created_at) SELECT run_id, task_name, row_index, "
                "candidate, 'poster', 2, 'image', 'poster prompt', ?, input_row, '{}', created_by, created_at "
                "FROM task_outputs WHERE id = ?", (str(path), source.id))
    return eng.review.list(step="poster")[0], path


@pytest.mark.parametrize("target", ["images.zip", "images"])
def test_images_export_with_sidecars_and_png_provenance(eng, queue, tmp_path, target):
    item, png = _fake_image_item(eng, tmp_path, queue[0])
    eng.review.approve(item.id)
    eng.review.approve(queue[1].id)  # a text item: not part of an image export
    out = tmp_path / "out" / target
    result = eng.review.export(out, task="slogans")
    assert result["items"] == 1 and result["ids"] == [item.id]
    name = f"slogans_{item.run_id}_r00000_c0_poster"
    if target.endswith(".zip"):
        with zipfile.ZipFile(out) as archive:
            assert sorted(archive.namelist()) == [name + ".json", name + ".png"]
            data, side = archive.read(name + ".png"), json.loads(archive.read(name + ".json"))
    else:
        data, side = (out / (name + ".png")).read_bytes(), json.loads((out / (name + ".json")).read_text("utf-8"))
    assert data == png.read_bytes()  # byte for byte: the PNG text chunks travel with it
    assert side["prompt"] == "poster prompt" and side["input_row"] == {"product": "item 0", "audience": "students"}
    assert side["status"] == "approved" and side["reviewed_by"]
