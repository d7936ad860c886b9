"""The one facade the GUI and the CLI use. Plain dataclasses and dicts in and out;
long operations return a ``Job``.

    engine = Engine.open("/path/to/workspace")
    job = engine.jobs.submit("selftest", {})
    engine.jobs.wait(job.id)
    engine.close()

Each area of the product hangs off the engine as a small facade object
(``engine.data``, ``engine.models`` ...), created on first use so that opening an
engine stays cheap and never imports torch.
"""
from __future__ import annotations

import os
import platform
import sys
from functools import cached_property
from importlib import metadata

from engine import __version__
from engine.jobs import JobRunner
from engine.workspace import Workspace

LIBRARIES = ("torch", "transformers", "diffusers", "peft", "safetensors", "tokenizers", "PySide6-Essentials",
             "pillow", "platformdirs")


def library_versions() -> dict[str, str | None]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


class Engine:
    def __init__(self, workspace: Workspace, workers: int = 2, isolate: bool | None = None,
                 kill_grace: float | None = None, attached: bool = False):
        self.workspace = workspace
        self.jobs = JobRunner(workspace, workers=workers, engine=self, isolate=isolate, kill_grace=kill_grace,
                              attached=attached)

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, workers: int = 2, isolate: bool | None = None,
             kill_grace: float | None = None) -> "Engine":
        """Open (and lock) a workspace. Heavy job kinds run in worker processes unless ``isolate``
        is False or ``AIGC_INPROCESS_JOBS=1``; see ``engine.jobs.runner``."""
        return cls(Workspace.open(path), workers=workers, isolate=isolate, kill_grace=kill_grace)

    @classmethod
    def attach(cls, path: str | os.PathLike) -> "Engine":
        """The engine of a job worker process: the workspace its owner holds, jobs run in-process."""
        return cls(Workspace.attach(path), workers=1, attached=True)

    @classmethod
    def open_for_reading(cls, path: str | os.PathLike | None = None) -> "Engine":
        """The engine of a workspace, owned if it is free, else read-only beside the process that owns it
        (for commands that only look: lists, show, status). Jobs cannot be started from a read-only engine."""
        from engine.errors import WorkspaceLocked
        try:
            return cls.open(path)
        except WorkspaceLocked:
            return cls(Workspace.open_read_only(path), workers=0)

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def root(self):
        return self.workspace.root

    def status(self, with_device: bool = True) -> dict:
        from engine import lockfile, offline
        from engine.workspace import db
        info = {
            "workspace": str(self.workspace.root),
            "schema_version": self.workspace.schema_version(),
            "schema_latest": db.latest_version(),
            "version": __version__,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "offline": offline.guard_active(),
            "libraries": library_versions(),
            "lock": lockfile.lock_status().to_dict(),
            "jobs": {state: n for state, n in self.workspace.db().execute(
                "SELECT state, count(*) FROM jobs GROUP BY state")},
            "sample_content": self.workspace.get_setting("samples_installed") is not None,
        }
        if with_device:
            from engine import devices
            info["device"] = devices.detect().to_dict()
        return info

    def close(self, cancel_jobs: bool = True) -> None:
        self.jobs.shutdown(cancel=cancel_jobs)
        self.workspace.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- area facades (each area adds its own) ------------------------------
    @cached_property
    def samples(self):
        from engine.samples import SamplesAPI
        return SamplesAPI(self)

    @cached_property
    def data(self):
        from engine.data.api import DataAPI
        return DataAPI(self)

    @cached_property
    def models(self):
        from engine.models import ModelsAPI
        return ModelsAPI(self)

    @cached_property
    def text(self):
        from engine.text import TextAPI
        return TextAPI(self)

    @cached_property
    def image(self):
        from engine.image import ImageAPI
        return ImageAPI(self)

    @cached_property
    def tasks(self):
        from engine.tasks import TasksAPI
        return TasksAPI(self)

    @cached_property
    def review(self):
        from engine.review import ReviewAPI
        return ReviewAPI(self)

    @cached_property
    def bundles(self):
        from engine.bundles import BundlesAPI
        return BundlesAPI(self)

    @cached_property
    def presets(self):
        from engine.presets import PresetsAPI
        return PresetsAPI(self)

    @cached_property
    def keys(self):
        from engine.bundles.keys import KeysAPI
        return KeysAPI(self)
