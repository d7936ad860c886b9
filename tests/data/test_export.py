"""Export round trips: import(export(x)) gives the same records; exports are byte-stable; Chinese stays as is."""
from __future__ import annotations

import json

import data_files as f
import pytest

from engine.errors import UserError


def export(eng, name, fmt, out, **kw):
    job = eng.jobs.run("data.export", {"name": name, "format": fmt, "out": str(out), **kw})
    assert job.state.value == "succeeded", job.error
    return job.result


def contents(eng, name):
    """What a record is: content plus annotations, without ids or origins."""
    keep = ("system", "instruction", "input", "output", "messages", "caption", "file_name", "image", "label",
            "tags", "note", "split")
    return [{k: r[k] for k in keep if r.get(k) not in (None, "", [])} for r in eng.data.records(name, limit=10_000)]


def annotated(eng, run_import, tmp_path):
    run_import(f.excel_gbk_csv(tmp_path / "src.csv"), name="src")
    eng.data.update_record("src", 1, note="好例子", tags=["gold", "营销"])
    eng.data.update_record("src", 2, split="val")
    return "src"


@pytest.mark.parametrize("fmt, suffix", [("jsonl", ".jsonl"), ("csv", ".csv"), ("alpaca", ".json"),
                                         ("alpaca", ".jsonl")])
def test_instruction_round_trip_is_exact(eng, tmp_path, run_import, fmt, suffix):
    name = annotated(eng, run_import, tmp_path)
    first = tmp_path / f"one{suffix}"
    export(eng, name, fmt, first)
    run_import(first, name="back", format=fmt if fmt == "alpaca" else "auto")
    original, back = contents(eng, name), contents(eng, "back")
    if fmt == "alpaca":  # Alpaca carries the label but no tags, notes or splits
        original = [{k: v for k, v in r.items() if k not in ("tags", "note", "split")} for r in original]
        back = [{k: v for k, v in r.items() if k not in ("tags", "note", "split")} for r in back]
    assert back == original
    second = tmp_path / f"two{suffix}"
    export(eng, "back", fmt, second)
    assert second.read_bytes() == first.read_bytes()
    assert "明前龙井" in first.read_bytes().decode("utf-8-sig")  # not \\u-escaped


@pytest.mark.parametrize("fmt, suffix", [("sharegpt", ".json"), ("openai", ".jsonl"), ("jsonl", ".jsonl"),
                                         ("csv", ".csv")])
def test_chat_round_trip(eng, tmp_path, run_import, fmt, suffix):
    run_import(f.write_jsonl(tmp_path / "chat.jsonl", f.openai_rows()), name="chat")
    out = tmp_path / f"chat-out{suffix}"
    export(eng, "chat", fmt, out)
    run_import(out, name="back", format=fmt if fmt in ("sharegpt", "openai") else "auto")
    strip = lambda rows: [{k: v for k, v in r.items() if k != "split"} for r in rows]  # noqa: E731
    assert strip(contents(eng, "back")) == strip(contents(eng, "chat"))


def test_original_jsonl_content_reproduced(eng, tmp_path, run_import):
    source = f.write_jsonl(tmp_path / "ads.jsonl", [{**r, "split": "train"} for r in f.alpaca_rows()])
    run_import(source, name="ads")
    out = tmp_path / "out.jsonl"
    export(eng, "ads", "jsonl", out)
    def normalise(path):  # empty fields are not stored, key order is canonical
        return [{k: v for k, v in json.loads(line).items() if v != ""}
                for line in path.read_text(encoding="utf-8").splitlines()]
    assert normalise(out) == normalise(source)


def test_imagefolder_round_trip(eng, tmp_path, run_import):
    run_import(f.hf_folder(tmp_path / "kit"), name="img")
    eng.data.update_record("img", 2, caption="新的描述", label="海报")
    out = tmp_path / "exported"
    result = export(eng, "img", "imagefolder", out)
    assert result["count"] == 2 and (out / "img" / "p0.png").read_bytes() == (tmp_path / "kit/img/p0.png").read_bytes()
    run_import(out, name="back")
    assert contents(eng, "back") == contents(eng, "img")


def test_export_filters_and_excludes_rejected(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows()), name="a")
    eng.data.set_status("a", [1], "rejected")
    eng.data.update_record("a", 2, split="test")
    assert export(eng, "a", "jsonl", tmp_path / "all.jsonl")["count"] == 3
    assert export(eng, "a", "jsonl", tmp_path / "test.jsonl", split="test")["count"] == 1
    assert export(eng, "a", "jsonl", tmp_path / "v1.jsonl", version=1)["count"] == 4
    assert export(eng, "a", "jsonl", tmp_path / "with.jsonl", include_rejected=True)["count"] == 4


def test_export_errors(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "chat.jsonl", [
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                      {"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}]}]), name="multi")
    job = eng.jobs.run("data.export", {"name": "multi", "format": "alpaca", "out": str(tmp_path / "x.json")})
    assert job.state.value == "failed" and "2-turn" not in job.error and "4-turn chat" in job.error
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(UserError, match="does not fit"):  # refused before the job starts
        eng.jobs.submit("data.export", {"name": "multi", "format": "imagefolder", "out": str(tmp_path / "y")})
