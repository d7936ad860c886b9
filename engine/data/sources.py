"""What an import path is (format, encoding, delimiter, modality, column mapping) and its rows.

``open_source`` looks at the file or folder once and decides; ``iter_rows``
streams ``(origin, line, example)`` with the mapping applied. A ``.zip`` is
unpacked safely into a temporary folder first and then detected like a folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterator

from engine.data import images, mapping as mapping_mod
from engine.data.encoding import detect_encoding, normalise_encoding
from engine.data.readers import RowError, read_csv, read_json, read_jsonl, read_txt, read_xlsx, sniff_delimiter, \
    txt_mode
from engine.errors import UserError
from engine.input_paths import check_input_file
from engine.i18n import N_, tr

FORMATS = ("auto", "alpaca", "sharegpt", "openai", "jsonl", "json", "csv", "tsv", "xlsx", "txt", "imagefolder")
JSON_SHAPES = ("alpaca", "sharegpt", "openai")
TEXT_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
                   ".xlsx": "xlsx", ".xlsm": "xlsx", ".txt": "txt"}
SAMPLE_ROWS = 20


@dataclass
class Source:
    path: Path
    data: Path
    format: str
    modality: str = "text"
    reader: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    txt_mode: str | None = None
    columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def shape(self) -> str:
        return mapping_mod.shape_of(self.mapping)

    def describe(self) -> dict:
        return {"path": str(self.path), "format": self.format, "reader": self.reader, "modality": self.modality,
                "encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet, "txt_mode": self.txt_mode,
                "columns": self.columns, "mapping": self.mapping, "shape": self.shape, "warnings": self.warnings}


def _reader_for(path: Path, fmt: str) -> str:
    ext = path.suffix.lower()
    if fmt in ("jsonl", "json", "csv", "tsv", "xlsx", "txt"):
        return fmt
    if fmt in JSON_SHAPES:
        return "json" if ext == ".json" else "jsonl"
    if ext in TEXT_EXTENSIONS:
        return TEXT_EXTENSIONS[ext]
    raise UserError(tr("{name}: cannot tell the format from the extension '{value}'", name=path.name, value=ext or '(none)'),
                    hint=tr("choose the format ({formats})", formats="|".join(FORMATS[1:])))


def _json_is_lines(path: Path, encoding: str) -> bool:
    """A '.json' file that is really JSON Lines (one object per line)."""
    with open(path, encoding=encoding, errors="replace") as handle:
        first = handle.readline().strip().lstrip("\ufeff")
        second = handle.readline().strip()
    if not first.startswith("{"):
        return False
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return False
    return second.startswith("{") or second == ""


def raw_rows(source: Source, skip_bad: bool = False) -> Iterator[tuple[int, dict]]:
    """Rows of the file; with ``skip_bad`` a JSONL reader yields a bad line as its RowError and goes on."""
    path, reader = source.data, source.reader
    if reader == "jsonl":
        return read_jsonl(path, source.encoding, skip_bad=skip_bad)
    if reader == "json":
        return read_json(path, source.encoding)
    if reader in ("csv", "tsv"):
        return read_csv(path, source.encoding, source.delimiter)
    if reader == "xlsx":
        return read_xlsx(path, source.sheet)
    if reader == "txt":
        return read_txt(path, source.encoding, source.txt_mode)
    raise AssertionError(reader)


def _sample(source: Source, skip_bad: bool = False) -> list[dict]:
    """The first rows; with ``skip_bad`` the lines an import would skip are left out of the sample too."""
    try:
        rows = (row for _, row in raw_rows(source, skip_bad) if not isinstance(row, RowError))
        return list(islice(rows, SAMPLE_ROWS))
    except RowError as exc:
        raise as_user_error(source, exc) from None


def as_user_error(source: Source, exc: RowError) -> UserError:
    where = tr(" line {line}", line=exc.line) if exc.line and source.reader in ("jsonl", "json", "txt", "metadata.jsonl") \
        else (tr(" row {row}", row=exc.line) if exc.line else "")
    origin = source.data.name if source.data.is_file() else source.data.name + "/" + source.reader
    what = tr(" field {field}", field=exc.field) if exc.field else ""
    return UserError(tr("{origin}{where}{what}: {message}", origin=origin, where=where, what=what, message=exc.message),
                     hint=tr("fix that row, or import again skipping bad rows to leave them out"))


def _looks_like_image_csv(columns: list[str], rows: list[dict]) -> bool:
    mapping = mapping_mod.detect_mapping(columns, "image")
    column = next((c for c, t in mapping.items() if t == "file_name"), None)
    if column is None or not rows:
        return False
    return all(str(r.get(column, "")).lower().endswith(images.IMAGE_EXTENSIONS) for r in rows[:5])


def open_source(path: str | Path, fmt: str = "auto", mapping=None, encoding: str | None = None,
                sheet: str | None = None, tmp_dir: Path | None = None, skip_bad: bool = False) -> Source:
    """Inspect ``path``; a zip is unpacked into ``tmp_dir`` (the caller removes it)."""
    path = Path(path).expanduser()
    overrides = mapping_mod.parse_map(mapping)
    fmt = (fmt or "auto").lower()
    if fmt not in FORMATS:
        raise UserError(tr("unknown format '{fmt}'", fmt=fmt), hint=tr("use one of {items}", items=", ".join(FORMATS)))
    check_input_file(path, N_("import source"), allow_dir=True)  # a FIFO would hang, a device never end
    data = path
    if path.is_file() and path.suffix.lower() == ".zip":
        if tmp_dir is None:
            raise UserError(tr("{name}: a .zip needs a temporary folder to unpack into", name=path.name))
        from engine.data.archive import safe_extract
        data = safe_extract(path, tmp_dir)
    if data.is_file() and data.stat().st_size == 0:
        raise UserError(tr("{name} is an empty (zero-byte) file", name=data.name), hint=tr("check that the export finished"))
    if data.is_dir():
        if fmt not in ("auto", "imagefolder"):
            raise UserError(tr("{name} is a folder; the {fmt} format needs a file", name=path.name, fmt=fmt), hint=tr("choose the format auto or imagefolder"))
        if not images.list_images(data):
            raise UserError(tr("{name}: the folder holds no images ({items})", name=path.name, items=', '.join(images.IMAGE_EXTENSIONS)),
                            hint=tr("for text data import the file itself, not its folder"))
        source = Source(path, data, "imagefolder", "image", reader=images.folder_kind(data))
        if source.reader != "captions":
            meta = data / source.reader
            source.encoding = normalise_encoding(encoding) if encoding else detect_encoding(meta)
            try:
                rows = [row for _, row in islice(
                    read_jsonl(meta, source.encoding) if source.reader.endswith("jsonl") else
                    read_csv(meta, source.encoding), SAMPLE_ROWS)]
            except RowError as exc:
                unit = "line" if source.reader.endswith("jsonl") else "row"
                raise UserError(tr("{name} {unit} {line}{value}: {message}", name=meta.name, unit=unit, line=exc.line, value=' field ' + exc.field if exc.field else '', message=exc.message), hint=tr("fix the metadata file and import again")) from None
            source.columns = list(dict.fromkeys(k for r in rows for k in r))
            mapping_mod.check_overrides(overrides, source.columns, meta.name)
            source.mapping = mapping_mod.detect_mapping(source.columns, "image", overrides)
            mapping_mod.check_mapping(source.mapping, source.columns, "image", meta.name, fmt)
        else:
            source.columns = ["file_name", "caption"]
            source.mapping = {"file_name": "file_name", "caption": "caption"}
        return source
    if fmt == "imagefolder":
        raise UserError(tr("{name}: the imagefolder format needs a folder or a .zip of one", name=path.name), hint=tr("choose the format auto"))
    reader = _reader_for(data, fmt)
    source = Source(path, data, fmt if fmt != "auto" else reader, reader=reader, sheet=sheet)
    if reader != "xlsx":
        source.encoding = normalise_encoding(encoding) if encoding else detect_encoding(data)
    if reader == "json" and _json_is_lines(data, source.encoding):
        source.reader = "jsonl"
    if reader in ("csv", "tsv"):
        source.delimiter = "\t" if reader == "tsv" else sniff_delimiter(data, source.encoding)
    if reader == "txt":
        source.txt_mode = txt_mode(data, source.encoding)
    rows = _sample(source, skip_bad)
    if not rows and reader == "xlsx":
        from openpyxl import load_workbook
        book = load_workbook(data, read_only=True)
        names = book.sheetnames
        book.close()
        raise UserError(tr("{name} sheet '{value}' holds no examples (sheets: {items})", name=data.name, value=sheet or names[0], items=', '.join(names)),
                        hint=tr("choose the sheet by name"))
    if not rows:
        raise UserError(tr("{name} holds no examples", name=data.name), hint=tr("check that it is the right file"))
    source.columns = list(dict.fromkeys(k for r in rows for k in r))
    mapping_mod.check_overrides(overrides, source.columns, data.name)
    if reader in ("csv", "tsv", "xlsx") and fmt == "auto" and _looks_like_image_csv(source.columns, rows):
        source.modality, source.format = "image", "imagefolder"
        source.mapping = mapping_mod.detect_mapping(source.columns, "image", overrides)
        return source
    source.mapping = mapping_mod.detect_mapping(source.columns, "text", overrides)
    mapping_mod.check_mapping(source.mapping, source.columns, "text", data.name, fmt)
    if source.format in ("jsonl", "json") and fmt == "auto":
        source.format = {"chat": "openai" if "messages" in source.columns else "sharegpt",
                         "instruction": "alpaca"}.get(source.shape, source.reader)
    unused = [c for c in source.columns if c not in source.mapping and overrides.get(c) != mapping_mod.IGNORE]
    if unused:
        source.warnings.append(tr("columns not imported: {columns} (map a column to a field to keep it)",
                                  columns=", ".join(unused)))
    return source


def iter_rows(source: Source, skip_bad: bool = False) -> Iterator[tuple[str, int | None, dict]]:
    """(origin, line/row, example) with the mapping applied; image rows carry an absolute file_name Path.

    With ``skip_bad`` a line a reader can step over (JSONL) comes as ``(origin, line, RowError)``.
    """
    if source.modality == "image":
        if source.data.is_dir():
            yield from images.iter_folder(source.data, source.mapping, source.encoding)
        else:
            yield from images.iter_caption_csv(source.data, source.mapping, source.encoding)
        return
    name = source.data.name
    for line, raw in raw_rows(source, skip_bad):
        yield name, line, (raw if isinstance(raw, RowError) else mapping_mod.apply_mapping(raw, source.mapping))


def row_problem(source: Source, example: dict) -> str | None:
    """Why the import would refuse this row (the same checks it makes), or None when it is fine."""
    from engine.data import records as rec
    if source.modality == "image":
        path = example.get("file_name")
        if not isinstance(path, Path) or not path.is_file():
            return tr("image file '{name}' does not exist", name=getattr(path, 'name', path))
        problem = images.verify_image(path)
        return tr("image '{name}' {problem}", name=path.name, problem=problem) if problem else None
    try:
        rec.text_fields(example)
        rec.annotations(example)
    except rec.RecordError as exc:
        return tr("field {field}: {message}", field=exc.field, message=exc.message) if exc.field else exc.message
    return None


def preview(path, fmt: str = "auto", mapping=None, encoding=None, sheet=None, tmp_dir: Path | None = None,
            skip_bad: bool = False) -> dict:
    """The first rows as the import would read them; a row the import would refuse carries ``_problem``
    and is counted in ``bad_rows`` (with ``skip_bad`` the import leaves such rows out)."""
    source = open_source(path, fmt, mapping, encoding, sheet, tmp_dir, skip_bad)
    rows = []
    try:
        for origin, line, example in islice(iter_rows(source, skip_bad), SAMPLE_ROWS):
            if isinstance(example, RowError):
                problem = tr("field {field}: {message}", field=example.field, message=example.message) \
                    if example.field else example.message
                rows.append({"_origin": origin, "_line": example.line or line, "_problem": problem})
                continue
            problem = row_problem(source, example)
            rows.append({"_origin": origin, "_line": line, **({"_problem": problem} if problem else {}),
                         **{k: (str(v) if isinstance(v, Path) else v) for k, v in example.items()}})
    except RowError as exc:
        source.warnings.append(str(as_user_error(source, exc)))
    bad = sum(1 for r in rows if r.get("_problem"))
    return {**source.describe(), "rows": rows, "bad_rows": bad}
