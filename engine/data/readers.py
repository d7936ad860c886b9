"""Streaming readers: each yields (line_or_row_number, row) without loading the file.

Numbers are what a person finds in their editor: the line of a JSONL file, the
line where a JSON array element starts, the spreadsheet row of a CSV/XLSX
(header is row 1), the line of a TXT example.
"""
from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

from engine.data.encoding import decode_failure, open_text

CHUNK = 1 << 20


class RowError(ValueError):
    """A bad row: where it is, which field, what is wrong."""

    def __init__(self, line: int | None, field: str | None, message: str):
        super().__init__(message)
        self.line = line
        self.field = field
        self.message = message


def _fast_loads(line: str):
    """orjson when the line is plain JSON; anything it refuses (NaN, bad JSON) goes through ``json.loads``,
    which accepts what it always accepted and words errors as it always did. orjson reads integers past
    64 bits as floats, so a line with a 19-digit run takes the json path too."""
    if _LONG_DIGITS(line):
        return json.loads(line)
    try:
        return _orjson_loads(line)
    except ValueError:
        return json.loads(line)


_LONG_DIGITS = re.compile(r"\d{19}").search
try:
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - orjson is a dependency; plain json still works
    _orjson_loads = json.loads


def read_jsonl(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict]]:
    handle, enc = open_text(path, encoding)
    line_no = 0
    with handle:
        try:
            for line_no, line in enumerate(handle, 1):
                if line_no == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                try:
                    obj = _fast_loads(line)
                except json.JSONDecodeError as exc:
                    raise RowError(line_no, None, f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(obj, dict):
                    raise RowError(line_no, None, f"is a JSON {type(obj).__name__}, expected an object")
                yield line_no, obj
        except UnicodeDecodeError:
            raise decode_failure(path, enc, line_no + 1) from None


def read_json(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict]]:
    """A JSON array of objects, parsed element by element (a 1 GB array never sits in memory)."""
    handle, enc = open_text(path, encoding)
    decoder = json.JSONDecoder()
    with handle:
        buffer, pos, line, eof = "", 0, 1, False

        def more() -> bool:
            nonlocal buffer, pos, eof
            try:
                data = handle.read(CHUNK)
            except UnicodeDecodeError:
                raise decode_failure(path, enc, line) from None
            if not data:
                eof = True
                return False
            buffer = buffer[pos:] + data
            pos = 0
            return True

        def skip_ws() -> None:
            nonlocal pos, line
            while True:
                while pos < len(buffer) and buffer[pos] in " \t\r\n\ufeff":
                    if buffer[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buffer) or not more():
                    return

        skip_ws()
        if pos >= len(buffer):
            raise RowError(1, None, "is empty")
        if buffer[pos] == "{":  # a single object holding the list, e.g. {"data": [...]}
            while more():
                pass
            try:
                whole = json.loads(buffer[pos:])
            except json.JSONDecodeError as exc:
                raise RowError(exc.lineno, None, f"is not valid JSON ({exc.msg})") from None
            items = next((v for v in whole.values() if isinstance(v, list)), None)
            if items is None:
                yield 1, whole
                return
            for index, obj in enumerate(items, 1):
                if not isinstance(obj, dict):
                    raise RowError(None, f"element {index}", "is not an object")
                yield index, obj
            return
        if buffer[pos] != "[":
            raise RowError(line, None, "must hold a JSON array of objects (or use .jsonl, one object per line)")
        pos += 1
        first = True
        while True:
            skip_ws()
            if pos >= len(buffer):
                raise RowError(line, None, "ends before the closing ']' (is the file truncated?)")
            if buffer[pos] == "]":
                return
            if not first:
                if buffer[pos] != ",":
                    raise RowError(line, None, f"expected ',' between elements, found {buffer[pos]!r}")
                pos += 1
                skip_ws()
            first = False
            while True:
                try:
                    obj, end = decoder.raw_decode(buffer, pos)
                    break
                except json.JSONDecodeError as exc:
                    if eof or not more():
                        raise RowError(line + buffer.count("\n", pos, exc.pos), None,
                                       f"is not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise RowError(line, None, f"element is a JSON {type(obj).__name__}, expected an object")
            yield line, obj
            line += buffer.count("\n", pos, end)
            pos = end


def sniff_delimiter(path: Path, encoding: str | None) -> str:
    handle, _ = open_text(path, encoding)
    with handle:
        try:
            sample = handle.read(64 * 1024)
        except UnicodeDecodeError:
            sample = ""
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(",\t;|", key=first.count) if first else ","


def _headers(raw: list[str]) -> list[str]:
    headers = []
    for index, name in enumerate(raw, 1):
        name = (name or "").strip().lstrip("\ufeff") or f"column{index}"
        while name in headers:
            name += "_"
        headers.append(name)
    return headers


def read_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Iterator[tuple[int, dict]]:
    delimiter = delimiter or sniff_delimiter(path, encoding)
    handle, enc = open_text(path, encoding)
    with handle:
        reader = csv.reader(handle, delimiter=delimiter)
        row_no = 0
        try:
            header = next(reader, None)
            if header is None:
                raise RowError(1, None, "is empty (no header row)")
            headers = _headers(header)
            for row_no, row in enumerate(reader, 2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(headers) and any(c.strip() for c in row[len(headers):]):
                    raise RowError(row_no, None, f"has {len(row)} fields but the header has {len(headers)} "
                                                 "(an unquoted delimiter or newline?)")
                yield row_no, {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)}
        except UnicodeDecodeError:
            raise decode_failure(path, enc, reader.line_num + 1) from None
        except csv.Error as exc:
            raise RowError(row_no + 1, None, f"is not valid CSV ({exc})") from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[tuple[int, dict]]:
    import zipfile

    from openpyxl import load_workbook
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RowError(None, None, f"is not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet:
            if sheet not in book.sheetnames:
                raise RowError(None, None, f"has no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})")
            page = book[sheet]
        else:
            page = book.worksheets[0]
        headers = None
        for row_no, values in enumerate(page.iter_rows(values_only=True), 1):
            cells = [_cell(v) for v in values]
            if headers is None:
                if any(c.strip() for c in cells):
                    headers = _headers(cells)
                continue
            if not any(c.strip() for c in cells):
                continue
            yield row_no, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}
        if headers is None:
            raise RowError(1, None, "has no header row (the sheet is empty)")
    finally:
        book.close()


def txt_mode(path: Path, encoding: str | None) -> str:
    """'blocks' when blank lines separate documents that mostly span several lines, else 'lines'."""
    handle, _ = open_text(path, encoding)
    with handle:
        sample = handle.read(256 * 1024).replace("\r\n", "\n")
    blocks = [b for b in sample.split("\n\n") if b.strip()]
    multi_line = sum(1 for b in blocks if "\n" in b.strip())
    return "blocks" if len(blocks) > 1 and multi_line * 2 > len(blocks) else "lines"


def read_txt(path: Path, encoding: str | None = None, mode: str | None = None) -> Iterator[tuple[int, dict]]:
    mode = mode or txt_mode(path, encoding)
    handle, enc = open_text(path, encoding)
    line_no, start, block = 0, 0, []
    with handle:
        try:
            for line_no, line in enumerate(handle, 1):
                text = line.rstrip("\r\n")
                if line_no == 1:
                    text = text.lstrip("\ufeff")
                if mode == "lines":
                    if text.strip():
                        yield line_no, {"text": text}
                    continue
                if text.strip():
                    if not block:
                        start = line_no
                    block.append(text)
                elif block:
                    yield start, {"text": "\n".join(block)}
                    block = []
        except UnicodeDecodeError:
            raise decode_failure(path, enc, line_no + 1) from None
    if block:
        yield start, {"text": "\n".join(block)}
