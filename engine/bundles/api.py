"""``engine.bundles``: move models, adapters, datasets and tasks between air-gapped machines.

``export`` and ``import_`` are jobs (``bundle.export``, ``bundle.import``);
``inspect`` verifies a bundle and says what importing it here would do,
without changing anything.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from engine.errors import UserError


class BundlesAPI:
    def __init__(self, engine):
        self.engine = engine

    def export(self, out, models=(), adapters=(), datasets=(), tasks=(), overwrite: bool = False,
               sign: str | None = None, no_sign: bool = False):
        """Start a ``bundle.export`` job; names are checked first so a typo fails at once.

        The bundle is signed with key ``sign``, else with the workspace's default key if it has one,
        unless ``no_sign``."""
        from engine.bundles.export import ExportConfig, plan
        params = {"out": str(Path(out).expanduser().resolve()), "models": list(models), "adapters": list(adapters),
                  "datasets": [str(d) for d in datasets], "tasks": list(tasks), "overwrite": bool(overwrite),
                  "sign": sign, "no_sign": bool(no_sign)}
        plan(self.engine, ExportConfig.from_params(params))
        return self.engine.jobs.submit("bundle.export", params, title=f"Export bundle {Path(out).name}")

    def inspect(self, path, renames=None, progress: Callable[[float, str], None] | None = None,
                check: Callable[[], None] | None = None) -> dict:
        """Verify every file of a bundle and list its items with what importing would do; changes nothing.
        ``check`` (a job's cancel check) runs between files and blocks."""
        from engine.bundles.keys import signature_problem
        from engine.bundles.plan import parse_renames, plan_import, resolve_tasks
        from engine.bundles.reader import BundleReader
        path = Path(path).expanduser().resolve()
        try:
            with BundleReader(path) as reader:
                reader.verify(progress=progress, check=check)
                manifest = reader.manifest
                signature = self.engine.keys.describe(reader.signature)
                plans = plan_import(self.engine, manifest, parse_renames(renames))
                resolve_tasks(self.engine, plans, lambda item, rel: reader.zip.read(f"{item.root}/{rel}"))
        except UserError as exc:
            return {"path": str(path), "ok": False, "error": str(exc), "items": []}
        problems = [f"{p.item.type} '{p.item.name}': {text}" for p in plans for text in p.problems]
        required = self.engine.keys.require_signature()
        refusal = signature_problem(signature, path.name) if required else None
        if refusal:
            problems.insert(0, str(refusal))
        return {"path": str(path), "ok": True, "signature": signature, "require_signature": required,
                "signature_problem": str(refusal) if refusal else None,
                "format_version": manifest.format_version,
                "product_version": manifest.product_version, "created_at": manifest.created_at,
                "bytes": manifest.size, "files": sum(len(i.files) for i in manifest.items),
                "items": [p.to_dict() for p in plans], "importable": not problems, "problems": problems}

    def start_inspect(self, path, renames=None):
        """``inspect`` as a ``bundle.inspect`` job (progress, cancel, the Jobs panel); returns the Job."""
        if isinstance(renames, dict):
            renames = [f"{k}={v}" for k, v in renames.items()]
        params = {"path": str(Path(path).expanduser().resolve()), "renames": list(renames or [])}
        return self.engine.jobs.submit("bundle.inspect", params, title=f"Check bundle {Path(path).name}")

    def import_(self, path, renames=None, require_signature: bool | None = None):
        """Start a ``bundle.import`` job; ``renames`` is ``["OLD=NEW", ...]`` or ``{OLD: NEW}``.

        ``require_signature`` refuses unsigned bundles and keys this workspace does not trust; None follows
        the workspace policy (``aigc keys require``), and the policy cannot be relaxed per import."""
        from engine.bundles.plan import parse_renames
        parse_renames(renames)  # a malformed rename fails at once
        if isinstance(renames, dict):
            renames = [f"{k}={v}" for k, v in renames.items()]
        params = {"path": str(Path(path).expanduser().resolve()), "renames": list(renames or []),
                  "require_signature": bool(require_signature)}
        return self.engine.jobs.submit("bundle.import", params, title=f"Import bundle {Path(path).name}")
