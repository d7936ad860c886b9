"""Image datasets: kohya folders, Hugging Face imagefolders, caption CSVs, zips; verified before storing."""
from __future__ import annotations

import hashlib
from pathlib import Path

import data_files as f


def test_kohya_folder(eng, tmp_path, run_import):
    folder = f.kohya_folder(tmp_path / "posters")
    result = run_import(folder, name="posters")
    assert result["modality"] == "image" and result["imported"] == 3
    got = list(eng.data.iter_examples("posters"))
    assert [e["caption"] for e in got] == ["红色海报，极简风格", "a blue poster with bold type", "绿色茶叶包装，白色背景"]
    for example, name in zip(got, ["poster_0.png", "poster_1.png", "poster_2.png"]):
        stored = Path(example["image_path"])
        assert stored.is_absolute() and stored.is_file()
        assert stored.read_bytes() == (folder / name).read_bytes()
    assert [r["origin"] for r in eng.data.records("posters")] == ["poster_0.png", "poster_1.png", "poster_2.png"]


def test_hf_metadata_jsonl_and_csv(eng, tmp_path, run_import):
    assert run_import(f.hf_folder(tmp_path / "a", "jsonl"), name="a")["imported"] == 2
    result = run_import(f.hf_folder(tmp_path / "b", "csv"), name="b")
    assert result["imported"] == 2
    assert [e["caption"] for e in eng.data.iter_examples("b")] == ["产品海报 0，暖色调", "产品海报 1，暖色调"]
    assert eng.data.records("b")[0]["file_name"] == "img/p0.png"


def test_caption_csv(eng, tmp_path, run_import):
    f.kohya_folder(tmp_path / "shots")
    csv = tmp_path / "captions.csv"
    csv.write_text("path,caption\nshots/poster_0.png,红色\nshots/poster_2.png,绿色\n", encoding="utf-8")
    result = run_import(csv, name="c")
    assert result["modality"] == "image" and result["imported"] == 2
    assert [e["caption"] for e in eng.data.iter_examples("c")] == ["红色", "绿色"]


def test_zip_of_a_folder(eng, tmp_path, run_import):
    archive = f.zip_folder(f.hf_folder(tmp_path / "kit"), tmp_path / "kit.zip")
    assert run_import(archive, name="z")["imported"] == 2
    assert not any((eng.root / "tmp").iterdir())


def test_corrupt_image_fails_naming_the_file(eng, tmp_path, failing_import):
    folder = f.kohya_folder(tmp_path / "posters", corrupt=True)
    error = failing_import(folder)
    assert "broken.png" in error and "file_name" in error and "truncated" in error


def test_preview_marks_the_corrupt_image_the_import_would_refuse(eng, tmp_path):
    folder = f.kohya_folder(tmp_path / "posters", corrupt=True)
    preview = eng.data.preview(folder)
    bad = [r for r in preview["rows"] if r.get("_problem")]
    assert [r["_origin"] for r in bad] == ["broken.png"] and "truncated" in bad[0]["_problem"]
    assert preview["bad_rows"] == 1 and len(preview["rows"]) == 4
    assert not any("--" in w for w in preview["warnings"])


def test_corrupt_image_skipped_on_request(eng, tmp_path, run_import):
    folder = f.kohya_folder(tmp_path / "posters", corrupt=True)
    result = run_import(folder, skip_bad=True)
    assert result["imported"] == 3 and result["skipped"] == 1
    assert result["skipped_rows"][0]["origin"] == "broken.png"


def test_zero_byte_image_and_decompression_bomb(eng, tmp_path, failing_import):
    folder = f.kohya_folder(tmp_path / "z")
    (folder / "empty.png").write_bytes(b"")
    assert "empty.png" in failing_import(folder) and "zero-byte" in failing_import(folder)
    bomb_dir = f.kohya_folder(tmp_path / "b")
    f.bomb_png(bomb_dir / "huge.png")
    error = failing_import(bomb_dir)
    assert "huge.png" in error and "pixel limit" in error


def test_metadata_path_outside_folder(eng, tmp_path, failing_import):
    folder = f.hf_folder(tmp_path / "kit")
    (tmp_path / "secret.png").write_bytes(f.png_bytes())
    with open(folder / "metadata.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"file_name": "../secret.png", "text": "偷看"}\n')
    error = failing_import(folder)
    assert error.startswith("metadata.jsonl line 3 field file_name") and "outside the import folder" in error


def test_zip_traversal_and_bomb_refused(eng, tmp_path, failing_import):
    error = failing_import(f.traversal_zip(tmp_path / "evil.zip"))
    assert "evil.zip" in error and "../../evil.txt" in error and "outside" in error
    assert not (tmp_path.parent / "evil.txt").exists()
    error = failing_import(f.zip_bomb(tmp_path / "bomb.zip"))
    assert "padding.bin" in error and "zip bomb" in error


def test_images_are_shared_in_the_blob_store(eng, tmp_path, run_import):
    folder = f.kohya_folder(tmp_path / "posters")
    run_import(folder, name="one")
    run_import(folder, name="two")
    digest = hashlib.sha256((folder / "poster_0.png").read_bytes()).hexdigest()
    assert eng.workspace.blobs.has(digest)
    assert eng.data.get("one").version_hash == eng.data.get("two").version_hash
