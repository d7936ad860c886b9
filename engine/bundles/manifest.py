"""The bundle manifest: what a bundle holds, file by file, with sizes and SHA-256.

``manifest.json`` sits at the root of the zip. Every item (model, adapter,
dataset, task) lives under its own folder ``items/NN-type/`` so that names with
any characters never become paths. Reading a manifest checks every field and
every path before anything else looks at the bundle.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field

from engine.errors import UserError
from engine.safe_json import MAX_DEPTH, check_depth
from engine.i18n import tr

FORMAT = "aigc-bundle"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
ITEM_TYPES = ("model", "adapter", "dataset", "task")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_MANIFEST_BYTES = 64 << 20
DATASET_FORMATS = ("jsonl", "imagefolder")
ALTERED_HINT = "the bundle was not made by AIGC Workbench or was altered; do not import it"


@dataclass
class BundleFile:
    path: str          # relative to the item's root, forward slashes
    size: int
    sha256: str


@dataclass
class BundleItem:
    type: str          # model | adapter | dataset | task
    name: str
    root: str          # folder inside the zip, e.g. items/01-model
    files: list[BundleFile] = field(default_factory=list)
    kind: str | None = None          # models/adapters: text | image; datasets: the modality
    sha256: str | None = None        # models/adapters: the catalog's manifest digest
    base_sha256: str | None = None   # adapters: the base model they were trained on
    base_name: str | None = None     # adapters: the base's name where the bundle was made
    lineage: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def member(self, file: BundleFile) -> str:
        return f"{self.root}/{file.path}"

    def entry_file(self) -> str:
        """The file (task, dataset records) or folder (image dataset) the item is read from, inside ``root``."""
        default = "task.json" if self.type == "task" else ("images" if self.kind == "image" else "records.jsonl")
        return self.info.get("file") or default

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass
class BundleManifest:
    items: list[BundleItem] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    created_at: float = field(default_factory=time.time)
    product_version: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @property
    def size(self) -> int:
        return sum(item.size for item in self.items)


def check_relative_path(path, where: str) -> str:
    """A safe relative path: no absolute paths, drive letters, backslashes, '..' or empty parts."""
    if not isinstance(path, str) or not path:
        raise UserError(tr("{where}: path is missing or not text", where=where))
    if path.startswith("/") or "\\" in path or re.match(r"^[A-Za-z]:", path) or "\x00" in path:
        raise UserError(tr("{where}: path '{path}' is absolute or uses backslashes, which a bundle never holds", where=where, path=path),
                        hint=ALTERED_HINT)
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UserError(tr("{where}: path '{path}' leaves its folder ('..' or empty parts)", where=where, path=path), hint=ALTERED_HINT)
    return path


def _need(data: dict, key: str, kind, where: str, optional: bool = False):
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise UserError(tr("{where}: field '{key}' is missing or not {getattr}", where=where, key=key, getattr=getattr(kind, '__name__', kind)),
                        hint=tr("the bundle's manifest.json is damaged; make the bundle again"))
    return value


def _file_from(data, where: str) -> BundleFile:
    if not isinstance(data, dict):
        raise UserError(tr("{where}: must be an object with path, size and sha256", where=where))
    path = check_relative_path(data.get("path"), where)
    size = _need(data, "size", int, f"{where} ({path})")
    digest = _need(data, "sha256", str, f"{where} ({path})")
    if size < 0 or not SHA256_RE.match(digest):
        raise UserError(tr("{where} ({path}): size or sha256 is not valid", where=where, path=path),
                        hint=tr("the bundle's manifest.json is damaged; make the bundle again"))
    return BundleFile(path, size, digest)


def _item_from(data, index: int) -> BundleItem:
    where = f"manifest.json item #{index + 1}"
    if not isinstance(data, dict):
        raise UserError(tr("{where}: must be an object", where=where))
    item_type = _need(data, "type", str, where)
    if item_type not in ITEM_TYPES:
        raise UserError(tr("{where}: type '{item_type}' is not one of {items}", where=where, item_type=item_type, items=', '.join(ITEM_TYPES)),
                        hint=tr("this bundle may come from a newer version of AIGC Workbench"))
    name = _need(data, "name", str, where)
    where = f"manifest.json {item_type} '{name}'"
    root = check_relative_path(_need(data, "root", str, where), where)
    files_data = _need(data, "files", list, where)
    files = [_file_from(f, f"{where} file #{i + 1}") for i, f in enumerate(files_data)]
    seen = set()
    for f in files:
        if f.path in seen:
            raise UserError(tr("{where}: file '{path}' is listed twice", where=where, path=f.path))
        seen.add(f.path)
    item = BundleItem(type=item_type, name=name, root=root, files=files,
                      kind=_need(data, "kind", str, where, optional=True),
                      sha256=_need(data, "sha256", str, where, optional=True),
                      base_sha256=_need(data, "base_sha256", str, where, optional=True),
                      base_name=_need(data, "base_name", str, where, optional=True),
                      lineage=_need(data, "lineage", dict, where, optional=True) or {},
                      info=_need(data, "info", dict, where, optional=True) or {})
    if item_type in ("model", "adapter"):
        if item.kind not in ("text", "image") or not item.sha256 or not SHA256_RE.match(item.sha256):
            raise UserError(tr("{where}: field 'kind' or 'sha256' is missing or not valid", where=where),
                            hint=tr("the bundle's manifest.json is damaged; make the bundle again"))
        if item_type == "adapter" and not (item.base_sha256 and SHA256_RE.match(item.base_sha256)):
            raise UserError(tr("{where}: field 'base_sha256' (the adapter's base model) is missing", where=where),
                            hint=tr("the bundle's manifest.json is damaged; make the bundle again"))
    if not files:
        raise UserError(tr("{where}: the item lists no files", where=where))
    _check_entry_file(item, where)
    return item


def _check_entry_file(item: BundleItem, where: str) -> None:
    """A dataset or task is read from ``info.file``: it must be one of the item's own listed files (or, for an
    image dataset, the folder holding them), never a path that leaves the bundle."""
    if item.type not in ("dataset", "task"):
        return
    if "file" in item.info and not isinstance(item.info["file"], str):
        raise UserError(tr("{where}: field 'info.file' is not text", where=where), hint=ALTERED_HINT)
    rel = check_relative_path(item.entry_file(), f"{where} field 'info.file'")
    listed = {f.path for f in item.files}
    folder = item.type == "dataset" and item.kind == "image"
    if rel not in listed and not (folder and any(p.startswith(rel + "/") for p in listed)):
        raise UserError(tr("{where}: field 'info.file' names '{rel}', which is not one of the item's files", where=where, rel=rel),
                        hint=ALTERED_HINT)
    if item.type == "dataset" and item.info.get("format", "jsonl") not in DATASET_FORMATS:
        raise UserError(tr("{where}: field 'info.format' is {get!r}, not one of {items}", where=where, get=item.info.get('format'), items=', '.join(DATASET_FORMATS)), hint=ALTERED_HINT)


def manifest_from_json(text: str | bytes) -> BundleManifest:
    """Parse and check a manifest; a problem raises a one-line UserError naming the field."""
    try:
        data = json.loads(text)
        check_depth(data, "manifest.json", hint="the bundle is damaged; make it again")
    except RecursionError:
        raise UserError(tr("manifest.json: JSON nested more than {max_depth} levels deep", max_depth=MAX_DEPTH),
                        hint=tr("the bundle is damaged; make it again")) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise UserError(tr("manifest.json{value}: not valid JSON ({getattr})", value=f' line {line}' if line else '', getattr=getattr(exc, 'msg', exc)), hint=tr("the bundle is damaged; make it again")) from None
    if not isinstance(data, dict):
        raise UserError(tr("manifest.json: must be a JSON object"), hint=tr("the bundle is damaged; make it again"))
    if data.get("format") != FORMAT:
        raise UserError(tr("manifest.json: field 'format' is {get!r}, not '{format}'", get=data.get('format'), format=FORMAT),
                        hint=tr("this is not an AIGC Workbench bundle"))
    version = _need(data, "format_version", int, "manifest.json")
    if version > FORMAT_VERSION:
        raise UserError(tr("manifest.json: bundle format version {version} is newer than this program reads ({format_version})", version=version, format_version=FORMAT_VERSION), hint=tr("update AIGC Workbench on this machine"))
    items = [_item_from(item, i) for i, item in enumerate(_need(data, "items", list, "manifest.json"))]
    if not items:
        raise UserError(tr("manifest.json: the bundle holds no items"))
    roots, names = set(), set()
    for item in items:
        if item.root in roots or any(item.root.startswith(r + "/") or r.startswith(item.root + "/") for r in roots):
            raise UserError(tr("manifest.json {type} '{name}': folder '{root}' overlaps another item", type=item.type, name=item.name, root=item.root))
        roots.add(item.root)
        if (item.type, item.name) in names:
            raise UserError(tr("manifest.json: {type} '{name}' appears twice", type=item.type, name=item.name))
        names.add((item.type, item.name))
    created = data.get("created_at")
    return BundleManifest(items=items, format=FORMAT, format_version=version,
                          created_at=float(created) if isinstance(created, (int, float)) else 0.0,
                          product_version=str(data.get("product_version") or ""))
