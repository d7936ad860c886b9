"""Pack the one-folder build as ``aigc-workbench-VERSION-linux-ARCH-VARIANT.tar.gz``
with a ``.sha256`` file beside it (``sha256sum -c`` format), then check the
archive: every file of the build is inside, under one top folder, with the
executables still executable (``aigc`` is a symlink to ``aigc-workbench``).

    python packaging/linux/make_tarball.py [dist/aigc-workbench] [--variant cpu]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import stat
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP_FOLDER = "aigc-workbench"
EXECUTABLES = ("aigc-workbench", "aigc")


def project_version() -> str:
    sys.path.insert(0, str(ROOT / "packaging"))
    from bundle_rules import project_version as version
    return version()


def tarball_name(variant: str, version: str | None = None) -> str:
    return f"aigc-workbench-{version or project_version()}-linux-{platform.machine()}-{variant}.tar.gz"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Reproducible entries: no owner names, user-writable only."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode &= ~(stat.S_IWGRP | stat.S_IWOTH)
    return info


def make_tarball(app_dir: Path, out_dir: Path, variant: str) -> tuple[Path, str]:
    """Write the tarball and its .sha256 file atomically; return (path, hex digest)."""
    app_dir, out_dir = Path(app_dir), Path(out_dir)
    for name in EXECUTABLES:
        if not os.access(app_dir / name, os.X_OK):
            raise SystemExit(f"error: {app_dir / name} is missing or not executable: build first (packaging/build.py)")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / tarball_name(variant)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(app_dir, arcname=TOP_FOLDER, filter=_normalise)
    verify_tarball(partial, app_dir)
    os.replace(partial, target)
    digest = sha256_of(target)
    checksum = target.with_name(target.name + ".sha256")
    checksum.write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    return target, digest


def verify_tarball(tarball: Path, app_dir: Path) -> None:
    """Every file of the build is in the archive, under one top folder; executables keep their x bit."""
    with tarfile.open(tarball, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers()}
    expected = {f"{TOP_FOLDER}/{p.relative_to(app_dir).as_posix()}" for p in app_dir.rglob("*")}
    missing = expected - set(members)
    if missing:
        raise SystemExit(f"error: the tarball lacks {len(missing)} files, e.g. {sorted(missing)[0]}")
    outside = [name for name in members if name != TOP_FOLDER and not name.startswith(TOP_FOLDER + "/")]
    if outside:
        raise SystemExit(f"error: the tarball has entries outside {TOP_FOLDER}/, e.g. {outside[0]}")
    for name in EXECUTABLES:
        member = members[f"{TOP_FOLDER}/{name}"]
        if member.issym():
            if member.linkname != EXECUTABLES[0]:
                raise SystemExit(f"error: {name} in the tarball links to {member.linkname}, not {EXECUTABLES[0]}")
        elif not member.mode & stat.S_IXUSR:
            raise SystemExit(f"error: {name} lost its executable bit in the tarball")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pack the Linux tarball of the one-folder build.")
    parser.add_argument("app_dir", nargs="?", type=Path, default=ROOT / "dist" / TOP_FOLDER)
    parser.add_argument("--variant", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--out", type=Path, default=None, help="folder for the tarball (default: beside the build)")
    args = parser.parse_args(argv)
    path, digest = make_tarball(args.app_dir, args.out or args.app_dir.parent, args.variant)
    print(f"{path}\nsha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
