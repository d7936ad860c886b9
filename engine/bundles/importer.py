"""The ``bundle.import`` job: verify everything, then register models, adapters, datasets and tasks.

Order matters for the promise that a failure leaves the workspace unchanged:

1. the manifest, every entry name and every file's size and SHA-256 are checked
   while the files are extracted into a staging folder under ``tmp/``;
2. names, adapter bases and task files are resolved, and every staged model is
   verified the way the catalog verifies imports;
3. only then are items registered, and if anything still fails (or the job is
   cancelled) the items registered so far are removed again.
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.bundles.checks import check_model_folder
from engine.bundles.keys import signature_problem
from engine.bundles.manifest import ALTERED_HINT
from engine.bundles.plan import ItemPlan, first_problem, parse_renames, plan_import, resolve_tasks
from engine.bundles.reader import BundleReader
from engine.errors import UserError
from engine.faults import fault_point
from engine.jobs import JobContext, job_kind
from engine.i18n import N_, tr


@dataclass
class ImportConfig:
    path: str
    renames: list[str] = field(default_factory=list)   # "OLD=NEW" or "TYPE:OLD=NEW"
    require_signature: bool = False   # on top of the workspace policy, which always applies

    @classmethod
    def from_params(cls, params: dict) -> "ImportConfig":
        if not params.get("path"):
            raise UserError(tr("a bundle import needs the path of the bundle"), hint=tr("aigc bundle import PATH"))
        renames = params.get("renames") or []
        if isinstance(renames, dict):
            renames = [f"{k}={v}" for k, v in renames.items()]
        return cls(path=str(params["path"]), renames=[str(r) for r in renames],
                   require_signature=bool(params.get("require_signature")))


class SubProgress:
    """A job context whose progress fractions land inside ``[start, end]`` of the outer job's."""

    def __init__(self, ctx: JobContext, start: float, end: float):
        self._ctx, self._start, self._end = ctx, start, end
        self.job_id = ctx.job_id

    def report(self, fraction: float | None = None, message: str | None = None) -> None:
        self._ctx.report(None if fraction is None else self._start + (self._end - self._start) * fraction, message)

    def __getattr__(self, name):
        return getattr(self._ctx, name)


class Undo:
    """What has been registered so far, removed again in reverse order if the import fails."""

    def __init__(self, engine):
        self.engine = engine
        self.steps: list[tuple[str, str]] = []

    def undo(self) -> None:
        from engine.tasks import store as task_store
        for kind, name in reversed(self.steps):
            try:
                if kind == "model":
                    self.engine.models.remove(name)
                elif kind == "folder":
                    shutil.rmtree(name, ignore_errors=True)
                elif kind == "dataset":
                    self.engine.data.delete(name)
                elif kind == "task":
                    task_store.remove_task(self.engine.workspace, name)
            except Exception:  # noqa: BLE001 - keep undoing the rest
                pass
        self.steps.clear()


def _check_space(folder: Path, manifest) -> None:
    """Model files are moved out of staging; dataset files are read into the workspace, so they count twice."""
    needed = sum(item.size * (1 if item.type in ("model", "adapter") else 2) for item in manifest.items)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise UserError(tr("the bundle needs about {value:.2f} GB free in {folder}, only {value2:.2f} GB are free", value=needed / 1e9, folder=folder, value2=free / 1e9), hint=tr("free some disk space, or use another workspace"))


def _register_model(engine, p: ItemPlan, staged: Path, bundle: Path, undo: Undo) -> dict:
    from engine.models.catalog import new_model_id
    item = p.item
    base_id = None
    if item.type == "adapter":
        base = next((m for m in engine.models.list() if m.sha256 == item.base_sha256 and m.role == "base"), None)
        if base is None:
            raise UserError(tr("adapter '{name}': its base model is not in this workspace", name=item.name))
        base_id = base.id
    model_id = new_model_id()
    final = engine.workspace.root / "models" / model_id
    final.mkdir(parents=True)
    undo.steps.append(("folder", str(final)))
    os.replace(staged, final / "files")
    manifest = {"files": {f.path: {"sha256": f.sha256, "size": f.size} for f in item.files}, "sha256": item.sha256}
    info = {k: v for k, v in item.info.items() if k not in ("role", "demo")}
    info["bundle"] = {"file": bundle.name, "name": item.name}
    role = "adapter" if item.type == "adapter" else item.info.get("role", "base")
    model = engine.models.register(p.target, item.kind, role, final / "files", base=base_id,
                                   lineage=dict(item.lineage), info=info, model_id=model_id, manifest=manifest,
                                   demo=bool(item.info.get("demo")))
    undo.steps.append(("model", model.id))
    return {"id": model.id, "sha256": model.sha256}


def _import_dataset(engine, p: ItemPlan, staged: Path, bundle: Path, ctx, undo: Undo) -> dict:
    from engine.data.importer import ImportConfig as DataImportConfig
    from engine.data.importer import import_into
    info = p.item.info
    source = staged / p.item.entry_file()   # checked against the item's listed files when the manifest was read
    if not source.resolve().is_relative_to(staged.resolve()):
        raise UserError(tr("dataset '{name}': file {entry_file} lies outside the bundle", name=p.item.name, entry_file=p.item.entry_file()),
                        hint=ALTERED_HINT)
    message = f"from bundle {bundle.name} ({p.item.name} v{info.get('version')})"
    cfg = DataImportConfig(path=str(source), name=p.target, format=info.get("format") or "jsonl", message=message)
    try:
        result = import_into(engine, cfg, ctx)
    except UserError as exc:
        raise UserError(tr("dataset '{name}': {message}", name=p.item.name, message=exc.message), hint=exc.hint) from None
    undo.steps.append(("dataset", p.target))
    if result["hash"] != info.get("hash"):
        raise UserError(tr("dataset '{name}': its records add up to version hash {value}, the manifest says {value2}; "
                           "nothing was imported", name=p.item.name, value=str(result['hash'])[:12], value2=str(info.get('hash'))[:12]), hint=ALTERED_HINT)
    return {"version": result["version"], "hash": result["hash"], "count": result["count"], "hash_matches": True}


def import_bundle(engine, cfg: ImportConfig, ctx: JobContext | None = None) -> dict:
    bundle = Path(cfg.path).expanduser().resolve()
    check = ctx.check_cancelled if ctx else None
    report = ctx.report if ctx else (lambda *a, **k: None)
    staging = engine.workspace.folder("tmp") / f"bundle-import-{uuid.uuid4().hex[:8]}"
    undo = Undo(engine)
    results = []
    try:
        with BundleReader(bundle) as reader:
            manifest = reader.manifest
            signature = engine.keys.describe(reader.signature)
            if cfg.require_signature or engine.keys.require_signature():
                problem = signature_problem(signature, bundle.name)
                if problem:
                    raise problem
            if ctx:
                trust = tr("trusted as {name}", name=signature["trusted_as"]) if signature["trusted"] else \
                    tr("NOT trusted here")
                ctx.log(tr("signed by key {name} ({short}), {trust}", name=signature["key_name"],
                           short=signature["short"], trust=trust) if signature["signed"]
                        else tr("the bundle is not signed"))
            plans = plan_import(engine, manifest, parse_renames(cfg.renames))
            problem = first_problem(plans)
            if problem:
                raise problem
            _check_space(engine.workspace.root, manifest)
            reader.verify(extract_to=staging, check=check,
                          progress=lambda f, m: report(0.02 + 0.5 * f, m))
        resolve_tasks(engine, plans, lambda item, rel: (staging / item.root / rel).read_bytes())  # rel is checked
        problem = first_problem(plans)
        if problem:
            raise problem
        for p in plans:
            if p.item.type in ("model", "adapter") and p.action == "add":
                report(0.55, tr("verifying {kind} {name}", kind=tr(p.item.type), name=p.item.name))
                facts = check_model_folder(p.item, staging / p.item.root)
                params = facts.get("parameters")
                if ctx and params:
                    total = sum(params.values()) if isinstance(params, dict) else params
                    ctx.log(tr("{type} {name}: verified ({total:,} parameters)", type=p.item.type, name=p.item.name, total=total))
        for index, p in enumerate(plans):
            if check:
                check()
            start = 0.65 + 0.33 * index / len(plans)
            report(start, tr("adding {kind} {name}", kind=tr(p.item.type), name=p.target))
            entry = {"type": p.item.type, "name": p.item.name, "target": p.target, "action": p.action,
                     "notes": p.notes}
            for note in p.notes:
                if ctx:
                    ctx.log(tr("{type} {target}: {note}", type=p.item.type, target=p.target, note=note))
            if p.action == "present":
                results.append(entry)
                continue
            staged = staging / p.item.root
            fault_point("bundle.import.item")
            if p.item.type in ("model", "adapter"):
                entry.update(_register_model(engine, p, staged, bundle, undo))
            elif p.item.type == "dataset":
                sub = SubProgress(ctx, start, start + 0.33 / len(plans)) if ctx else None
                entry.update(_import_dataset(engine, p, staged, bundle, sub, undo))
            else:
                from engine.tasks import store as task_store
                task_store.save_tasks(engine.workspace, [p.task])
                undo.steps.append(("task", p.target))
            results.append(entry)
    except BaseException:
        undo.undo()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report(1.0, tr("imported {count} item(s)", count=sum(1 for r in results if r['action'] == 'add')))
    return {"path": str(bundle), "items": results, "signature": signature,
            "added": sum(1 for r in results if r["action"] == "add"),
            "present": sum(1 for r in results if r["action"] == "present"), "config": asdict(cfg)}


def _check_import(engine, params: dict) -> None:
    import zipfile

    from engine.input_paths import check_input_file
    path = check_input_file(params.get("path"), N_("bundle file"))  # missing, a folder, a FIFO: said before the job
    if not zipfile.is_zipfile(path):
        raise UserError(tr("bundle file {path} is not a complete zip file (cut short, or not a bundle)", path=path),
                        hint=tr("copy the .zip that 'aigc bundle export' wrote again"))


@job_kind("bundle.import", title="Import bundle", check=_check_import)
def import_job(ctx: JobContext) -> dict:
    return import_bundle(ctx.engine, ImportConfig.from_params(ctx.params), ctx)
