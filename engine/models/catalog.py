"""The models catalog: base models and trained adapters, each with a SHA-256 manifest.

Layout: ``models/<id>/manifest.json`` always; ``models/<id>/files/`` holds the
model when it was copied in (imports, trained adapters). A referenced model
keeps its own folder; the bundled starter models are stored as
``resource:<relative path>`` and resolved against ``resources/`` when read, so
they work wherever the program is installed.
"""
from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from engine import names
from engine.errors import NotFound, UserError
from engine.models import manifest as mf
from engine.i18n import tr

RESOURCE_PREFIX = "resource:"
KINDS = ("text", "image")
ROLES = ("base", "adapter")


@dataclass
class ModelInfo:
    id: str
    name: str
    kind: str                 # "text" | "image"
    role: str                 # "base" | "adapter"
    path: str                 # the model folder
    base_id: str | None
    sha256: str               # manifest digest
    lineage: dict = field(default_factory=dict)   # base_sha256, dataset, dataset_version, run_id
    demo: bool = False
    info: dict = field(default_factory=dict)
    created_at: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_path(stored: str) -> str:
    if stored.startswith(RESOURCE_PREFIX):
        from engine.samples import resources_dir
        return str(resources_dir() / stored[len(RESOURCE_PREFIX):])
    return stored


def _row_to_info(row) -> ModelInfo:
    return ModelInfo(id=row["id"], name=row["name"], kind=row["kind"], role=row["role"],
                     path=resolve_path(row["path"]), base_id=row["base_id"], sha256=row["sha256"],
                     lineage=json.loads(row["lineage"] or "{}"), demo=bool(row["demo"]),
                     info=json.loads(row["info"] or "{}"), created_at=row["created_at"])


def new_model_id() -> str:
    return "m-" + uuid.uuid4().hex[:10]


def check_name(name: str, option: str | None = None) -> str:
    """The one naming rule (engine.names) applied to a model or adapter name."""
    return names.check_name(name, "model", option)


class ModelsAPI:
    """``engine.models``: list, get, register, import, verify and remove models."""

    def __init__(self, engine):
        self.engine = engine
        self.ws = engine.workspace

    # -- reading ------------------------------------------------------------------
    def list(self, kind: str | None = None, role: str | None = None) -> list[ModelInfo]:
        sql, args, where = "SELECT * FROM models", [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if role:
            where.append("role = ?")
            args.append(role)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at"
        return [_row_to_info(r) for r in self.ws.db().execute(sql, args)]

    def find(self, name_or_id: str) -> ModelInfo | None:
        con = self.ws.db()
        row = con.execute("SELECT * FROM models WHERE name = ? OR id = ?", (name_or_id, name_or_id)).fetchone()
        if row is None and name_or_id:
            rows = con.execute("SELECT * FROM models WHERE id LIKE ?", (name_or_id + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _row_to_info(row) if row else None

    def get(self, name_or_id: str) -> ModelInfo:
        found = self.find(name_or_id)
        if found is None:
            raise NotFound(tr("no model named '{name_or_id}'", name_or_id=name_or_id), hint=tr("'aigc models list' shows the models"))
        return found

    def check_new_name(self, name: str, option: str | None = None) -> str:
        """A usable name no model or adapter has yet (ignoring case); call it before any work starts."""
        return names.check_new_name(name, [r[0] for r in self.ws.db().execute("SELECT name FROM models")], "model",
                                    option, hint="choose another name or remove that model first")

    def manifest_path(self, model_id: str) -> Path:
        return self.ws.root / "models" / model_id / "manifest.json"

    # -- writing ------------------------------------------------------------------
    def register(self, name: str, kind: str, role: str, path, base=None, lineage: dict | None = None,
                 info: dict | None = None, demo: bool = False, model_id: str | None = None,
                 manifest: dict | None = None, stored_path: str | None = None) -> ModelInfo:
        """Add a model whose folder already exists; hashes every file into its manifest."""
        name = check_name(name)
        if kind not in KINDS or role not in ROLES:
            raise UserError(tr("model kind/role '{kind}/{role}' is not one of {kinds} x {roles}", kind=kind, role=role, kinds=KINDS, roles=ROLES))
        self.check_new_name(name)
        folder = Path(resolve_path(stored_path) if stored_path else path)
        if not folder.is_dir():
            raise UserError(tr("{folder} is not a folder", folder=folder))
        base_info = self.get(base) if isinstance(base, str) else base
        model_id = model_id or new_model_id()
        manifest = manifest or mf.build_manifest(folder)
        lineage = dict(lineage or {})
        if base_info is not None:
            lineage.setdefault("base_sha256", base_info.sha256)
            lineage.setdefault("base", base_info.name)
        mf.write_manifest(self.manifest_path(model_id), manifest)
        try:
            self.ws.db().execute(
                "INSERT INTO models(id, name, kind, role, path, base_id, sha256, lineage, info, demo, copied, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (model_id, name, kind, role, stored_path or str(folder), base_info.id if base_info else None,
                 manifest["sha256"], json.dumps(lineage, ensure_ascii=False, default=str),
                 json.dumps(info or {}, ensure_ascii=False, default=str), int(demo),
                 int(self._inside_workspace(folder)), time.time()))
        except Exception as exc:
            shutil.rmtree(self.manifest_path(model_id).parent, ignore_errors=True)
            import sqlite3
            if isinstance(exc, sqlite3.IntegrityError) and "name" in str(exc):
                raise UserError(tr("a model named '{name}' already exists", name=name),
                                hint=tr("choose another name or remove it first")) from None
            raise
        return self.get(model_id)

    def _active_jobs(self) -> list[tuple[str, str, dict]]:
        rows = self.ws.db().execute("SELECT id, kind, params FROM jobs WHERE state IN ('queued','running')")
        found = []
        for row in rows:
            try:
                params = json.loads(row["params"] or "{}")
            except ValueError:
                continue
            found.append((row["id"], row["kind"], params if isinstance(params, dict) else {}))
        return found

    def check_name_not_pending(self, name: str, option: str | None = None) -> None:
        """Refuse an output name that a queued or running training will register when it finishes."""
        wanted = names.normalise(name)
        for job_id, kind, params in self._active_jobs():
            config = params.get("config") if isinstance(params.get("config"), dict) else {}
            output = config.get("output_name") or config.get("name")
            if kind.endswith(".train") and isinstance(output, str) and names.normalise(output) == wanted:
                raise UserError(tr("'{name}': job {job_id} is already training a model of that name", name=name, job_id=job_id),
                                hint=tr("choose another name, or wait for that job"), options=(option,) if option else ())

    def users(self, model: ModelInfo) -> list[str]:
        """Queued or running jobs that use ``model`` (as base, adapter, or through the task they run)."""
        spellings = {model.name, model.id}
        found = []
        for job_id, kind, params in self._active_jobs():
            named = _model_refs(params)
            task = params.get("task")
            if isinstance(task, str):
                row = self.ws.db().execute("SELECT definition FROM tasks WHERE name = ?", (task,)).fetchone()
                if row is not None:
                    try:
                        named |= _model_refs(json.loads(row[0]))
                    except ValueError:
                        pass
            if named & spellings:
                found.append(f"{job_id} ({kind})")
        return found

    def _inside_workspace(self, folder: Path) -> bool:
        try:
            folder.resolve().relative_to((self.ws.root / "models").resolve())
            return True
        except ValueError:
            return False

    def import_model(self, path, name: str | None = None, kind: str | None = None, copy: bool = True,
                     trainable: bool = False):
        """Start a ``models.import`` job; returns the Job. ``trainable``: a .gguf file becomes a PyTorch base."""
        return self.engine.jobs.submit("models.import", {"path": str(path), "name": name, "kind": kind,
                                                         "copy": bool(copy), "trainable": bool(trainable)})

    def export_gguf(self, name: str, out, adapter: str | None = None, quant: str = "f16",
                    adapter_only: bool = False, force: bool = False):
        """Start a ``models.export`` job (a checked GGUF file for llama.cpp); returns the Job.

        The output path is checked first, so a refusal reaches the caller before any job exists."""
        from engine.deploy.export import check_output_path
        path = check_output_path(str(out), force)
        return self.engine.jobs.submit("models.export", {"model": name, "adapter": adapter, "format": "gguf",
                                                         "quant": quant, "out": str(path), "force": bool(force),
                                                         "adapter_only": bool(adapter_only)})

    def export_checkpoint(self, name: str, out, adapter: str | None = None, adapter_scale: float = 1.0,
                          force: bool = False):
        """Start a ``models.export`` job writing an image model (+ a LoRA merged in) as one original-layout
        Stable Diffusion .safetensors file; returns the Job. The output path is checked first."""
        from engine.deploy.export import check_output_path
        path = check_output_path(str(out), force, ".safetensors")
        return self.engine.jobs.submit("models.export", {"model": name, "adapter": adapter, "format": "sd-single-file",
                                                         "adapter_scale": float(adapter_scale), "out": str(path),
                                                         "force": bool(force)})

    def remove(self, name: str) -> dict:
        """Delete a model from the catalog (and its copied files); adapters built on it block removal."""
        model = self.get(name)
        dependants = [r["name"] for r in self.ws.db().execute("SELECT name FROM models WHERE base_id = ?", (model.id,))]
        if dependants:
            raise UserError(tr("model '{name}' is the base of {count} adapter(s): {items}", name=model.name, count=len(dependants), items=', '.join(dependants[:5])), hint=tr("remove those adapters first"))
        using = self.users(model)
        if using:
            raise UserError(tr("model '{name}' is in use by job {using}{value}", name=model.name, using=using[0], value=f' and {len(using) - 1} more' if len(using) > 1 else ''),
                            hint=tr("wait for the job to finish, or cancel it first"))
        self.ws.db().execute("DELETE FROM models WHERE id = ?", (model.id,))
        folder = self.ws.root / "models" / model.id
        shutil.rmtree(folder, ignore_errors=True)
        from engine.deploy.gguf_cache import drop
        cached = drop(self.ws, model.sha256)   # its llama.cpp copies (as a base or as a merged adapter)
        from engine.image.openvino_cache import drop as drop_openvino
        cached += drop_openvino(self.ws, model.sha256)   # its OpenVINO copies (as a base or as an adapter)
        return {"removed": model.name, "id": model.id, "deleted_files": self._inside_workspace(Path(model.path)),
                "dropped_cache": cached}

    def rename(self, name: str, new_name: str) -> ModelInfo:
        """Give a model or adapter a new name. Refused while a job uses it or a task names it (the task would
        lose its model); the files, fingerprint and lineage stay as they are."""
        model = self.get(name)
        new = check_name(new_name)
        others = [r[0] for r in self.ws.db().execute("SELECT name FROM models WHERE id != ?", (model.id,))]
        new = names.check_new_name(new, others, "model", hint="choose another name or remove that model first")
        if new == model.name:
            return model
        self.check_name_not_pending(new)
        using = self.users(model)
        if using:
            raise UserError(f"model '{model.name}' is in use by job {using[0]}",
                            hint="wait for the job to finish, or cancel it first")
        spellings = {model.name, model.id}
        for task_name, definition in self.ws.db().execute("SELECT name, definition FROM tasks"):
            try:
                named = _model_refs(json.loads(definition))
            except ValueError:
                continue
            if named & spellings:
                raise UserError(f"model '{model.name}' is named by task '{task_name}'",
                                hint="point the task at another model first, or keep this name")
        self.ws.db().execute("UPDATE models SET name = ? WHERE id = ?", (new, model.id))
        return self.get(model.id)

    def details(self, name: str) -> dict:
        """Size on disk, parameters, dtype or quantization, context length and licence, from the files."""
        from engine.models.details import model_details
        model = self.get(name)
        return {"name": model.name, "path": model.path, **model_details(model)}

    def start_verify(self, name: str, deep: bool = True):
        """``verify`` as a ``models.verify`` job (progress, cancel, the Jobs panel); returns the Job."""
        model = self.get(name)   # an unknown name fails at once
        return self.engine.jobs.submit("models.verify", {"name": model.name, "deep": bool(deep)},
                                       title=f"Verify model {model.name}")

    def verify(self, name: str, deep: bool = True, progress: Callable[[float, str], None] | None = None,
               check: Callable[[], None] | None = None) -> dict:
        """Re-hash every file against the manifest; for text models also re-run the structural checks.
        Reads only; ``check`` (a job's cancel check) runs between files and blocks."""
        model = self.get(name)
        try:
            manifest = mf.read_manifest(self.manifest_path(model.id))
        except OSError:
            return {"name": model.name, "ok": False, "error": "manifest.json is missing", "missing": [],
                    "changed": [], "extra": []}
        report = {"name": model.name, "id": model.id, "path": model.path,
                  **mf.compare(model.path, manifest, check=check, progress=progress)}
        if check:
            check()
        if report["ok"] and deep and model.kind == "text" and model.role == "base":
            from engine.models.text_check import verify_text_folder
            try:
                if model.info.get("format") == "gguf":
                    from engine.deploy.gguf_file import check_model, read_gguf
                    from engine.deploy.runtime import gguf_path
                    check_model(read_gguf(gguf_path(model)))
                else:
                    verify_text_folder(model.path)
            except UserError as exc:
                report.update(ok=False, error=str(exc))
        return report


def _model_refs(value) -> set[str]:
    """Every string under a model, adapter, base or init_adapter key, at any depth (task steps too)."""
    keys = ("model", "adapter", "base", "init_adapter")
    found, stack = set(), [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in keys and isinstance(child, str):
                    found.add(child)
                elif isinstance(child, (dict, list)):
                    stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return found
