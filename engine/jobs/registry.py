"""Job kinds: a name mapped to the plain function that does the work.

Areas register their kinds at import time::

    @job_kind("data.import", title="Import dataset")
    def import_dataset(ctx: JobContext) -> dict: ...

A kind declared ``isolated=True`` (training, generation, task runs: anything that loads
a model or runs native code that can crash or run out of memory) runs in a worker
process (``engine.jobs.pool``); the worker imports ``module`` to find the function, so
a kind defined in any importable module (tests too) can run there.
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
    isolated: bool = False
    check: Callable | None = None   # check(engine, params): raises UserError before the job is recorded

    @property
    def module(self) -> str:
        return self.fn.__module__


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str = "", resumable: bool = False, isolated: bool = False,
             check: Callable | None = None):
    """Register ``fn`` as the job kind ``name``; ``check(engine, params)`` refuses bad input before it starts;
    ``isolated`` kinds run in a worker process."""
    def decorate(fn):
        _KINDS[name] = JobKind(name, fn, title or name, resumable, isolated, check)
        return fn
    return decorate


def kind_from_module(name: str, module: str) -> JobKind:
    """The kind ``name``, importing ``module`` first when it has not registered yet (worker side)."""
    if name not in _KINDS and module and module != "__main__":
        import importlib
        importlib.import_module(module)
    return get_kind(name)


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
    "engine.models.verify_job",
    "engine.deploy.jobs",
    "engine.text.jobs",
    "engine.tasks.area",
    "engine.image.jobs",
    "engine.bundles.jobs",
    "engine.review.jobs",
]
