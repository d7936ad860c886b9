"""What importing a bundle into this workspace would do: target names, conflicts, adapter bases.

Shared by ``inspect`` (which reports) and the import job (which refuses on the
first problem). An item whose identical content is already here under the same
name is "present" and simply skipped, so importing a bundle twice is harmless.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from engine.bundles.manifest import ITEM_TYPES, BundleItem, BundleManifest
from engine.errors import UserError
from engine.safe_json import check_depth
from engine.i18n import tr


@dataclass
class ItemPlan:
    item: BundleItem
    target: str                      # the name it gets here
    action: str = "add"              # add | present (identical content already here, skipped)
    base_id: str | None = None       # adapters: the catalog id of their base, if already here
    base_in_bundle: str | None = None  # adapters: the bundle item that provides their base
    problems: list[str] = field(default_factory=list)
    task: object = None              # tasks: the TaskDef to save, references renamed
    notes: list[str] = field(default_factory=list)   # worth knowing, not a reason to refuse

    def to_dict(self) -> dict:
        item = self.item
        out = {"type": item.type, "name": item.name, "target": self.target, "action": self.action,
               "files": len(item.files), "bytes": item.size, "kind": item.kind, "problems": self.problems,
               "notes": self.notes}
        if item.type in ("model", "adapter"):
            out["sha256"] = item.sha256
        if item.type == "adapter":
            out.update(base_sha256=item.base_sha256, base_name=item.base_name,
                       base=("in bundle: " + self.base_in_bundle) if self.base_in_bundle else
                       ("present" if self.base_id else "missing"))
        if item.type == "dataset":
            out.update(version=item.info.get("version"), hash=item.info.get("hash"), count=item.info.get("count"))
        return out


def parse_renames(renames) -> dict[tuple[str | None, str], str]:
    """``["OLD=NEW", "dataset:OLD=NEW"]`` or ``{OLD: NEW}`` -> ``{(type or None, OLD): NEW}``."""
    if not renames:
        return {}
    pairs = list(renames.items()) if isinstance(renames, dict) else []
    if not isinstance(renames, dict):
        for text in renames:
            old, eq, new = str(text).partition("=")
            if not eq or not old.strip() or not new.strip():
                raise UserError(tr("rename {text}: expected OLD=NEW", text=text), hint=tr("e.g. ads=ads-from-hq"), options=("--rename",))
            pairs.append((old.strip(), new.strip()))
    out: dict[tuple[str | None, str], str] = {}
    for old, new in pairs:
        kind, colon, rest = old.partition(":")
        key = (kind, rest) if colon and kind in ITEM_TYPES else (None, old)
        out[key] = new
    return out


def _target(item: BundleItem, renames: dict) -> str:
    return renames.get((item.type, item.name)) or renames.get((None, item.name)) or item.name


def _check_name(item_type: str, name: str) -> None:
    if item_type in ("model", "adapter"):
        from engine.models.catalog import check_name
        check_name(name)
    elif item_type == "dataset":
        if not name.strip() or "/" in name or "\\" in name or name.isdigit():
            raise UserError(tr("'{name}' is not a usable dataset name", name=name), hint=tr("use letters, digits, '-' or '_'"))
    else:
        from engine.tasks.definition import NAME_RE
        if not NAME_RE.match(name):
            raise UserError(tr("'{name}' is not a usable task name", name=name),
                            hint=tr("use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"))


def plan_import(engine, manifest: BundleManifest, renames=None) -> list[ItemPlan]:
    """One plan per item, in the order they must be registered (models, adapters, datasets, tasks)."""
    renames = renames if isinstance(renames, dict) and all(isinstance(k, tuple) for k in renames) \
        else parse_renames(renames)
    names = {(i.type, i.name) for i in manifest.items} | {(None, i.name) for i in manifest.items}
    unknown = [old for key, old in ((k, k[1]) for k in renames) if key not in names]
    if unknown:
        raise UserError(tr("rename {unknown}=...: the bundle holds no item named '{unknown}'", unknown=unknown[0]),
                        hint=tr("inspect the bundle to see its items"), options=("--rename",))
    order = {t: i for i, t in enumerate(ITEM_TYPES)}
    plans = [ItemPlan(item, _target(item, renames)) for item in sorted(manifest.items, key=lambda i: order[i.type])]
    taken: dict[str, set] = {"catalog": set(), "dataset": set(), "task": set()}
    for p in plans:
        group = "catalog" if p.item.type in ("model", "adapter") else p.item.type
        try:
            _check_name(p.item.type, p.target)
        except UserError as exc:
            p.problems.append(str(exc))
            continue
        if p.target in taken[group]:
            p.problems.append(f"two items of the bundle would both be named '{p.target}'")
        taken[group].add(p.target)
        _check_existing(engine, p)
    bundle_bases = {p.item.sha256: p for p in plans if p.item.type == "model"}
    for p in plans:
        if p.item.type != "adapter":
            continue
        if p.item.base_sha256 in bundle_bases:
            p.base_in_bundle = bundle_bases[p.item.base_sha256].item.name
            continue
        base = next((m for m in engine.models.list() if m.sha256 == p.item.base_sha256 and m.role == "base"), None)
        if base is not None:
            p.base_id = base.id
        else:
            p.problems.append(f"its base model{f' ' + repr(p.item.base_name) if p.item.base_name else ''} "
                              f"(sha256 {p.item.base_sha256[:12]}) is neither in this workspace nor in the bundle")
    return plans


def _check_existing(engine, p: ItemPlan) -> None:
    item = p.item
    if item.type in ("model", "adapter"):
        found = engine.models.find(p.target)
        if found is not None and found.name == p.target:
            if found.sha256 == item.sha256:
                p.action, p.base_id = "present", found.base_id
            else:
                p.problems.append(f"a different model named '{p.target}' already exists")
        twin = next((m for m in engine.models.list() if m.sha256 == item.sha256 and m.name != p.target), None)
        if twin is not None and p.action == "add":
            p.notes.append(f"the same files are already here as '{twin.name}'; this adds a second copy")
    elif item.type == "dataset":
        if engine.data.exists(p.target):
            if engine.data.get(p.target).version_hash == item.info.get("hash"):
                p.action = "present"
            else:
                p.problems.append(f"a different dataset named '{p.target}' already exists")
    else:
        from engine.errors import NotFound
        try:
            engine.tasks.get(p.target)
        except NotFound:
            return
        p.action = "check"  # decided once the task file is read (identical definitions are skipped)


def _renamed_refs(definition: dict, models: dict, datasets: dict) -> dict:
    """Point a task at the new names of renamed bundle items it refers to."""
    for holder in [definition, *[s for s in definition.get("steps") or [] if isinstance(s, dict)]]:
        for key, table in (("model", models), ("adapter", models), ("dataset", datasets)):
            if holder.get(key) in table:
                holder[key] = table[holder[key]]
    return definition


def _missing_references(engine, task, models: dict, datasets: dict) -> list[str]:
    """Models and datasets a task names that will be neither here nor arriving with the bundle."""
    notes = []
    for step in task.effective_steps():
        for kind, name in (("model", step.model), ("adapter", step.adapter)):
            if name and name not in models.values() and engine.models.find(name) is None:
                notes.append(f"step {step.name} uses {kind} '{name}', which is not in this workspace")
    for name in {task.dataset, *(s.dataset for s in task.steps)} - {None}:
        if name not in datasets.values() and not engine.data.exists(name):
            notes.append(f"its dataset '{name}' is not here yet (approved outputs will create it)")
    return notes


def resolve_tasks(engine, plans: list[ItemPlan], read_bytes) -> None:
    """Read each task item's file (``read_bytes(item, relpath)``), rename its references, compare with here."""
    from engine.errors import NotFound
    from engine.tasks import store as task_store
    from engine.tasks.definition import task_from_dict
    models = {p.item.name: p.target for p in plans if p.item.type in ("model", "adapter")}
    datasets = {p.item.name: p.target for p in plans if p.item.type == "dataset"}
    for p in plans:
        if p.item.type != "task" or p.problems:
            continue
        rel = p.item.entry_file()  # one of the item's listed files (checked when the manifest was read)
        where = f"task '{p.item.name}' file {rel}"
        try:
            data = json.loads(read_bytes(p.item, rel))
            check_depth(data, rel)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            p.problems.append(f"{rel} is not valid JSON ({exc})")
            continue
        except (RecursionError, UserError):
            p.problems.append(f"{rel} is JSON nested too deeply")
            continue
        tasks = data.get("tasks") if isinstance(data, dict) and data.get("format") == task_store.BUNDLE_FORMAT \
            else None
        if not isinstance(tasks, list) or len(tasks) != 1 or not isinstance(tasks[0], dict):
            p.problems.append(f"{rel} does not hold exactly one task in the '{task_store.BUNDLE_FORMAT}' format")
            continue
        definition = _renamed_refs({**tasks[0], "name": p.target}, models, datasets)
        try:
            p.task = task_from_dict(definition, where=where)
        except UserError as exc:
            p.problems.append(exc.message)
            continue
        p.notes = _missing_references(engine, p.task, models, datasets)
        try:
            existing = engine.tasks.get(p.target)
        except NotFound:
            p.action = "add"
            continue
        if existing.to_dict() == p.task.to_dict():
            p.action = "present"
        else:
            p.problems.append(f"a different task named '{p.target}' already exists")


def first_problem(plans: list[ItemPlan]) -> UserError | None:
    for p in plans:
        if p.problems:
            hint = tr("rename it on import (OLD=NEW)") if "already exists" in p.problems[0] or "both be named" \
                in p.problems[0] else None
            if "base model" in p.problems[0]:
                hint = tr("import the base model first, or export the bundle with its base model as well")
            return UserError(tr("{type} '{name}': {value}", type=p.item.type, name=p.item.name, value=p.problems[0]), hint=hint)
    return None
