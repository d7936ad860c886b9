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
from engine.data.formulas import unguard
from engine.safe_json import (MAX_DEPTH, MAX_FILE, MAX_LINE, LoneSurrogate, TooDeep, check_surrogates, depth_of,
                              might_be_deep)
from engine.i18n import tr

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


def _bounded_lines(handle, line_no: int = 0, skip_bad: bool = False):
    """(line number, text) of a text handle; a line longer than MAX_LINE characters is a RowError."""
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        line_no += 1
        if len(line) > MAX_LINE and not line.endswith("\n"):
            error = RowError(line_no, None, tr("is longer than {value} MiB (one record per line; is this the right file?)", value=MAX_LINE // 2**20))
            if not skip_bad:
                raise error
            while line and not line.endswith("\n"):  # the rest of the long line is not a new line
                line = handle.readline(MAX_LINE + 1)
            yield line_no, error
            continue
        yield line_no, line


def parse_json(text: str, line_no: int | None) -> object:
    """One JSON value from a record; deep nesting is a RowError like any other bad row."""
    try:
        value = _fast_loads(text)
        if might_be_deep(text):
            depth_of(value)
        check_surrogates(text, value)
    except LoneSurrogate as exc:
        raise RowError(line_no, None, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise RowError(line_no, None, tr("is not valid JSON ({msg} at column {colno})", msg=exc.msg, colno=exc.colno)) from None
    except (RecursionError, TooDeep):
        raise RowError(line_no, None, tr("is JSON nested more than {max_depth} levels deep", max_depth=MAX_DEPTH)) from None
    return value


def read_jsonl(path: Path, encoding: str | None = None, skip_bad: bool = False) -> Iterator[tuple[int, dict]]:
    """Objects of a JSON Lines file; with ``skip_bad`` a bad line is yielded as its RowError and reading goes on."""
    handle, enc = open_text(path, encoding)
    line_no = 0
    with handle:
        try:
            for line_no, line in _bounded_lines(handle, skip_bad=skip_bad):
                if isinstance(line, RowError):
                    yield line_no, line
                    continue
                if line_no == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                try:
                    obj = parse_json(line, line_no)
                    if not isinstance(obj, dict):
                        raise RowError(line_no, None, tr("is a JSON {name}, expected an object", name=type(obj).__name__))
                except RowError as exc:
                    if not skip_bad:
                        raise
                    yield line_no, exc
                    continue
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
            raise RowError(1, None, tr("is empty"))
        if buffer[pos] == "{":  # a single object holding the list, e.g. {"data": [...]}
            if path.stat().st_size > MAX_FILE:
                raise RowError(1, None, tr("is one JSON object of more than {value} MiB; save it as JSON Lines (one example per line)", value=MAX_FILE // 2**20))
            while more():
                pass
            try:
                whole = json.loads(buffer[pos:])
                depth_of(whole)
                check_surrogates(buffer[pos:], whole)
            except LoneSurrogate as exc:
                raise RowError(1, None, str(exc)) from None
            except json.JSONDecodeError as exc:
                raise RowError(exc.lineno, None, tr("is not valid JSON ({msg})", msg=exc.msg)) from None
            except (RecursionError, TooDeep):
                raise RowError(1, None, tr("is JSON nested more than {max_depth} levels deep", max_depth=MAX_DEPTH)) from None
            items = next((v for v in whole.values() if isinstance(v, list)), None)
            if items is None:
                yield 1, whole
                return
            for index, obj in enumerate(items, 1):
                if not isinstance(obj, dict):
                    raise RowError(None, f"element {index}", tr("is not an object"))
                yield index, obj
            return
        if buffer[pos] != "[":
            raise RowError(line, None, tr("must hold a JSON array of objects (or use .jsonl, one object per line)"))
        pos += 1
        first = True
        while True:
            skip_ws()
            if pos >= len(buffer):
                raise RowError(line, None, tr("ends before the closing ']' (is the file truncated?)"))
            if buffer[pos] == "]":
                return
            if not first:
                if buffer[pos] != ",":
                    raise RowError(line, None, tr("expected ',' between elements, found {buffer!r}", buffer=buffer[pos]))
                pos += 1
                skip_ws()
            first = False
            while True:
                try:
                    obj, end = decoder.raw_decode(buffer, pos)
                    depth_of(obj)
                    check_surrogates(buffer[pos:end], obj)
                    break
                except LoneSurrogate as exc:
                    raise RowError(line, None, tr("element {exc}", exc=exc)) from None
                except (RecursionError, TooDeep):
                    raise RowError(line, None, tr("element is JSON nested more than {max_depth} levels deep", max_depth=MAX_DEPTH)) from None
                except json.JSONDecodeError as exc:
                    if len(buffer) - pos > MAX_LINE:
                        raise RowError(line, None, tr("element is longer than {value} MiB", value=MAX_LINE // 2**20)) from None
                    if eof or not more():
                        raise RowError(line + buffer.count("\n", pos, exc.pos), None,
                                       tr("is not valid JSON ({msg})", msg=exc.msg)) from None
            if not isinstance(obj, dict):
                raise RowError(line, None, tr("element is a JSON {name}, expected an object", name=type(obj).__name__))
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
        # strict: a quote left open runs to the end of the file and must not pass as one long row
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        row_no = 0
        try:
            header = next(reader, None)
            if header is None:
                raise RowError(1, None, tr("is empty (no header row)"))
            headers = _headers(header)
            for row_no, row in enumerate(reader, 2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(headers) and any(c.strip() for c in row[len(headers):]):
                    raise RowError(row_no, None, tr("has {count} fields but the header has {count2} (an unquoted delimiter or newline?)", count=len(row), count2=len(headers)))
                yield row_no, {h: (unguard(row[i]) if i < len(row) else "") for i, h in enumerate(headers)}
        except UnicodeDecodeError:
            raise decode_failure(path, enc, reader.line_num + 1) from None
        except csv.Error as exc:
            problem = str(exc)
            if "unexpected end of data" in problem:
                problem = "a quoted field is never closed (a missing \" before the end of the file)"
            raise RowError(row_no + 1, None, tr("is not valid CSV ({problem})", problem=problem)) from None


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
    except Exception as exc:  # noqa: BLE001 - openpyxl/lxml raise many types for a damaged or wrong file
        reason = "not a zip archive" if isinstance(exc, zipfile.BadZipFile) else \
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc).strip() else 'unreadable'}"
        raise RowError(None, None, tr("is not a readable .xlsx workbook ({reason})", reason=reason)) from None
    try:
        if sheet:
            if sheet not in book.sheetnames:
                raise RowError(None, None, tr("has no sheet '{sheet}' (sheets: {items})", sheet=sheet, items=', '.join(book.sheetnames)))
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
            raise RowError(1, None, tr("has no header row (the sheet is empty)"))
    except RowError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read, not when opened
        raise RowError(None, None, tr("is not a readable .xlsx workbook ({name}: {value})", name=type(exc).__name__, value=(str(exc).splitlines() or ['unreadable'])[0][:120])) from None
    finally:
        book.close()


def txt_mode(path: Path, encoding: str | None) -> str:
    """'blocks' when blank lines separate documents that mostly span several lines, else 'lines'."""
    handle, enc = open_text(path, encoding)
    with handle:
        try:
            sample = handle.read(256 * 1024).replace("\r\n", "\n")
        except UnicodeDecodeError:   # e.g. an odd number of NUL bytes guessed as UTF-16
            raise decode_failure(path, enc, None) from None
    blocks = [b for b in sample.split("\n\n") if b.strip()]
    multi_line = sum(1 for b in blocks if "\n" in b.strip())
    return "blocks" if len(blocks) > 1 and multi_line * 2 > len(blocks) else "lines"


def read_txt(path: Path, encoding: str | None = None, mode: str | None = None) -> Iterator[tuple[int, dict]]:
    mode = mode or txt_mode(path, encoding)
    handle, enc = open_text(path, encoding)
    line_no, start, block = 0, 0, []
    with handle:
        try:
            for line_no, line in _bounded_lines(handle):
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
