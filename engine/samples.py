"""The built-in sample workspace: datasets, tasks and starter models from ``resources/``.

Each area adds an installer to ``INSTALLERS``; ``aigc init`` runs them all as one
job. An installer takes (engine, ctx) and returns a dict of what it added; it
must skip what is already there, so running init twice changes nothing.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from engine.jobs import JobContext, job_kind
from engine.i18n import N_, tr

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    """``resources/`` beside the package, or inside a frozen build."""
    import sys
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "resources" if frozen else RESOURCES


def samples_dir() -> Path:
    return resources_dir() / "samples"


INSTALLERS: list[tuple[str, Callable]] = []
PARTS = {"datasets": N_("datasets"), "tasks": N_("tasks")}   # the parts that are no model name, in words


def installer(name: str):
    def decorate(fn):
        INSTALLERS.append((name, fn))
        return fn
    return decorate


class SamplesAPI:
    def __init__(self, engine):
        self.engine = engine

    def install(self):
        """Start the job that loads the sample content; returns the Job."""
        return self.engine.jobs.submit("samples.install", {})


@job_kind("samples.install", title="Load sample content")
def install_samples(ctx: JobContext) -> dict:
    from engine.jobs.registry import load_areas
    load_areas()  # areas register their installers on import
    engine = ctx.engine
    added = {}
    for index, (name, fn) in enumerate(INSTALLERS):
        ctx.check_cancelled()
        ctx.report(index / max(1, len(INSTALLERS)), tr("loading sample {name}", name=tr(PARTS[name]) if name in PARTS else name))
        added[name] = fn(engine, ctx)
    ctx.workspace.set_setting("samples_installed", time.strftime("%Y-%m-%dT%H:%M:%S"))
    ctx.report(1.0, tr("sample content ready"))
    return added
