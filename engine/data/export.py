"""The ``data.export`` job: a version to JSONL, Alpaca, ShareGPT, OpenAI chat, CSV or an imagefolder.

Each format is written the way its importer reads it, so import(export(x))
gives the same records (UTF-8, Chinese text unescaped and byte-exact) and
annotations (label, tags, note, status, split) travel in the native JSONL and
CSV. Files are written atomically; a folder appears complete or not at all.
"""
from __future__ import annotations

import csv
import json
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.atomic import atomic_open, replace_dir
from engine.data import query, store
from engine.errors import UserError
from engine.jobs import JobContext, job_kind
from engine.data.formulas import guard
from engine.output_paths import check_output_file, check_output_folder
from engine.i18n import N_, tr

FORMATS = ("jsonl", "alpaca", "sharegpt", "openai", "csv", "imagefolder")
TEXT_COLUMNS = ("system", "instruction", "input", "output", "messages")
ANN_COLUMNS = ("label", "tags", "note", "status", "split")


@dataclass
class ExportConfig:
    name: str
    format: str
    out: str
    version: int | str | None = None
    split: str | None = None
    include_rejected: bool = False
    force: bool = False             # replace an existing file or folder at ``out``


def _annotations(row, include_status: bool) -> dict:
    out = {}
    if row["label"] is not None:
        out["label"] = row["label"]
    tags = json.loads(row["tags"])
    if tags:
        out["tags"] = tags
    if row["note"]:
        out["note"] = row["note"]
    if include_status and row["status"] != "unreviewed":
        out["status"] = row["status"]
    out["split"] = row["split"]
    return out


def _chat(fields: dict, item: int) -> list[dict]:
    if "messages" in fields:
        turns = list(fields["messages"])
        if fields.get("system"):
            turns.insert(0, {"role": "system", "content": fields["system"]})
        return turns
    turns = [{"role": "system", "content": fields["system"]}] if fields.get("system") else []
    prompt = fields.get("instruction", "")
    if fields.get("input"):
        prompt = f"{prompt}\n\n{fields['input']}" if prompt else fields["input"]
    return turns + [{"role": "user", "content": prompt}, {"role": "assistant", "content": fields.get("output", "")}]


def _alpaca(fields: dict, item: int) -> dict:
    if "messages" in fields:
        turns = [m for m in fields["messages"] if m["role"] != "system"]
        system = fields.get("system") or next((m["content"] for m in fields["messages"] if m["role"] == "system"), "")
        if len(turns) != 2 or turns[0]["role"] != "user" or turns[1]["role"] != "assistant":
            raise UserError(tr("record #{item} is a {count}-turn chat, which Alpaca cannot hold", item=item, count=len(turns)),
                            hint=tr("export as sharegpt or openai instead"))
        out = {"instruction": turns[0]["content"], "input": "", "output": turns[1]["content"]}
        return {**out, "system": system} if system else out
    out = {"instruction": fields.get("instruction", ""), "input": fields.get("input", ""),
           "output": fields.get("output", "")}
    return {**out, "system": fields["system"]} if fields.get("system") else out


def _sharegpt(fields: dict, item: int) -> dict:
    turns = _chat({k: v for k, v in fields.items() if k != "system"}, item)
    names = {"user": "human", "assistant": "gpt", "system": "system", "tool": "observation"}
    out = {"conversations": [{"from": names[t["role"]], "value": t["content"]} for t in turns]}
    return {**out, "system": fields["system"]} if fields.get("system") else out


def _json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def check(engine, cfg: ExportConfig):
    """Everything that can be refused before writing: format, dataset, version, the output path."""
    if cfg.format not in FORMATS:
        raise UserError(tr("unknown export format '{format}'", format=cfg.format), hint="use one of " + ", ".join(FORMATS))
    con = engine.workspace.db()
    ds = store.find_dataset(con, cfg.name)
    version = store.resolve_version(con, ds, cfg.version)
    image = ds["modality"] == "image"
    if image != (cfg.format == "imagefolder"):
        raise UserError(tr("dataset '{name}' holds {modality} examples; the format {format} does not fit", name=ds['name'], modality=ds['modality'], format=cfg.format),
                        options=("--format",),
                        hint=tr("image datasets export as imagefolder; text datasets as jsonl, alpaca, sharegpt, openai or csv"))
    out = check_output_folder(cfg.out, cfg.force, N_("export folder")) if image else \
        check_output_file(cfg.out, cfg.force, N_("export file"))
    return ds, version, out


def export(engine, cfg: ExportConfig, ctx: JobContext | None = None) -> dict:
    ws = engine.workspace
    con = ws.db()
    ds, version, out = check(engine, cfg)
    image = ds["modality"] == "image"
    total = max(1, query.count(con, ds, version, split=cfg.split))

    def rows():
        for index, row in enumerate(query.iter_members(con, ds, version, split=cfg.split,
                                                       exclude_rejected=not cfg.include_rejected)):
            if ctx and index % 1000 == 0:
                ctx.check_cancelled()
                ctx.report(index / total, tr("wrote {done} of {total}", done=f"{index:,}", total=f"{total:,}"))
            yield row, json.loads(row["fields"])

    if cfg.format == "imagefolder":
        count = _imagefolder(ws, out, rows(), cfg.include_rejected)
    elif cfg.format == "csv":
        count = _csv(out, rows, cfg.include_rejected)
    else:
        count = 0
        as_array = cfg.format in ("alpaca", "sharegpt") and out.suffix.lower() != ".jsonl"
        with atomic_open(out, "w", encoding="utf-8") as handle:
            if as_array:
                handle.write("[\n")
            for row, fields in rows():
                if cfg.format == "jsonl":
                    obj = {**fields, **_annotations(row, cfg.include_rejected)}
                elif cfg.format == "openai":
                    obj = {"messages": _chat(fields, row["item"])}
                    if row["label"] is not None:
                        obj["label"] = row["label"]
                else:
                    obj = _alpaca(fields, row["item"]) if cfg.format == "alpaca" else _sharegpt(fields, row["item"])
                    if row["label"] is not None:
                        obj["label"] = row["label"]
                if as_array:
                    handle.write(("  " if count == 0 else ", ") + json.dumps(obj, ensure_ascii=False) + "\n")
                else:
                    handle.write(_json_line(obj))
                count += 1
            if as_array:
                handle.write("]\n")
    if ctx:
        ctx.report(1.0, tr("wrote {count} records", count=f"{count:,}"))
    ref = {"dataset": ds["name"], "version": version, "hash": con.execute(
        "SELECT hash FROM dataset_versions WHERE dataset_id = ? AND version = ?", (ds["id"], version)).fetchone()[0]}
    return {**ref, "format": cfg.format, "out": str(out), "count": count, "config": asdict(cfg)}


def _csv(out: Path, rows, include_status: bool) -> int:
    used: list[str] = []
    for row, fields in rows():
        for name in TEXT_COLUMNS:
            if name in fields and name not in used:
                used.append(name)
        for name in _annotations(row, include_status):
            if name not in used:
                used.append(name)
    columns = [c for c in TEXT_COLUMNS + ANN_COLUMNS if c in used]
    count = 0
    with atomic_open(out, "w", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row, fields in rows():
            values = {**fields, **_annotations(row, include_status)}
            if "messages" in values:
                values["messages"] = json.dumps(values["messages"], ensure_ascii=False)
            if "tags" in values:
                values["tags"] = ",".join(values["tags"])
            writer.writerow([guard(values.get(c, "")) for c in columns])
            count += 1
    return count


def _imagefolder(ws, out: Path, rows, include_status: bool) -> int:
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:6]}.tmp")
    tmp.mkdir(parents=True)
    count = 0
    try:
        used: set[str] = set()
        with open(tmp / "metadata.jsonl", "w", encoding="utf-8", newline="\n") as meta:
            for row, fields in rows:
                name = fields.get("file_name") or f"{fields['image'][:16]}.png"
                stem, dot, ext = name.rpartition(".")
                candidate, n = name, 1
                while candidate in used:
                    candidate, n = f"{stem}_{n}{dot}{ext}" if dot else f"{name}_{n}", n + 1
                used.add(candidate)
                target = tmp / candidate
                target.parent.mkdir(parents=True, exist_ok=True)
                source = ws.blobs.path_for(fields["image"])
                if not source.is_file():
                    raise UserError(tr("dataset record #{item} ({name}): its image file {source} is missing from the workspace", item=row['item'], name=name, source=source), hint=tr("re-import the images, or reject that record"))
                shutil.copyfile(source, target)
                meta.write(_json_line({"file_name": candidate, "text": fields.get("caption", ""),
                                       **_annotations(row, include_status)}))
                count += 1
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return count


def _config(params: dict) -> ExportConfig:
    return ExportConfig(**{k: v for k, v in params.items() if k in ExportConfig.__dataclass_fields__})


@job_kind("data.export", title="Export dataset", check=lambda engine, params: check(engine, _config(params)))
def export_job(ctx: JobContext) -> dict:
    return export(ctx.engine, _config(ctx.params), ctx)
