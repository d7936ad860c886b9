"""Safe unpacking of a dataset ``.zip``: no paths outside the target, no links, no zip bombs."""
from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from engine.errors import UserError
from engine.i18n import tr

BOMB_HINT = "the archive is built to fill the disk, or damaged; make it again from the original files"

MAX_TOTAL = 20 << 30   # 20 GiB unpacked
MAX_RATIO = 200        # unpacked / packed (text compresses ~10x, a bomb ~1000x)
RATIO_FLOOR = 1 << 20  # below 1 MiB unpacked a high ratio harms nobody
MAX_FILES = 2_000_000
DISK_RESERVE = 256 << 20  # what an unpacked archive must leave free on its disk


def free_space(path: Path) -> int:
    """Free bytes on the disk that holds ``path`` (or its nearest existing parent)."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def check_expansion(name: str, members: list[zipfile.ZipInfo], dest: Path | None,
                    max_total: int = MAX_TOTAL, max_ratio: int = MAX_RATIO) -> int:
    """Refuse an archive that would unpack to too much: per member, in aggregate, and against the free space of
    ``dest`` (None: no unpacking, only the ratios). Returns the unpacked size the headers declare."""
    files = [m for m in members if not m.is_dir()]
    total = sum(m.file_size for m in files)
    packed = sum(m.compress_size for m in files)
    for m in files:
        if m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(1, m.compress_size):
            raise UserError(tr("{name}: entry '{filename}' expands {value}x (zip bomb?); nothing was unpacked", name=name, filename=m.filename, value=m.file_size // max(1, m.compress_size)), hint=BOMB_HINT)
    if total > RATIO_FLOOR and total > max_ratio * max(1, packed):
        raise UserError(tr("{name}: its {count:,} entries expand {value}x together, from {packed:,} to {total:,} "
                           "bytes (zip bomb?); nothing was unpacked", name=name, count=len(files), value=total // max(1, packed), packed=packed, total=total), hint=BOMB_HINT)
    if total > max_total:
        raise UserError(tr("{name}: unpacks to {value:.1f} GiB, over the {value2:.0f} GiB an archive may hold (zip "
                           "bomb?); nothing was unpacked", name=name, value=total / (1 << 30), value2=max_total / (1 << 30)), hint=BOMB_HINT)
    if dest is not None:
        free = free_space(dest)
        if total > free - DISK_RESERVE:
            raise UserError(tr("{name}: unpacks to {value:.2f} GB and {dest} has {value2:.2f} GB free; nothing was unpacked", name=name, value=total / 1e9, dest=dest, value2=free / 1e9), hint=tr("free some disk space, or split the archive"))
    return total


def _fail(zip_path: Path, member: str, what: str) -> UserError:
    return UserError(tr("{name}: entry '{member}' {what}; nothing was imported", name=zip_path.name, member=member, what=what),
                     hint=tr("re-create the archive from the dataset folder itself"))


def safe_extract(zip_path: Path, target: Path, max_total: int = MAX_TOTAL, max_ratio: int = MAX_RATIO) -> Path:
    """Unpack into ``target`` (created); returns the folder holding the data (a single top folder is entered)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(tr("{name} is not a readable .zip archive ({exc})", name=zip_path.name, exc=exc),
                        hint=tr("check that the copy is complete")) from None
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise _fail(zip_path, members[0].filename, f"is one of {len(members):,} files, over {MAX_FILES:,}")
        for info in members:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise _fail(zip_path, name, "points outside the archive folder (path traversal)")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _fail(zip_path, name, "is a symbolic link")
        check_expansion(zip_path.name, members, target, max_total, max_ratio)
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
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError, RuntimeError) as exc:
                raise _fail(zip_path, info.filename, f"cannot be unpacked ({exc})") from None
    entries = [p for p in root.iterdir() if p.name != "__MACOSX" and not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    if len(entries) == 1 and entries[0].is_file():
        return entries[0]
    return root


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
