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


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str = "", resumable: bool = False):
    def decorate(fn):
        _KINDS[name] = JobKind(name, fn, title or name, resumable)
        return fn
    return decorate


def get_kind(name: str) -> JobKind:
    if name not in _KINDS:
        load_areas()
    try:
        return _KINDS[name]
    except KeyError:
        raise UserError(f"unknown job kind '{name}'") from None


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
    "engine.deploy.jobs",
    "engine.text.jobs",
    "engine.tasks.area",
    "engine.image.jobs",
    "engine.bundles.jobs",
]
