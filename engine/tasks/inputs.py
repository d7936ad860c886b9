"""Input rows for a batch run, from CSV, TSV, XLSX, JSONL or JSON, checked against the template variables.

The files are read by the dataset readers (engine.data.readers), so an input file opens exactly
as it would as a dataset: the same encodings (UTF-8 with or without BOM, GB18030, UTF-16), JSON
arrays as well as JSON Lines, the same row numbers in messages.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.errors import UserError
from engine.input_paths import check_input_file
from engine.i18n import N_, tr

SUFFIXES = (".csv", ".tsv", ".xlsx", ".jsonl", ".json")


def _text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _rows(path: Path):
    from engine.data import readers
    from engine.data.encoding import detect_encoding
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "row", readers.read_csv(path, delimiter="\t" if suffix == ".tsv" else ",")
    if suffix == ".xlsx":
        return "row", readers.read_xlsx(path)
    if suffix == ".jsonl":
        return "line", readers.read_jsonl(path)
    if suffix == ".json":
        from engine.data.sources import _json_is_lines
        lines = _json_is_lines(path, detect_encoding(path))
        return "line", (readers.read_jsonl(path) if lines else readers.read_json(path))
    raise UserError(tr("{path}: unsupported input format '{suffix}'", path=path, suffix=suffix), hint=tr("use {items}", items=", ".join(SUFFIXES)))


def read_rows(path: str | Path) -> tuple[list[str], list[dict]]:
    """(columns, rows) of an input file; each row maps column name to a string."""
    from engine.data.readers import RowError
    path = check_input_file(path, N_("inputs file"))
    unit, stream = _rows(path)
    header: list[str] = []
    rows = []
    try:
        for _, row in stream:
            header += [key for key in row if key not in header]
            rows.append({key: _text(value) for key, value in row.items()})
    except RowError as exc:
        where = f": {unit} {exc.line}" if exc.line else ""
        what = f" {exc.field}" if exc.field else ""
        raise UserError(tr("{path}{where}{what}: {message}", path=path, where=where, what=what, message=exc.message), hint=tr("fix the file and run again")) from None
    if not rows:
        raise UserError(tr("{path}: no input rows", path=path), hint=tr("add rows below the header"))
    return header, rows


def check_columns(path, columns: list[str], variables: list[str], task_name: str) -> None:
    missing = [v for v in variables if v not in columns]
    if missing:
        raise UserError(tr("{path}: missing column(s) {items} needed by task {task_name}", path=path, items=', '.join(missing), task_name=task_name),
                        hint=tr("the file has: {items}", items=", ".join(columns) or tr("no columns")))
