"""Hypothesis against every dataset importer and the bundle reader, through the real import jobs.

Whatever the bytes: the import succeeds whole, or fails with one line naming the file and writes
nothing (``importing.attempt``); a bundle is imported whole or refused with the workspace unchanged.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.errors import one_line
from reliability.importing import attempt

FUZZ = settings(max_examples=int(__import__("os").environ.get("AIGC_FUZZ_EXAMPLES", "30")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

KEYS = ["instruction", "input", "output", "prompt", "completion", "response", "text", "messages", "conversations",
        "role", "content", "from", "value", "system", "label", "tags", "status", "split", "note", "image", "caption"]
text = st.text(st.characters(codec="utf-8"), max_size=40)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | text
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(KEYS) | text, inner, max_size=5), max_leaves=25)
records = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=5)


def _mutate(data: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
    for position, junk in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + junk + data[at:]
    return data


mutations = st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=6)), max_size=2)


@pytest.fixture
def folder(tmp_path):
    counter = iter(range(10**6))

    def make(suffix: str, data: bytes):
        path = tmp_path / f"input{next(counter)}{suffix}"
        path.write_bytes(data)
        return path
    return make


@FUZZ
@given(rows=st.lists(st.one_of(records.map(lambda r: json.dumps(r, ensure_ascii=False)), text), max_size=8),
       cuts=mutations)
def test_jsonl(inproc, folder, rows, cuts):
    attempt(inproc, folder(".jsonl", _mutate("\n".join(rows).encode("utf-8"), cuts)))


@FUZZ
@given(value=st.one_of(st.lists(records, max_size=6), records, json_values), cuts=mutations)
def test_json(inproc, folder, value, cuts):
    attempt(inproc, folder(".json", _mutate(json.dumps(value, ensure_ascii=False).encode("utf-8"), cuts)))


cells = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
headers = st.lists(st.sampled_from(KEYS) | cells, min_size=1, max_size=5)


@FUZZ
@given(header=headers, rows=st.lists(st.lists(cells, max_size=6), max_size=6), cuts=mutations,
       delimiter=st.sampled_from([",", "\t", ";"]), suffix=st.sampled_from([".csv", ".tsv"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
def test_csv_tsv(inproc, folder, header, rows, cuts, delimiter, suffix, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    attempt(inproc, folder(suffix, _mutate(data, cuts)))


@FUZZ
@given(data=st.binary(max_size=600) | text.map(lambda t: t.encode("utf-8")), cuts=mutations)
def test_txt(inproc, folder, data, cuts):
    attempt(inproc, folder(".txt", _mutate(data, cuts)))


def _png(color: int, size: int) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (color, 80, 160)).save(buffer, "PNG")
    return buffer.getvalue()


image_files = st.lists(st.tuples(st.sampled_from([".png", ".jpg", ".gif", ".bmp", ".webp"]),
                                 st.one_of(st.binary(max_size=200),
                                           st.tuples(st.integers(0, 255), st.integers(1, 40), st.integers(0, 400))
                                           .map(lambda t: _png(t[0], t[1])[:t[2] or None])),
                                 st.one_of(st.none(), text)), min_size=1, max_size=4)


@FUZZ
@given(files=image_files, metadata=st.one_of(st.none(), st.lists(records, max_size=4)))
def test_image_folder(inproc, tmp_path_factory, files, metadata):
    root = tmp_path_factory.mktemp("imgs")
    for index, (suffix, data, caption) in enumerate(files):
        (root / f"img{index}{suffix}").write_bytes(data)
        if caption is not None:
            (root / f"img{index}.txt").write_text(caption, encoding="utf-8")
    if metadata is not None:
        (root / "metadata.jsonl").write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in metadata),
                                             encoding="utf-8")
    job = attempt(inproc, root, named="")
    if job.state.value == "failed":
        assert any(name in job.error for name in [root.name, "metadata.jsonl"] +
                   [f"img{i}" for i in range(len(files))]), job.error


members = st.dictionaries(
    st.one_of(st.sampled_from(["data.jsonl", "train.csv", "a/b.tsv", "notes.txt", "img.png", "img.txt",
                               "metadata.jsonl", "../up.jsonl", "/abs.jsonl", "x/../../y.jsonl", "数据.jsonl",
                               "a\\b.jsonl", "link.jsonl"]), text.filter(lambda n: n.split("\x00")[0] != "")),
    st.one_of(records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8")), st.binary(max_size=300),
              st.integers(0, 255).map(lambda c: _png(c, 8))), max_size=4)


@FUZZ
@given(entries=members, cut=st.integers(0, 100))
def test_zip(inproc, folder, tmp_path, entries, cut):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    data = buffer.getvalue()
    path = folder(".zip", data[:len(data) - cut] if cut < 10 else data)
    stored = [n.split("\x00")[0].replace("\\", "/").rsplit("/", 1)[-1] for n in entries]   # as zipfile keeps them
    attempt(inproc, path, named=[path.name, *(one_line(n) for n in stored if n)])
    assert not (tmp_path.parent / "up.jsonl").exists() and not (tmp_path / "y.jsonl").exists()


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=3),
       cut=st.one_of(st.none(), st.integers(1, 10**6)))
@example(flips=[(133140, 1)], cut=None)   # a damaged local header: the seek is invalid (EINVAL)
def test_bundle_reader(eng_b, light_bundle, tmp_path, flips, cut):
    """Bit flips and truncation anywhere in a real bundle: imported whole or refused, never half."""
    from reliability.conftest import state
    data = bytearray(light_bundle.read_bytes())
    for position, mask in flips:
        data[position % len(data)] ^= mask
    if cut is not None:
        data = data[:cut % len(data)]
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(data))
    before = state(eng_b)
    try:
        job = eng_b.jobs.wait(eng_b.bundles.import_(path).id)
    except Exception as exc:   # refused before a job exists: must be a UserError with one line
        from engine.errors import UserError
        assert isinstance(exc, UserError) and "\n" not in str(exc), repr(exc)
        assert state(eng_b) == before
        return
    if job.state.value == "succeeded":      # a flip in a spot nothing reads (zip comment, timestamps)
        after = state(eng_b)
        assert after["datasets"] and after["tasks"] == ["ad-copy"]
        for name, _ in after["datasets"]:
            eng_b.data.delete(name)
        from engine.tasks import store as task_store
        task_store.remove_task(eng_b.workspace, "ad-copy")
        return
    assert job.state.value == "failed"
    assert "\n" not in job.error and "details in the job log" not in job.error, job.error
    assert state(eng_b) == before
