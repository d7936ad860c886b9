"""Structural checks of a staged model or adapter before it enters the catalog.

The bundle proved the bytes are the ones exported; these checks prove the
folder is still a model this program can load, re-using the catalog's own
verification (text models, diffusers pipelines) and reading every safetensors
header of an adapter. Messages name the bundle item, never the staging folder.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.bundles.manifest import BundleItem
from engine.errors import UserError
from engine.i18n import tr


def _item_error(item: BundleItem, folder: Path, exc: UserError) -> UserError:
    message = exc.message.replace(str(folder) + "/", "").replace(str(folder), "its folder")
    return UserError(tr("{type} '{name}': {message}", type=item.type, name=item.name, message=message), hint=exc.hint)


def _check_digest(item: BundleItem) -> None:
    from engine.models.manifest import manifest_digest
    digest = manifest_digest({f.path: {"sha256": f.sha256} for f in item.files})
    if digest != item.sha256:
        raise UserError(tr("{type} '{name}': its files do not add up to the recorded model sha256 {value}", type=item.type, name=item.name, value=item.sha256[:12]), hint=tr("the bundle was altered; make it again"))


def _safetensors_headers(folder: Path) -> list[Path]:
    from safetensors import SafetensorError, safe_open
    files = sorted(folder.rglob("*.safetensors"))
    for path in files:
        try:
            with safe_open(str(path), framework="pt") as handle:
                list(handle.keys())
        except (SafetensorError, OSError) as exc:
            raise UserError(tr("{relative_to}: weights file cannot be read ({value})", relative_to=path.relative_to(folder), value=str(exc).splitlines()[0][:100])) from None
    return files


def _check_adapter(item: BundleItem, folder: Path) -> dict:
    code = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.py"))
    if code:
        raise UserError(tr("{code}: the adapter ships Python code, which is never run", code=code[0]))
    weights = _safetensors_headers(folder)
    if not weights:
        raise UserError(tr("no .safetensors weights in the adapter"))
    if item.kind == "text":
        config = folder / "adapter_config.json"
        if config.is_file():
            try:
                data = json.loads(config.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise UserError(tr("adapter_config.json is not valid JSON ({exc})", exc=exc)) from None
            if not isinstance(data, dict) or "peft_type" not in data:
                raise UserError(tr("adapter_config.json: field peft_type is missing"))
        elif not (folder / "config.json").is_file():
            raise UserError(tr("adapter_config.json is missing"))
    return {"weight_files": [p.relative_to(folder).as_posix() for p in weights]}


def check_model_folder(item: BundleItem, folder: Path) -> dict:
    """Verify a staged model or adapter folder; returns facts for the log, raises a UserError naming the item."""
    _check_digest(item)
    try:
        if item.type == "adapter":
            return _check_adapter(item, folder)
        if item.kind == "text":
            from engine.devices import system_memory
            from engine.models.text_check import verify_text_folder
            return verify_text_folder(folder, available_memory=system_memory()[0])
        from engine.image.verify import verify_pipeline_folder
        return verify_pipeline_folder(folder, check_tensors=True)
    except UserError as exc:
        raise _item_error(item, folder, exc) from None
