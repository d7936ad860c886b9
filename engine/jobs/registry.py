"""Job kinds: a name mapped to the plain function that does the work.

Areas register their kinds at import time::

    @job_kind("data.import", title="Import dataset")
    def import_dataset(ctx: JobContext) -> dict: ...
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.errors import UserError


@dataclass(frozen=True)
class JobKind:
    name: str
    fn: Callable
    title: str
    resumable: bool
    check: Callable | None = None   # check(engine, params): raises UserError before the job is recorded


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str = "", resumable: bool = False, check: Callable | None = None):
    """Register ``fn`` as the job kind ``name``; ``check(engine, params)`` refuses bad input before it starts."""
    def decorate(fn):
        _KINDS[name] = JobKind(name, fn, title or name, resumable, check)
        return fn
    return decorate


def get_kind(name: str) -> JobKind:
    if name not in _KINDS:
        load_areas()
    try:
        return _KINDS[name]
    except KeyError:
        raise UserError(f"unknown job kind '{name}'") from None


def resumable_kinds() -> list[str]:
    load_areas()
    return sorted(k.name for k in _KINDS.values() if k.resumable)


def load_areas() -> None:
    """Import the engine areas so that their job kinds register themselves."""
    import importlib
    for module in AREA_MODULES:
        importlib.import_module(module)


# Modules that define job kinds (importing them must stay cheap: no torch at import
# time); each area adds its own line.
AREA_MODULES: list[str] = [
    "engine.selftest",
    "engine.samples",
    "engine.data.jobs",
    "engine.models.importer",
    "engine.text.jobs",
    "engine.tasks.area",
    "engine.image.jobs",
    "engine.bundles.jobs",
]
