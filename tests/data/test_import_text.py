"""Every text format imports from real-looking files with the right counts, fields and origins."""
from __future__ import annotations

import json

import data_files as f
import pytest


def examples(eng, name="ds"):
    return list(eng.data.iter_examples(name))


def test_alpaca_jsonl(eng, tmp_path, run_import):
    result = run_import(f.write_jsonl(tmp_path / "ads.jsonl", f.alpaca_rows()))
    assert result["format"] == "alpaca" and result["imported"] == 4 and result["encoding"] == "utf-8"
    got = examples(eng)
    assert [(e["instruction"], e["input"], e["output"]) for e in got] == f.QA
    assert got[0]["messages"] is None
    rows = eng.data.records("ds")
    assert [(r["origin"], r["line"]) for r in rows] == [("ads.jsonl", n) for n in (1, 2, 3, 4)]


def test_alpaca_json_array_streams_with_line_numbers(eng, tmp_path, run_import):
    result = run_import(f.write_json(tmp_path / "ads.json", f.alpaca_rows()))
    assert result["imported"] == 4 and result["format"] == "alpaca"
    lines = [r["line"] for r in eng.data.records("ds")]
    assert lines == sorted(lines) and lines[0] == 2


def test_sharegpt_json(eng, tmp_path, run_import):
    result = run_import(f.write_json(tmp_path / "chat.json", f.sharegpt_rows()), format="sharegpt")
    assert result["imported"] == 4 and result["shape"] == "chat"
    first = examples(eng)[0]
    assert first["system"] == "你是一名专业的文案助手。"
    assert [m["role"] for m in first["messages"]] == ["user", "assistant"]
    assert first["messages"][1]["content"] == f.QA[0][2]


def test_openai_messages_jsonl(eng, tmp_path, run_import):
    result = run_import(f.write_jsonl(tmp_path / "chat.jsonl", f.openai_rows()))
    assert result["format"] == "openai" and result["imported"] == 4
    assert [m["role"] for m in examples(eng)[0]["messages"]] == ["system", "user", "assistant"]


def test_prompt_completion_and_text_shapes(eng, tmp_path, run_import):
    run_import(f.write_jsonl(tmp_path / "pc.jsonl", [{"prompt": q, "completion": o} for q, _, o in f.QA]), name="pc")
    assert [(e["instruction"], e["output"]) for e in examples(eng, "pc")] == [(q, o) for q, _, o in f.QA]
    run_import(f.write_jsonl(tmp_path / "t.jsonl", [{"text": o} for *_, o in f.QA]), name="t")
    assert [e["output"] for e in examples(eng, "t")] == [o for *_, o in f.QA]


def test_excel_gbk_csv_with_quoted_newlines(eng, tmp_path, run_import):
    path = f.excel_gbk_csv(tmp_path / "客服导出.csv")
    preview = eng.data.preview(path)
    assert preview["encoding"] == "gb18030" and preview["delimiter"] == ","
    assert preview["mapping"] == {"问题": "instruction", "输入": "input", "回答": "output", "类别": "label"}
    result = run_import(path)
    assert result["imported"] == 4
    got = examples(eng)
    assert [(e["instruction"], e["input"], e["output"]) for e in got] == f.QA
    assert [e["label"] for e in got] == f.LABELS
    assert [r["line"] for r in eng.data.records("ds")] == [2, 3, 4, 5]  # spreadsheet rows


def test_utf8_bom_csv_and_semicolons(eng, tmp_path, run_import):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffquestion;answer\r\n你好;您好，有什么可以帮您？\r\nbye;再见\r\n".encode("utf-8"))
    result = run_import(path)
    assert result["encoding"] == "utf-8-sig" and result["delimiter"] == ";" and result["imported"] == 2
    assert examples(eng)[0] == {**examples(eng)[0], "instruction": "你好", "output": "您好，有什么可以帮您？"}


def test_utf16_tsv(eng, tmp_path, run_import):
    result = run_import(f.utf16_tsv(tmp_path / "unicode.txt"), format="tsv")
    assert result["encoding"] == "utf-16" and result["delimiter"] == "\t"
    assert result["imported"] == 3
    assert examples(eng)[0]["instruction"] == f.QA[0][0]


def test_xlsx_named_sheet_and_numbers(eng, tmp_path, run_import):
    path = f.workbook(tmp_path / "book.xlsx")
    result = run_import(path, sheet="数据")
    assert result["imported"] == 5
    got = examples(eng)
    assert got[-1]["output"] == "42" and got[-1]["label"] == "研发"
    assert [r["line"] for r in eng.data.records("ds")] == [2, 3, 4, 5, 7]


def test_xlsx_first_sheet_without_data_names_the_sheets(eng, tmp_path, failing_import):
    error = failing_import(f.workbook(tmp_path / "book.xlsx"))
    assert "sheet '说明'" in error and "数据" in error and "choose the sheet" in error


def test_txt_lines_and_blocks(eng, tmp_path, run_import):
    lines = tmp_path / "lines.txt"
    lines.write_text("第一条文案\n\nsecond line\n第三条\n", encoding="utf-8")
    assert run_import(lines, name="l")["imported"] == 3
    docs = tmp_path / "docs.txt"
    docs.write_text("标题一\n正文一\n\n标题二\n正文二\n正文二续\n", encoding="utf-8")
    assert run_import(docs, name="d")["imported"] == 2
    assert [e["output"] for e in examples(eng, "d")] == ["标题一\n正文一", "标题二\n正文二\n正文二续"]
    assert [r["line"] for r in eng.data.records("d")] == [1, 4]


def test_map_overrides_detection(eng, tmp_path, run_import):
    path = tmp_path / "crm.csv"
    path.write_text("工单,处理结果,坐席\n退货流程?,已告知流程,张三\n", encoding="utf-8")
    result = run_import(path, mapping={"工单": "instruction", "处理结果": "output", "坐席": "-"})
    assert result["warnings"] == []
    assert examples(eng)[0]["instruction"] == "退货流程?" and examples(eng)[0]["output"] == "已告知流程"


def test_append_makes_a_new_version(eng, tmp_path, run_import):
    path = f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows())
    run_import(path)
    second = run_import(path, append=True)
    assert second["version"] == 2 and eng.data.get("ds").count == 8

