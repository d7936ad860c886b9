"""Bad input: one line naming file, line/row and field; the workspace exactly as before."""
from __future__ import annotations

import json
import threading

import data_files as f
import pytest
from data_files import snapshot

from engine.errors import UserError


def test_malformed_jsonl_line(tmp_path, failing_import):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n{"instruction": "c", "output": \n', encoding="utf-8")
    error = failing_import(path)
    assert error.startswith("bad.jsonl line 2") and "not valid JSON" in error


def test_missing_field_in_one_row(tmp_path, failing_import):
    path = f.write_jsonl(tmp_path / "gap.jsonl", f.alpaca_rows() + [{"instruction": "", "output": ""}])
    error = failing_import(path)
    assert error.startswith("gap.jsonl line 5 field output") and "skipping bad rows" in error
    assert "--" not in error      # the window shows it too: words, not command-line options


def test_skip_bad_reports_every_skipped_row(eng, tmp_path, run_import):
    rows = f.alpaca_rows() + [{"instruction": "", "output": ""}, {"output": ["not", "text"]}]
    result = run_import(f.write_jsonl(tmp_path / "gap.jsonl", rows), skip_bad=True)
    assert result["imported"] == 4 and result["skipped"] == 2
    assert [(s["line"], s["field"]) for s in result["skipped_rows"]] == [(5, "output"), (6, "output")]


def test_wrong_encoding_given(tmp_path, failing_import):
    error = failing_import(f.excel_gbk_csv(tmp_path / "gbk.csv"), encoding="utf-8")
    assert "gbk.csv" in error and "not valid utf-8" in error and "choose the file's encoding" in error


def test_missing_column(tmp_path, failing_import):
    path = tmp_path / "cols.csv"
    path.write_text("编号,日期\n1,2026-01-01\n", encoding="utf-8")
    error = failing_import(path)
    assert "cols.csv" in error and "编号, 日期" in error and "map a column" in error and "--" not in error


def test_alpaca_format_forced_on_chat_file(tmp_path, failing_import):
    error = failing_import(f.write_jsonl(tmp_path / "chat.jsonl", f.openai_rows()), format="alpaca")
    assert "Alpaca needs instruction and output" in error


def test_zero_byte_file(tmp_path, failing_import):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "empty.csv is an empty (zero-byte) file" in failing_import(tmp_path / "empty.csv")


def test_csv_row_with_extra_fields(tmp_path, failing_import):
    path = tmp_path / "shift.csv"
    path.write_text("instruction,output\na,b\nc,d,e\n", encoding="utf-8")
    assert failing_import(path).startswith("shift.csv row 3")


def test_truncated_json_array(tmp_path, failing_import):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(f.alpaca_rows(), ensure_ascii=False, indent=2)[:-40], encoding="utf-8")
    error = failing_import(path)
    assert error.startswith("cut.json line") and "not valid JSON" in error


def test_existing_name_refused_unless_append(eng, tmp_path, run_import, failing_import):
    path = f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows())
    run_import(path)
    with pytest.raises(UserError, match="already exists"):  # refused before the job starts
        eng.jobs.submit("data.import", {"path": str(path), "name": "ds"})


def test_cancel_during_import_leaves_workspace_unchanged(eng, tmp_path):
    path = tmp_path / "big.jsonl"
    row = json.dumps({"instruction": "问题", "output": "回答"}, ensure_ascii=False)
    path.write_text("".join(row[:-1] + f', "n": {i}}}\n' for i in range(60_000)), encoding="utf-8")
    before = snapshot(eng)
    started = threading.Event()
    eng.jobs.subscribe(lambda e: started.set() if e.type == "progress" else None)
    job = eng.jobs.submit("data.import", {"path": str(path), "name": "big"})
    assert started.wait(60)
    eng.jobs.cancel(job.id)
    assert eng.jobs.wait(job.id).state.value == "cancelled"
    assert snapshot(eng) == before


def test_cli_failure_is_one_line(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "bad.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\nnot json\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(tmp_path / "ws"), "data", "import",
                           str(path), "--name", "x"], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "bad.jsonl line 2" in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_image_metadata(tmp_path, failing_import):
    folder = f.hf_folder(tmp_path / "kit")
    (folder / "metadata.jsonl").write_text('{"file_name": "img/p0.png", "text": "a"}\n{"file_name": \n',
                                           encoding="utf-8")
    error = failing_import(folder)
    assert error.startswith("metadata.jsonl line 2") and "not valid JSON" in error


def test_missing_image_named_in_metadata(tmp_path, failing_import):
    folder = f.hf_folder(tmp_path / "kit")
    with open(folder / "metadata.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"file_name": "img/gone.png", "text": "丢了"}\n')
    error = failing_import(folder)
    assert error.startswith("metadata.jsonl line 3 field file_name") and "gone.png" in error
