"""The ``data.import`` job: stream a file or folder into a new dataset version, all or nothing.

Rows are converted and written in batches inside one transaction, so a failure
(or a cancel) leaves the workspace exactly as it was. With ``skip_bad`` the bad
rows are left out and every one of them is reported. A large JSONL file is read and
hashed by a second process while this one writes (``engine.data.pipeline``), and a large
insert rebuilds the secondary indexes once at the end (``engine.data.bulk``).
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine import names
from engine.data import busy, pipeline, records as rec
from engine.data import store
from engine.data.bulk import deferred_indexes
from engine.data.images import verify_image
from engine.data.readers import RowError
from engine.data.sources import iter_rows, open_source
from engine.errors import UserError
from engine.faults import fault_point
from engine.jobs import JobContext, job_kind
from engine.i18n import N_, tr

REPORT_EVERY = 2000
MAX_REPORTED = 1000


@dataclass
class ImportConfig:
    path: str
    name: str
    format: str = "auto"
    mapping: dict = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None
    skip_bad: bool = False
    append: bool = False
    message: str = ""

    @classmethod
    def from_params(cls, params: dict) -> "ImportConfig":
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        if not known.get("path") or not known.get("name"):
            raise UserError(tr("an import needs a path and a dataset name"), hint=tr("choose a file and name the dataset"), options=("--name NAME",))
        return cls(**known)


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            count += block.count(b"\n")
    return max(1, count)


def _estimate_total(source) -> int:
    if source.modality == "image" and source.data.is_dir() and source.reader == "captions":
        from engine.data.images import list_images
        return max(1, len(list_images(source.data)))
    target = source.data / source.reader if source.data.is_dir() else source.data
    if source.reader == "xlsx":
        return max(1, os.path.getsize(target) // 60)
    return _count_lines(target)


def _where(origin: str, line, source) -> str:
    if line is None:
        return origin
    rows = source.reader in ("csv", "tsv", "xlsx", "metadata.csv") or origin.endswith(".csv")
    return origin + (tr(" row {row}", row=line) if rows else tr(" line {line}", line=line))


def _check_target(con, cfg: ImportConfig):
    """The dataset an --append adds to (None for a new one); refuses a taken or unusable name."""
    existing = store.lookup(con, cfg.name)
    if cfg.append:
        if existing is None:
            raise UserError(tr("there is no dataset named '{name}' to add to", name=cfg.name),
                            hint=tr("create it instead of adding to it, or check the name in the dataset list"),
                            options=("--append",))
        return existing
    if existing is not None:
        raise UserError(tr("a dataset named '{name}' already exists", name=existing["name"])
                        + ("" if existing["name"] == names.normalise(cfg.name) else tr(" (names ignore case)")),
                        hint=tr("choose another name, or add to the existing dataset"))
    cfg.name = names.check_name(cfg.name, "dataset", "--name")
    if cfg.name.isdigit():
        raise UserError(tr("dataset name '{name}' is only digits", name=cfg.name), hint=tr("use a name with a letter in it"))
    return None


def check_import(engine, params: dict) -> None:
    """Before the job starts: the source is a file or folder, the name is usable, --append has a target."""
    from engine.input_paths import check_input_file
    cfg = ImportConfig.from_params(params)
    check_input_file(cfg.path, N_("import source"), allow_dir=True)
    _check_target(engine.workspace.db(), cfg)


def import_into(engine, cfg: ImportConfig, ctx: JobContext | None = None) -> dict:
    ws = engine.workspace
    tmp = ws.folder("tmp") / f"import-{uuid.uuid4().hex[:8]}"
    try:
        source = open_source(cfg.path, cfg.format, cfg.mapping, cfg.encoding, cfg.sheet, tmp_dir=tmp,
                             skip_bad=cfg.skip_bad)
        total = _estimate_total(source)
        return _import(engine, cfg, source, total, ctx)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _import(engine, cfg: ImportConfig, source, total: int, ctx) -> dict:
    ws = engine.workspace
    skipped: list[dict] = []
    with store.bulk_writes(ws.db()), busy.write(ws, tr("import into dataset '{name}'", name=cfg.name), interactive=False,
                                                job_id=ctx.job_id if ctx else None) as con:
        existing = _check_target(con, cfg)
        if existing is not None and existing["modality"] != source.modality:
            raise UserError(tr("dataset '{name}' holds {modality} examples; {name2} holds {modality2} examples", name=cfg.name, modality=existing['modality'], name2=source.path.name, modality2=source.modality))
        ds = existing or store.create_dataset(con, cfg.name, source.modality)
        version = store.NewVersion(con, ds, cfg.message or f"import {source.path.name}",
                                   job_id=ctx.job_id if ctx else None)
        with deferred_indexes(con, total):
            if pipeline.suitable(source, total):
                skipped_count = pipeline.write_rows(version, cfg, source, ctx, total, skipped)
            else:
                skipped_count = _write_rows(ws, version, cfg, source, ctx, total, skipped)
            version.flush()
        if version.added == 0:
            raise UserError(tr("{file}: no examples could be imported ({skipped} bad rows skipped)", file=source.path.name,
                               skipped=skipped_count) if skipped_count else
                            tr("{file}: no examples could be imported", file=source.path.name),
                            hint=tr("check the file and the column mapping (aigc data preview PATH)"))
        if ctx:
            ctx.check_cancelled()
            ctx.report(0.995, tr("committing"))
        version.measure_duplicates()
        result = version.commit({"import": asdict(cfg), "source": source.describe(), "skipped": skipped_count})
    if ctx:
        ctx.mark_committed()  # the transaction is in: a late Ctrl-C must not report "cancelled"
        ctx.report(1.0, tr("imported {count} examples", count=f"{version.added:,}"))
    return {"dataset": ds["name"], "dataset_id": ds["id"], "modality": source.modality, "version": result["version"],
            "hash": result["hash"], "imported": version.added, "count": result["count"],
            "skipped": skipped_count, "skipped_rows": skipped, **{k: v for k, v in source.describe().items()
                                                                  if k in ("format", "encoding", "delimiter",
                                                                           "mapping", "shape", "warnings")}}


def examples(ws, source, skip_bad: bool):
    """Validated rows of a source: ``(origin, line, fields, annotations)``, or ``(origin, line, None, problem)``
    for a row left out with ``skip_bad``; a row that stops the import raises its one-line UserError."""
    rows = iter_rows(source, skip_bad)
    origin, line = source.data.name, None
    while True:
        try:
            origin, line, example = next(rows)
        except StopIteration:
            return
        except RowError as exc:
            # a reader error ends the stream: a bad file cannot be skipped row by row
            raise UserError(tr("{where}{value}: {message}", where=_where(origin if exc.line else source.data.name, exc.line, source), value=tr(' field {field}', field=exc.field) if exc.field else '', message=exc.message),
                            hint=tr("fix the file and import again; nothing was imported")) from None
        try:
            if isinstance(example, RowError):
                raise example
            if source.modality == "image":
                fields, ann = _image_record(ws, source, origin, example)
            else:
                fields, ann = rec.text_fields(example), rec.annotations(example)
        except (RowError, rec.RecordError) as exc:
            if not skip_bad:
                raise UserError(tr("{where}{value}: {message}", where=_where(origin, line, source), value=tr(' field {field}', field=exc.field) if exc.field else '', message=exc.message),
                                hint=tr("fix that row, or import again skipping bad rows to leave them out")) from None
            yield origin, line, None, {"origin": origin, "line": line, "field": exc.field, "message": exc.message,
                                       "log": tr("skipped {where}{value}: {message}", where=_where(origin, line, source),
                                                 value=tr(" field {field}", field=exc.field) if exc.field else "",
                                                 message=exc.message)}
            continue
        yield origin, line, fields, ann


def skip(problem: dict, skipped: list, ctx) -> None:
    """Note one row left out: the first MAX_REPORTED in the result, every one in the job log."""
    if len(skipped) < MAX_REPORTED:
        skipped.append({k: problem[k] for k in ("origin", "line", "field", "message")})
    if ctx:
        ctx.log(problem["log"])


def _write_rows(ws, version, cfg: ImportConfig, source, ctx, total: int, skipped: list) -> int:
    """Rows converted and added one by one in this thread; returns how many were skipped."""
    seen = skipped_count = 0
    for origin, line, fields, ann in examples(ws, source, cfg.skip_bad):
        seen += 1
        if fields is None:
            skipped_count += 1
            skip(ann, skipped, ctx)
            continue
        version.add(fields, ann, origin, line)
        fault_point("data.import.row")
        if ctx and seen % REPORT_EVERY == 0:
            ctx.check_cancelled()
            ctx.report(min(0.99, seen / total), tr("{count} rows read", count=f"{seen:,}"))
        elif ctx and source.modality == "image":
            ctx.check_cancelled()
            ctx.report(min(0.99, seen / total), tr("{count} images checked", count=f"{seen:,}"))
    return skipped_count


def _image_record(ws, source, origin: str, example: dict) -> tuple[dict, dict]:
    path: Path = example["file_name"]
    if not path.is_file():
        raise RowError(None, "file_name", tr("image file '{name}' does not exist", name=path.name))
    problem = verify_image(path)
    if problem:
        raise RowError(None, "file_name", tr("image '{name}' {problem}", name=path.name, problem=problem))
    digest = ws.blobs.put_file(path)
    base = source.data if source.data.is_dir() else source.data.parent
    name = path.relative_to(base.resolve()).as_posix() if path.is_relative_to(base.resolve()) else path.name
    return rec.image_fields(digest, example.get("caption"), name), rec.annotations(example)


@job_kind("data.import", title="Import dataset", check=check_import)
def import_job(ctx: JobContext) -> dict:
    return import_into(ctx.engine, ImportConfig.from_params(ctx.params), ctx)
