"""Does this environment match the lock file it was installed from?

The lock files in ``requirements/`` pin every package. ``aigc status``, the About box
and the packaging build compare what is installed against the lock for this platform,
so a drifted environment is visible before it produces a different result.
"""
from __future__ import annotations

import os
import platform
import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass
class LockStatus:
    variant: str
    lock_path: str | None
    matches: bool | None          # None: no lock file to compare with
    pinned: int = 0
    mismatched: dict[str, dict] = field(default_factory=dict)  # name -> {"locked", "installed"}

    def to_dict(self) -> dict:
        return {"variant": self.variant, "lock": self.lock_path, "matches": self.matches,
                "pinned": self.pinned, "mismatched": self.mismatched}

    @classmethod
    def from_dict(cls, data: dict) -> "LockStatus":
        return cls(variant=data["variant"], lock_path=data["lock"], matches=data["matches"],
                   pinned=data.get("pinned", 0), mismatched=data.get("mismatched", {}))

    def summary(self) -> str:
        from engine.i18n import tr
        if self.matches is None:
            return tr("no lock file for {variant}", variant=self.variant)
        if self.matches:
            return tr("matches {file} ({count} packages)", file=Path(self.lock_path).name, count=self.pinned)
        first = ", ".join(tr("{name} {installed} (lock {locked})", name=n, installed=v["installed"] or tr("missing"),
                             locked=v["locked"]) for n, v in list(self.mismatched.items())[:3])
        more = len(self.mismatched) - 3
        return tr("differs from {file}: {packages}", file=Path(self.lock_path).name, packages=first) + (
            tr(" and {count} more", count=more) if more > 0 else "")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: str | os.PathLike) -> dict[str, str]:
    """``{normalised name: version}`` for every ``name==version`` line of a lock file."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def current_variant() -> str:
    override = os.environ.get("AIGC_VARIANT")
    if override:
        return override
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    try:
        torch_version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_version = ""
    if platform.machine() in ("x86_64", "AMD64") and "+cpu" not in torch_version and torch_version:
        return "linux-cuda"
    return "linux-cpu"


def lock_dirs() -> list[Path]:
    """Where lock files live: the source checkout's ``requirements/``, or the copy a
    packaged build carries in its resources."""
    here = Path(__file__).resolve().parent
    dirs = [here.parent / "requirements"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.insert(0, Path(frozen) / "resources" / "requirements")
    return dirs


def find_lock(variant: str) -> Path | None:
    for folder in lock_dirs():
        candidate = folder / f"{variant}.lock"
        if candidate.is_file():
            return candidate
    return None


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def compare(lock_path: str | os.PathLike, variant: str = "", only: set[str] | None = None) -> LockStatus:
    """Compare installed distributions with the pins of one lock file.

    ``only`` limits the check to some packages (a frozen build carries metadata for few)."""
    pins = read_pins(lock_path)
    status = LockStatus(variant=variant, lock_path=str(lock_path), matches=True, pinned=len(pins))
    for name, locked in sorted(pins.items()):
        if only is not None and name not in only:
            continue
        installed = installed_version(name)
        if installed != locked:
            status.mismatched[name] = {"locked": locked, "installed": installed}
    status.matches = not status.mismatched
    return status


def lock_status(variant: str | None = None) -> LockStatus:
    variant = variant or current_variant()
    path = find_lock(variant)
    if path is None:
        return LockStatus(variant=variant, lock_path=None, matches=None)
    only = None
    if getattr(sys, "frozen", False):
        # A packaged build keeps the metadata of only some packages; check those it has.
        only = {normalise(d.metadata["Name"]) for d in metadata.distributions() if d.metadata["Name"]}
    return compare(path, variant, only)
