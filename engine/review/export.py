"""Export reviewed outputs: tables (CSV, XLSX, JSONL) with the input columns beside each
output, and images to a folder or a zip with one sidecar JSON per image.

Image files are copied byte for byte, so the provenance text chunks the run
wrote into each PNG travel with it.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable

from engine import atomic
from engine.data.formulas import guard
from engine.errors import UserError
from engine.output_paths import check_output_file, check_output_folder
from engine.review.queue import ReviewItem
from engine.i18n import N_, tr

TABLE_FORMATS = (".csv", ".xlsx", ".jsonl")
META_COLUMNS = ("task", "run_id", "row", "candidate", "step", "output", "generated_output", "edited", "status",
                "comment", "reviewed_by", "reviewed_at", "model", "model_sha256", "adapter", "adapter_sha256",
                "seed", "failures", "image")


def _iso(ts) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(ts)) if ts else ""


def _image_name(item: ReviewItem) -> str:
    if item.run_id is None:  # a one-off output: its review id keeps the name unique
        return f"{item.task or 'oneoff'}_item{item.id:06d}_{item.step}.png"
    return f"{item.task}_{item.run_id}_r{item.row_index:05d}_c{item.candidate}_{item.step}.png"


def table_rows(items: list[ReviewItem]) -> tuple[list[str], list[dict]]:
    """Columns (input columns first, then the output and its provenance) and one row per item."""
    inputs: list[str] = []
    for item in items:
        for key in item.input_row:
            if key not in inputs:
                inputs.append(key)
    columns = inputs + [c if c not in inputs else f"output.{c}" for c in META_COLUMNS]
    rows = []
    for item in items:
        meta = {
            "task": item.task or "", "run_id": item.run_id or "", "row": item.row_index, "candidate": item.candidate,
            "step": item.step, "output": item.final_text if item.modality == "text" else "",
            "generated_output": item.output_text or "", "edited": item.edited_text is not None,
            "status": item.status, "comment": item.comment or "", "reviewed_by": item.reviewed_by or "",
            "reviewed_at": _iso(item.reviewed_at), "model": item.model or "", "model_sha256": item.model_sha256 or "",
            "adapter": item.adapter or "", "adapter_sha256": item.adapter_sha256 or "", "seed": item.seed,
            "failures": "; ".join(item.failures),
            "image": _image_name(item) if item.modality == "image" else "",
        }
        row = {key: item.input_row.get(key, "") for key in inputs}
        row.update({(c if c not in inputs else f"output.{c}"): meta[c] for c in META_COLUMNS})
        rows.append(row)
    return columns, rows


Step = Callable[[int], None]   # called before each item with its index: progress and a job's cancel check


def _steps(rows, step: Step | None):
    for index, row in enumerate(rows):
        if step:
            step(index)
        yield row


def write_table(items: list[ReviewItem], out: Path, step: Step | None = None) -> Path:
    suffix = out.suffix.lower()
    columns, rows = table_rows(items)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: guard(v) for k, v in row.items()} for row in _steps(rows, step))
        atomic.write_text(out, buffer.getvalue(), encoding="utf-8-sig")  # BOM: Excel reads Chinese correctly
    elif suffix == ".jsonl":
        atomic.write_text(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _steps(rows, step)))
    elif suffix == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        book = Workbook(write_only=True)
        sheet = book.create_sheet("approved")
        sheet.append(columns)
        for row in _steps(rows, step):
            cells = []
            for column in columns:
                value = row[column]
                if isinstance(value, str):  # control characters cannot be stored in a worksheet
                    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text
                cells.append(cell)
            sheet.append(cells)
        with atomic.atomic_open(out, "wb") as handle:
            book.save(handle)
    else:
        raise UserError(tr("cannot export to '{name}'", name=out.name), hint=tr("use a .csv, .xlsx or .jsonl file, a .zip or a folder for images"))
    return out


def sidecar(item: ReviewItem) -> dict:
    data = item.to_dict()
    data.pop("image_path", None)
    data["image"] = _image_name(item)
    return data


def write_images(items: list[ReviewItem], out: Path, step: Step | None = None) -> Path:
    """Approved images plus ``NAME.json`` sidecars, into a new folder or a .zip file."""
    images = [i for i in items if i.modality == "image"]
    for item in images:
        if not item.image_path or not Path(item.image_path).is_file():
            raise UserError(tr("review item {id}: image file {image_path} is missing", id=item.id, image_path=item.image_path),
                            hint=tr("the run folder was moved or deleted"))
    if out.suffix.lower() == ".zip":
        with atomic.atomic_open(out, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            for item in _steps(images, step):
                name = _image_name(item)
                archive.write(item.image_path, name)
                archive.writestr(name[:-4] + ".json", json.dumps(sidecar(item), ensure_ascii=False, indent=2))
        return out
    if not images:
        raise UserError(tr("nothing to export as images: the matching outputs are text"),
                        hint=tr("export text outputs to a .csv, .xlsx or .jsonl file"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for item in _steps(images, step):
            name = _image_name(item)
            atomic.copy_file(item.image_path, tmp / name)
            atomic.write_json(tmp / (name[:-4] + ".json"), sidecar(item))
        if out.is_dir() and not any(out.iterdir()):
            os.rmdir(out)
        atomic.replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def check_target(out: str | os.PathLike, force: bool = False) -> Path:
    """The export path when its kind is known and it may be written (engine.output_paths rules)."""
    suffix = Path(str(out)).suffix.lower()
    if suffix in TABLE_FORMATS or suffix == ".zip":
        return check_output_file(out, force, N_("export file"))
    if suffix:
        raise UserError(tr("cannot export to '{name}': unknown extension '{suffix}'", name=Path(str(out)).name, suffix=suffix),
                        hint=tr("use a .csv, .xlsx or .jsonl file, or a .zip or a folder (no extension) for images"))
    return check_output_folder(out, force, N_("export folder"))


def export_items(items: list[ReviewItem], out: str | os.PathLike, force: bool = False,
                 progress: Callable[[float, str], None] | None = None,
                 check: Callable[[], None] | None = None) -> dict:
    """Write ``items`` to ``out``: the file suffix picks the table format; .zip or a folder takes images.

    ``check`` (a job's cancel check) runs before each item; a cancelled export leaves nothing at ``out``
    (files are written under a temporary name and renamed at the end)."""
    out = check_target(out, force)
    suffix = out.suffix.lower()
    total = max(1, len(items))

    def step(index: int) -> None:
        if check:
            check()
        if progress:
            progress(index / total, tr("item {index} of {total}", index=index + 1, total=len(items)))
    if suffix in TABLE_FORMATS:
        write_table(items, out, step)
        kind, written = suffix[1:], items
    else:
        write_images(items, out, step)
        kind, written = ("zip" if suffix == ".zip" else "folder"), [i for i in items if i.modality == "image"]
    return {"path": str(out), "format": kind, "items": len(written), "ids": [i.id for i in written]}
