"""The ``bundle.export`` job: models, adapters, datasets and tasks into one verified ``.zip``.

Models and adapters travel as their catalog folder, file by file, re-hashed on
the way so a file changed since import is refused rather than shipped.
Datasets travel as the product's own lossless export of one version (native
JSONL with annotations, or an imagefolder with its metadata) and tasks as their
task file, both written by their own areas. The zip is written under a temporary
name and renamed only when complete.
"""
from __future__ import annotations

import errno
import glob
import hashlib
import os
import shutil
import stat
import uuid
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine import __version__
from engine.bundles.manifest import MANIFEST_NAME, BundleFile, BundleItem, BundleManifest
from engine.bundles.signing import SIGNATURE_NAME, sign_manifest
from engine.errors import UserError
from engine.faults import fault_point
from engine.output_paths import check_output_file
from engine.jobs import JobContext, job_kind
from engine.i18n import N_, tr

CHUNK = 1 << 22
STORED_SUFFIXES = {".safetensors", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".zip", ".gz", ".model"}


@dataclass
class ExportConfig:
    out: str
    models: list[str] = field(default_factory=list)
    adapters: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)     # NAME or NAME@VERSION
    tasks: list[str] = field(default_factory=list)
    overwrite: bool = False
    sign: str | None = None      # signing key name; None: the workspace's default key, if it has one
    no_sign: bool = False        # write an unsigned bundle even when a key exists

    @classmethod
    def from_params(cls, params: dict) -> "ExportConfig":
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        cfg = cls(**known)
        for key in ("models", "adapters", "datasets", "tasks"):
            setattr(cfg, key, [str(v) for v in (getattr(cfg, key) or [])])
        if not cfg.out:
            raise UserError(tr("a bundle export needs an output path"), hint=tr("choose where to write the bundle"), options=("OUT.zip",))
        return cfg


@dataclass
class PlannedItem:
    item: BundleItem
    sources: list[tuple[Path, str, dict | None]] = field(default_factory=list)  # (file, relpath, expected entry)
    dataset: tuple[str, int, str] | None = None   # (name, version, modality): exported at run time
    task: str | None = None


def split_dataset_spec(spec: str) -> tuple[str, str | None]:
    name, at, version = spec.rpartition("@")
    return (name, version) if at and name else (spec, None)


def _model_item(engine, name: str, wanted_role: str, index: int) -> PlannedItem:
    from engine.models import manifest as mf
    model = engine.models.get(name)
    if model.role != wanted_role:
        flag = "--adapter" if model.role == "adapter" else "--model"
        wanted = "an adapter" if wanted_role == "adapter" else "a base model"
        raise UserError(tr("'{name}' is a {role} model, not {wanted}", name=model.name, role=model.role, wanted=wanted),
                        hint=tr("add it as {value}", value='an adapter' if model.role == 'adapter' else 'a model'), options=(flag,))
    try:
        catalog = mf.read_manifest(engine.models.manifest_path(model.id))
    except (OSError, ValueError):
        raise UserError(tr("model '{name}': its manifest.json is missing or damaged", name=model.name),
                        hint=tr("run 'aigc models verify {name}'", name=model.name)) from None
    folder = Path(model.path)
    sources = []
    for rel, entry in sorted(catalog.get("files", {}).items()):
        path = folder / rel
        if not path.is_file():
            what = "adapter" if model.role == "adapter" else "model"
            raise UserError(tr("{what} '{name}': file {path} is missing", what=what, name=model.name, path=path),
                            hint=tr("run 'aigc models verify {name}'; import the model again", name=model.name))
        sources.append((path, rel, entry))
    item_type = "adapter" if model.role == "adapter" else "model"
    item = BundleItem(type=item_type, name=model.name, root=f"items/{index:02d}-{item_type}", kind=model.kind,
                      sha256=model.sha256, lineage=dict(model.lineage),
                      info={**model.info, "role": model.role, "demo": model.demo})
    if model.role == "adapter":
        base = engine.models.find(model.base_id) if model.base_id else None
        item.base_sha256 = model.lineage.get("base_sha256") or (base.sha256 if base else None)
        item.base_name = base.name if base else model.lineage.get("base")
        if not item.base_sha256:
            raise UserError(tr("adapter '{name}' does not record which base model it was trained on", name=model.name),
                            hint=tr("it cannot be moved safely; train it again in this version"))
    elif model.base_id:
        item.lineage.setdefault("base_sha256", model.lineage.get("base_sha256"))
    return PlannedItem(item, sources)


def signing_key(engine, cfg: ExportConfig):
    """``(name, private key)`` to sign with, or None for an unsigned bundle."""
    if cfg.no_sign:
        if cfg.sign:
            raise UserError(tr("signing and not signing contradict each other"), hint=tr("choose one of them"),
                            options=("--sign", "--no-sign"))
        return None
    if not cfg.sign and engine.keys.default_name() is None:
        return None
    return engine.keys.private_key(cfg.sign)


def plan(engine, cfg: ExportConfig) -> list[PlannedItem]:
    """Resolve every requested item now, so a wrong name fails before any byte is written."""
    from engine.data import store as data_store
    signing_key(engine, cfg)
    out = check_output_file(cfg.out, cfg.overwrite, N_("bundle file"))
    if out.suffix.lower() != ".zip":
        raise UserError(tr("{out}: a bundle is a .zip file", out=out), hint=tr("give an output name ending in .zip"))
    planned: list[PlannedItem] = []
    for name in cfg.models:
        planned.append(_model_item(engine, name, "base", len(planned) + 1))
    for name in cfg.adapters:
        planned.append(_model_item(engine, name, "adapter", len(planned) + 1))
    con = engine.workspace.db()
    for spec in cfg.datasets:
        name, version = split_dataset_spec(spec)
        ds = data_store.find_dataset(con, name)
        number = data_store.resolve_version(con, ds, version)
        ref = engine.data.version_ref(ds["name"], number)
        index = len(planned) + 1
        item = BundleItem(type="dataset", name=ds["name"], root=f"items/{index:02d}-dataset", kind=ds["modality"],
                          info={"version": number, "hash": ref.get("hash"),
                                "format": "imagefolder" if ds["modality"] == "image" else "jsonl"})
        planned.append(PlannedItem(item, dataset=(ds["name"], number, ds["modality"])))
    for name in cfg.tasks:
        task = engine.tasks.get(name)
        index = len(planned) + 1
        refs = {"dataset": task.dataset, "model": task.model, "adapter": task.adapter}
        item = BundleItem(type="task", name=task.name, root=f"items/{index:02d}-task",
                          info={"references": {k: v for k, v in refs.items() if v}})
        planned.append(PlannedItem(item, task=task.name))
    if not planned:
        raise UserError(tr("nothing to export"), hint=tr("choose at least one model, adapter, dataset or task"), options=("--model", "--adapter", "--dataset", "--task"))
    seen = set()
    for p in planned:
        key = (p.item.type, p.item.name)
        if key in seen:
            raise UserError(tr("{type} '{name}' is named twice", type=p.item.type, name=p.item.name))
        seen.add(key)
    return planned


def _stage_generated(engine, planned: list[PlannedItem], staging: Path, ctx: JobContext | None) -> None:
    """Write dataset exports and task files into ``staging`` and turn them into file sources."""
    from engine.data.export import ExportConfig as DataExportConfig
    from engine.data.export import export as export_dataset
    from engine.models.manifest import model_files
    from engine.tasks import store as task_store
    for p in planned:
        if ctx:
            ctx.check_cancelled()
        folder = staging / p.item.root
        if p.dataset:
            name, version, modality = p.dataset
            if ctx:
                ctx.report(0.02, tr("exporting dataset {name} version {version}", name=name, version=version))
            target = folder / ("images" if modality == "image" else "records.jsonl")
            result = export_dataset(engine, DataExportConfig(name=name, format=p.item.info["format"], out=str(target),
                                                             version=version, include_rejected=True))
            p.item.info.update(count=result["count"], file=target.name, hash=result["hash"])
        elif p.task:
            task_store.write_task_file([engine.tasks.get(p.task)], folder / "task.json")
            p.item.info["file"] = "task.json"
        else:
            continue
        p.sources = [(path, path.relative_to(folder).as_posix(), None) for path in model_files(folder)]


def _zip_info(member: str, suffix: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED if suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _write_file(zf: zipfile.ZipFile, source: Path, member: str, progress) -> BundleFile:
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as reader, zf.open(_zip_info(member, source.suffix), "w", force_zip64=True) as writer:
        for block in iter(lambda: reader.read(CHUNK), b""):
            digest.update(block)
            fault_point("bundle.export.write", member)
            writer.write(block)
            size += len(block)
            progress(len(block))
    return BundleFile(path="", size=size, sha256=digest.hexdigest())


def _check_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise UserError(tr("the bundle needs about {value:.2f} GB and {folder} has {value2:.2f} GB free", value=needed / 1e9, folder=folder, value2=free / 1e9),
                        hint=tr("free some space, use a larger stick, or export fewer items per bundle"))


def _write_zip(tmp: Path, planned: list[PlannedItem], manifest: BundleManifest, progress,
               ctx: JobContext | None, key=None) -> None:
    """Every source file into the zip, hashed on the way; the manifest last, once every hash is known,
    and its signature when a key is given."""
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        for p in planned:
            if ctx:
                ctx.log(tr("adding {type} {name} ({count} files)", type=p.item.type, name=p.item.name, count=len(p.sources)))
            for source, rel, expected in p.sources:
                written = _write_file(zf, source, f"{p.item.root}/{rel}", progress)
                if expected is not None and (written.sha256 != expected["sha256"] or written.size != expected["size"]):
                    raise UserError(tr("{type} '{name}': file {rel} changed since it entered the catalog", type=p.item.type, name=p.item.name, rel=rel), hint=tr("run 'aigc models verify {name}'", name=p.item.name))
                written.path = rel
                p.item.files.append(written)
                if ctx:
                    ctx.check_cancelled()
        manifest_bytes = manifest.to_json().encode("utf-8")
        zf.writestr(_zip_info(MANIFEST_NAME, ".json"), manifest_bytes)
        if key is not None:
            name, private = key
            zf.writestr(_zip_info(SIGNATURE_NAME, ".json"), sign_manifest(private, name, manifest_bytes))


def write_bundle(engine, cfg: ExportConfig, ctx: JobContext | None = None) -> dict:
    out = check_output_file(cfg.out, cfg.overwrite, N_("bundle file"))
    planned = plan(engine, cfg)
    key = signing_key(engine, cfg)
    staging = engine.workspace.folder("tmp") / f"bundle-export-{uuid.uuid4().hex[:8]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{glob.escape(out.name)}.*.tmp"):   # left by an export that was killed
        stale.unlink(missing_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        _stage_generated(engine, planned, staging, ctx)
        total = max(1, sum(path.stat().st_size for p in planned for path, _, _ in p.sources))
        done = [0]

        def progress(count: int) -> None:
            done[0] += count
            if ctx:
                ctx.check_cancelled()
                ctx.report(0.05 + 0.93 * done[0] / total, tr("writing {done} of {total} MB", done=f"{done[0] / 1e6:,.1f}", total=f"{total / 1e6:,.1f}"))

        _check_space(out.parent, total)
        manifest = BundleManifest(items=[p.item for p in planned], product_version=__version__)
        try:
            _write_zip(tmp, planned, manifest, progress, ctx, key)
        except OSError as exc:
            if exc.errno == errno.EFBIG:
                raise UserError(tr("{parent} cannot hold a file this large ({value:.1f} GB)", parent=out.parent, value=total / 1e9),
                                hint=tr("a FAT32 USB stick stops at 4 GB: format it as exFAT or NTFS, or export fewer items per bundle")) from None
            if exc.errno == errno.ENOSPC:
                raise UserError(tr("{parent} is full", parent=out.parent), hint=tr("free some space or use a larger stick")) from None
            raise
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        fault_point("bundle.export.replace", tmp)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if tmp.exists():
            tmp.unlink()
    if ctx:
        ctx.report(1.0, tr("wrote {file}", file=out.name))
    signed = None
    if key is not None:
        from engine.bundles.signing import short_fingerprint
        fp = engine.keys.describe_own(key[0])
        signed = {"key_name": key[0], "fingerprint": fp, "short": short_fingerprint(fp)}
        if ctx:
            ctx.log(tr("signed with key {key} ({short})", key=key[0], short=signed['short']))
    return {"out": str(out), "bytes": out.stat().st_size, "files": sum(len(p.item.files) for p in planned),
            "signed_by": signed,
            "items": [{"type": p.item.type, "name": p.item.name, "files": len(p.item.files), "bytes": p.item.size}
                      for p in planned], "config": asdict(cfg)}


@job_kind("bundle.export", title="Export bundle")
def export_job(ctx: JobContext) -> dict:
    return write_bundle(ctx.engine, ExportConfig.from_params(ctx.params), ctx)
