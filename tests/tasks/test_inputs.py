import json

import pytest

from engine.errors import UserError
from engine.tasks.inputs import check_columns, read_rows

from .helpers import write_csv


def test_csv_in_utf8_and_gb18030(tmp_path):
    rows = [["product", "audience"], ["水杯", "学生"], ["台灯", "白领"]]
    for encoding in ("utf-8", "gb18030", "utf-8-sig"):
        columns, data = read_rows(write_csv(tmp_path / f"{encoding}.csv", rows, encoding))
        assert columns == ["product", "audience"]
        assert data == [{"product": "水杯", "audience": "学生"}, {"product": "台灯", "audience": "白领"}]


def test_xlsx_and_jsonl(tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["product", "price"])
    book.active.append(["mug", 12.0])
    book.save(tmp_path / "in.xlsx")
    assert read_rows(tmp_path / "in.xlsx") == (["product", "price"], [{"product": "mug", "price": "12"}])
    (tmp_path / "in.jsonl").write_text(json.dumps({"product": "mug"}) + "\n\n" + json.dumps({"product": "bag"}),
                                       encoding="utf-8")
    assert read_rows(tmp_path / "in.jsonl")[1] == [{"product": "mug"}, {"product": "bag"}]


def test_bad_inputs_name_the_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"product": "mug"}\n{"product": ', encoding="utf-8")
    with pytest.raises(UserError, match="bad.jsonl: line 2"):
        read_rows(tmp_path / "bad.jsonl")
    with pytest.raises(UserError, match="no input rows"):
        read_rows(write_csv(tmp_path / "empty.csv", [["product"]]))
    with pytest.raises(UserError, match="unsupported input format"):
        read_rows(write_csv(tmp_path / "x.txt", [["a"]]))


def test_missing_columns_are_listed():
    with pytest.raises(UserError, match=r"missing column\(s\) audience, tone .*the file has: product"):
        check_columns("in.csv", ["product"], ["product", "audience", "tone"], "ads")


def test_utf16_files_as_excel_saves_them(tmp_path):
    text = "product\taudience\r\n水杯\t学生\r\n台灯\t白领\r\n"
    (tmp_path / "unicode.tsv").write_bytes(text.encode("utf-16"))              # BOM + UTF-16 LE
    (tmp_path / "unicode.csv").write_bytes(text.replace("\t", ",").encode("utf-16-le"))   # no BOM
    for name in ("unicode.tsv", "unicode.csv"):
        columns, data = read_rows(tmp_path / name)
        assert columns == ["product", "audience"], name
        assert data == [{"product": "水杯", "audience": "学生"}, {"product": "台灯", "audience": "白领"}], name


def test_json_array_and_json_lines_in_a_json_file(tmp_path):
    rows = [{"product": "水杯", "price": 12}, {"product": "台灯", "tags": ["a", "b"]}]
    (tmp_path / "array.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    (tmp_path / "lines.json").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                         encoding="utf-8")
    for name in ("array.json", "lines.json"):
        columns, data = read_rows(tmp_path / name)
        assert columns == ["product", "price", "tags"], name
        assert data == [{"product": "水杯", "price": "12"}, {"product": "台灯", "tags": '["a", "b"]'}], name
    (tmp_path / "broken.json").write_text('[{"product": "mug"},\n {"product": }]', encoding="utf-8")
    with pytest.raises(UserError, match="broken.json: line 2"):
        read_rows(tmp_path / "broken.json")
