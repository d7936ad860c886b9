"""Input rows for a batch run, from CSV, XLSX or JSONL, checked against the template variables."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from engine.errors import UserError
from engine.input_paths import check_input_file
from engine.safe_json import loads, read_user_file

SUFFIXES = (".csv", ".tsv", ".xlsx", ".jsonl", ".json")


def _decode(path: Path) -> str:
    raw = read_user_file(path, "inputs file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        raw.decode("utf-8")
        start = 0
    except UnicodeDecodeError as exc:
        start = exc.start
    line = raw[:start].count(b"\n") + 1
    raise UserError(f"{path} line {line} (byte offset {start}): not valid UTF-8 (nor GB18030)",
                    hint="save the file as UTF-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(path: Path, delimiter: str) -> tuple[list[str], list[dict]]:
    reader = csv.reader(io.StringIO(_decode(path)), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise UserError(f"{path}: the file is empty", hint="the first line must name the columns") from None
    rows = []
    for line_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise UserError(f"{path}: line {line_no} has {len(values)} values but the header names {len(header)} columns")
        rows.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[dict]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise UserError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        try:
            header = [_cell(h).strip() for h in next(rows_iter)]
        except StopIteration:
            raise UserError(f"{path}: the first sheet is empty") from None
        rows = []
        for values in rows_iter:
            if not any(_cell(v).strip() for v in values):
                continue
            rows.append({h: _cell(values[i]) if i < len(values) else "" for i, h in enumerate(header) if h})
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read
        raise UserError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from None
    finally:
        book.close()
    return [h for h in header if h], rows


def _read_jsonl(path: Path) -> tuple[list[str], list[dict]]:
    header: list[str] = []
    rows = []
    for line_no, line in enumerate(_decode(path).splitlines(), start=1):
        if not line.strip():
            continue
        obj = loads(line, f"{path} line {line_no}")
        if not isinstance(obj, dict):
            raise UserError(f"{path}: line {line_no}: expected a JSON object")
        for key in obj:
            if key not in header:
                header.append(key)
        rows.append({k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) if v is not None else ""
                     for k, v in obj.items()})
    return header, rows


def read_rows(path: str | Path) -> tuple[list[str], list[dict]]:
    """(columns, rows) of an input file; each row maps column name to a string."""
    path = check_input_file(path, "inputs file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows = _read_csv(path, ",")
    elif suffix == ".tsv":
        header, rows = _read_csv(path, "\t")
    elif suffix == ".xlsx":
        header, rows = _read_xlsx(path)
    elif suffix in (".jsonl", ".json"):
        header, rows = _read_jsonl(path)
    else:
        raise UserError(f"{path}: unsupported input format '{suffix}'", hint="use " + ", ".join(SUFFIXES))
    if not rows:
        raise UserError(f"{path}: no input rows", hint="add rows below the header")
    return header, rows


def check_columns(path, columns: list[str], variables: list[str], task_name: str) -> None:
    missing = [v for v in variables if v not in columns]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)} needed by task {task_name}",
                        hint="the file has: " + (", ".join(columns) or "no columns"))
