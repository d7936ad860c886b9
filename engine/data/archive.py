"""Safe unpacking of a dataset ``.zip``: no paths outside the target, no links, no zip bombs."""
from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from engine.errors import UserError

MAX_TOTAL = 20 << 30   # 20 GiB unpacked
MAX_RATIO = 200        # unpacked / packed, per member (text compresses ~10x, a bomb ~1000x)
MAX_FILES = 2_000_000


def _fail(zip_path: Path, member: str, what: str) -> UserError:
    return UserError(f"{zip_path.name}: entry '{member}' {what}; nothing was imported",
                     hint="re-create the archive from the dataset folder itself")


def safe_extract(zip_path: Path, target: Path, max_total: int = MAX_TOTAL, max_ratio: int = MAX_RATIO) -> Path:
    """Unpack into ``target`` (created); returns the folder holding the data (a single top folder is entered)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"{zip_path.name} is not a readable .zip archive ({exc})",
                        hint="check that the copy is complete") from None
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise _fail(zip_path, members[0].filename, f"is one of {len(members):,} files, over {MAX_FILES:,}")
        total = 0
        for info in members:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise _fail(zip_path, name, "points outside the archive folder (path traversal)")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _fail(zip_path, name, "is a symbolic link")
            total += info.file_size
            if total > max_total:
                raise _fail(zip_path, name, f"takes the unpacked size over {max_total >> 30} GiB (zip bomb?)")
            if info.compress_size and info.file_size / info.compress_size > max_ratio and info.file_size > (1 << 20):
                raise _fail(zip_path, name, f"expands {info.file_size // max(1, info.compress_size)}x (zip bomb?)")
        for info in members:
            dest = (root / info.filename).resolve()
            if not dest.is_relative_to(root):
                raise _fail(zip_path, info.filename, "points outside the archive folder (path traversal)")
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(info) as reader, open(dest, "wb") as writer:
                    while block := reader.read(1 << 20):
                        written += len(block)
                        if written > info.file_size:  # the header lied about the size
                            raise _fail(zip_path, info.filename, "is larger than its header says (zip bomb?)")
                        writer.write(block)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise _fail(zip_path, info.filename, f"cannot be unpacked ({exc})") from None
    entries = [p for p in root.iterdir() if p.name != "__MACOSX" and not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    if len(entries) == 1 and entries[0].is_file():
        return entries[0]
    return root


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
