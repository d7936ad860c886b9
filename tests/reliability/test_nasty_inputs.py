"""A corpus of nasty files through the real import job (and the export and image paths they meet).

Each must be imported whole or refused with one line naming the file (and line or field) and
nothing written: invalid UTF-8, NUL bytes, a 10 MB line, deep JSON nesting, formula cells,
truncated, empty, CMYK, 16-bit and animated images, zips with hostile names.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from reliability.importing import attempt

ROW = {"instruction": "写一句广告", "output": "好用"}


def _jsonl(*lines: bytes) -> bytes:
    return b"\n".join(lines) + b"\n"


GOOD = json.dumps(ROW, ensure_ascii=False).encode()

# name -> (file name, bytes, what must happen: "refused" or the number of examples imported)
TEXT_CASES = {
    "invalid utf-8 in jsonl": ("bad.jsonl", _jsonl(GOOD, b'{"instruction": "\xff\xfe\xfa", "output": "x"}'), "refused"),
    "invalid utf-8 in csv": ("bad.csv", b"instruction,output\r\n\xff\xfe\xfa,x\r\n", "refused"),
    "NUL bytes in jsonl": ("nul.jsonl", _jsonl(GOOD, b'{"instruction": "a\x00b", "output": "x"}'), "refused"),
    "escaped NUL in jsonl": ("nul2.jsonl", _jsonl(GOOD, b'{"instruction": "a\\u0000b", "output": "x"}'), 2),
    "NUL bytes in csv": ("nul.csv", b"instruction,output\r\na\x00b,x\r\n", 1),        # kept as the text it is
    "NUL bytes in txt": ("nul.txt", b"first line\nsecond \x00 line\n", 2),
    "odd run of NUL bytes in txt": ("nuls.txt", b"\x00" * 77, "refused"),   # guessed UTF-16, cannot decode
    "odd run of NUL bytes in csv": ("nuls.csv", b"\x00" * 77, "refused"),
    "10 MB line in jsonl": ("long.jsonl", _jsonl(GOOD, b'{"instruction": "' + b"a" * (10 << 20) + b'", "output": "x"}'),
                            2),                                                   # under the 16 MiB line limit
    "10 MB line in txt": ("long.txt", b"short\n" + b"b" * (10 << 20) + b"\n", 2),
    "17 MB line in jsonl": ("huge.jsonl", _jsonl(GOOD, b'{"instruction": "' + b"a" * (17 << 20) + b'"}'), "refused"),
    "deep JSON nesting": ("deep.jsonl", _jsonl(GOOD, b'{"instruction": "x", "output": ' + b"[" * 100_000
                                                + b"]" * 100_000 + b"}"), "refused"),
    "deep nesting in .json": ("deep.json", b"[" * 50_000 + b"]" * 50_000, "refused"),
    "lone surrogate escape": ("sur.jsonl", _jsonl(b'{"instruction": "\\ud800", "output": "x"}'), "refused"),
    "jsonl truncated mid-object": ("cut.jsonl", GOOD + b"\n" + GOOD[:10], "refused"),
    "zero-byte jsonl": ("empty.jsonl", b"", "refused"),
    "zero-byte csv": ("empty.csv", b"", "refused"),
    "only a BOM": ("bom.csv", b"\xef\xbb\xbf", "refused"),
    "unclosed csv quote": ("quote.csv", b'instruction,output\r\n"never closed,x\r\n', "refused"),
    "csv with more cells than header": ("wide.csv", b"instruction,output\r\na,b,c\r\n", "refused"),
    "json scalar": ("scalar.json", b"42", "refused"),
    "json of nulls": ("nulls.json", b"[null, null]", "refused"),
    "huge number": ("num.jsonl", _jsonl(b'{"instruction": 1e999999, "output": "x"}'), 1),
    "formula cells import as text": ("formula.csv", "instruction,output\r\n=cmd|' /C calc'!A0,+SUM(1)\r\n"
                                     .encode(), 1),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_text_corpus(inproc, tmp_path, case):
    name, data, expected = TEXT_CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    job = attempt(inproc, path)
    if expected == "refused":
        assert job.state.value == "failed", f"{case}: imported {job.result}"
    else:
        assert job.state.value == "succeeded", f"{case}: {job.error}"
        assert job.result["imported"] == expected


def _png(**kw) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 40, 40)).save(buffer, "PNG", **kw)
    return buffer.getvalue()


def _image_bytes(kind: str) -> bytes:
    import numpy as np
    from PIL import Image
    buffer = io.BytesIO()
    if kind == "cmyk":
        Image.new("CMYK", (20, 20), (0, 200, 200, 0)).save(buffer, "JPEG")
    elif kind == "16bit":
        Image.fromarray(np.linspace(0, 65535, 32 * 32).reshape(32, 32).astype(np.uint16)).save(buffer, "PNG")
    elif kind == "animated":
        frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
        frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    elif kind == "palette-alpha":
        Image.new("RGBA", (20, 20), (0, 0, 255, 0)).convert("P").save(buffer, "PNG")
    return buffer.getvalue()


IMAGE_CASES = {
    "truncated png": ("cut.png", lambda: _png()[:40], "refused"),
    "zero-byte png": ("zero.png", lambda: b"", "refused"),
    "text named .png": ("text.png", lambda: b"hello, not an image", "refused"),
    "png with bad crc tail": ("tail.png", lambda: _png()[:-6] + b"\0" * 6, "refused"),
    "cmyk jpeg": ("cmyk.jpg", lambda: _image_bytes("cmyk"), 1),
    "16-bit grey png": ("grey16.png", lambda: _image_bytes("16bit"), 1),
    "animated gif": ("anim.gif", lambda: _image_bytes("animated"), 1),
    "palette with transparency": ("pal.png", lambda: _image_bytes("palette-alpha"), 1),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_image_corpus(inproc, tmp_path, case):
    name, make, expected = IMAGE_CASES[case]
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / name).write_bytes(make())
    (folder / (Path(name).stem + ".txt")).write_text("一张图")
    job = attempt(inproc, folder, named=name)
    if expected == "refused":
        assert job.state.value == "failed" and name in job.error, job.error
        return
    assert job.state.value == "succeeded", job.error
    assert job.result["imported"] == expected


def test_images_train_as_they_look(tmp_path):
    """16-bit grey is scaled, not clipped to white; CMYK, animations and palettes become RGB pixels."""
    import numpy as np

    from engine.image.data import ImageBatcher
    for kind, low, high in (("16bit", 100, 155), ("cmyk", -1, 256), ("animated", -1, 256), ("palette-alpha", -1, 256)):
        path = tmp_path / f"{kind}.png"
        path.write_bytes(_image_bytes(kind))
        tensor, _, _ = ImageBatcher([{"image_path": str(path), "caption": "x"}], 16, flip=False).tensor(0, (16, 16))
        mean = float((tensor.numpy() + 1.0).mean() * 127.5)
        assert tensor.shape == (3, 16, 16) and low < mean < high and np.isfinite(mean), (kind, mean)


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


ZIP_CASES = {
    "member escaping with ..": {"../../evil.jsonl": GOOD + b"\n"},
    "absolute member": {"/tmp/evil.jsonl": GOOD + b"\n"},
    "empty zip": {},
    "zip of junk": {"data.jsonl": b"\xff\xfe garbage \x00"},
    "zip of zero-byte files": {"a.jsonl": b"", "b.csv": b""},
}


@pytest.mark.parametrize("case", sorted(ZIP_CASES))
def test_zip_corpus(inproc, tmp_path, case):
    path = tmp_path / "data.zip"
    path.write_bytes(_zip(ZIP_CASES[case]))
    job = attempt(inproc, path)
    assert job.state.value == "failed"
    assert not (tmp_path / "evil.jsonl").exists() and not Path("/tmp/evil.jsonl").exists()


def test_truncated_zip(inproc, tmp_path):
    path = tmp_path / "cut.zip"
    path.write_bytes(_zip({"data.jsonl": GOOD * 50})[:-30])
    assert attempt(inproc, path).state.value == "failed"


FORMULAS = ["=HYPERLINK(\"http://x\",\"click\")", "+SUM(A1:A9)", "-2+3", "@SUM(1)", "\tTAB", "\rCR",
            "'=already quoted", "''=twice", "plain text", "'just an apostrophe", "-", "a=b"]


def test_csv_export_keeps_formulas_as_text_and_reimports_unchanged(inproc, tmp_path):
    rows = [{"instruction": f, "output": f"answer {i}"} for i, f in enumerate(FORMULAS)]
    inproc.data.add_examples("cells", rows, "formulas", modality="text")
    out = tmp_path / "cells.csv"
    assert inproc.jobs.wait(inproc.data.export("cells", "csv", out).id).state.value == "succeeded"
    with open(out, encoding="utf-8-sig", newline="") as handle:
        cells = [r["instruction"] for r in csv.DictReader(handle)]
    for cell in cells:   # what a spreadsheet sees: no cell starts a formula
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    job = inproc.jobs.run("data.import", {"path": str(out), "name": "cells-again"})
    assert job.state.value == "succeeded", job.error
    back = [r["instruction"] for r in inproc.data.records("cells-again", limit=100)]
    assert sorted(back) == sorted(FORMULAS)


def test_metadata_naming_a_file_with_a_list(inproc, tmp_path):
    """Found by fuzzing: a JSON list as file_name became a path 'File name too long'."""
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / "a.png").write_bytes(_png())
    (folder / "metadata.jsonl").write_text(json.dumps({"file_name": [None, "x" * 300], "text": "t"}) + "\n")
    job = attempt(inproc, folder, named=["metadata.jsonl", "imgs line 1"])
    assert job.state.value == "failed" and "line 1" in job.error and "file_name" in job.error, job.error


def test_a_member_name_with_a_line_break_stays_one_line(inproc, tmp_path):
    """Found by fuzzing: a zip member named '\\n' put a line break into the message."""
    path = tmp_path / "names.zip"
    path.write_bytes(_zip({"\n": b"{}"}))
    job = attempt(inproc, path, named=["names.zip", "\\n"])
    assert job.state.value == "failed" and "\n" not in job.error


def test_a_bundle_member_with_an_unknown_compression_method(eng_b, light_bundle, tmp_path):
    """Found by fuzzing: a flipped compression method was an unhandled NotImplementedError."""
    from reliability.conftest import refused
    data = bytearray(light_bundle.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    data[8:10] = (99).to_bytes(2, "little")          # the first member's local header: method 99
    start = bytes(data).find(b"PK\x01\x02")
    data[start + 10:start + 12] = (99).to_bytes(2, "little")   # and in the central directory
    path = tmp_path / "method.zip"
    path.write_bytes(bytes(data))
    reason = refused(eng_b, path)
    assert "\n" not in reason and "details in the job log" not in reason, reason
