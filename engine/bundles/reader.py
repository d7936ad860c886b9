"""Open a bundle and prove it is whole: manifest, member names, sizes and SHA-256 of every file.

Nothing here writes to a workspace. ``BundleReader.verify`` hashes every file
(optionally extracting it into a staging folder at the same time); any problem
is a one-line ``UserError`` naming the item and the file.
"""
from __future__ import annotations

import errno

import hashlib
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from engine.bundles.manifest import (MANIFEST_NAME, MAX_MANIFEST_BYTES, BundleFile, BundleItem, BundleManifest,
                                     check_relative_path, manifest_from_json)
from engine.bundles.signing import MAX_SIGNATURE_BYTES, SIGNATURE_NAME, Signature, verify_signature
from engine.errors import UserError
from engine.faults import fault_point
from engine.i18n import N_, tr

CHUNK = 1 << 22
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
DAMAGED_HINT = "copy the bundle again from the original; it was altered or damaged on the way"


class BundleReader:
    """``with BundleReader(path) as reader: reader.manifest; reader.verify(...)``"""

    def __init__(self, path):
        self.path = Path(path).expanduser()
        from engine.input_paths import check_input_file
        check_input_file(self.path, N_("bundle file"))  # says what it is: missing, a folder, a FIFO ...
        try:
            self.zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile:
            raise UserError(tr("{path}: not a complete zip file (it may have been cut short while copying)", path=self.path),
                            hint=DAMAGED_HINT) from None
        except OSError as exc:
            raise UserError(tr("{path}: cannot be read ({strerror})", path=self.path, strerror=exc.strerror)) from None
        try:
            self.members = self._check_members()
            self.manifest = self._read_manifest()
            self.signature = self._read_signature()
            self._check_listing()
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- structure --------------------------------------------------------------
    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in self.zip.infolist():
            name = info.filename
            if info.is_dir():
                check_relative_path(name.rstrip("/"), f"{self.path.name} folder entry")
                continue
            check_relative_path(name, f"{self.path.name} entry")
            mode = info.external_attr >> 16
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # links, devices, pipes
                raise UserError(tr("{name}: entry '{name2}' is a link or special file, which a bundle never holds", name=self.path.name, name2=name), hint=tr("do not import this bundle; make it again with AIGC Workbench"))
            if info.flag_bits & 0x1:
                raise UserError(tr("{name}: entry '{name2}' is encrypted", name=self.path.name, name2=name), hint=tr("make the bundle again"))
            if name in members:
                raise UserError(tr("{name}: entry '{name2}' appears twice", name=self.path.name, name2=name), hint=DAMAGED_HINT)
            members[name] = info
        return members

    def _read_manifest(self) -> BundleManifest:
        info = self.members.get(MANIFEST_NAME)
        if info is None:
            raise UserError(tr("{name}: manifest.json is missing, so this is not an AIGC Workbench bundle", name=self.path.name),
                            hint=tr("make bundles with 'aigc bundle export' or the Models manager"))
        if info.file_size > MAX_MANIFEST_BYTES:
            raise UserError(tr("{name}: manifest.json is implausibly large ({file_size:,} bytes)", name=self.path.name, file_size=info.file_size),
                            hint=DAMAGED_HINT)
        try:
            data = self.zip.read(MANIFEST_NAME)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise UserError(tr("{name}: manifest.json is damaged ({exc})", name=self.path.name, exc=exc), hint=DAMAGED_HINT) from None
        self.manifest_bytes = data
        return manifest_from_json(data)

    def _read_signature(self) -> Signature | None:
        """The signer, when the bundle is signed; a signature that does not match the manifest is a refusal."""
        info = self.members.get(SIGNATURE_NAME)
        if info is None:
            return None
        if info.file_size > MAX_SIGNATURE_BYTES:
            raise UserError(tr("{name}: {signature_name} is implausibly large", name=self.path.name, signature_name=SIGNATURE_NAME), hint=DAMAGED_HINT)
        try:
            data = self.zip.read(SIGNATURE_NAME)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise UserError(tr("{name}: {signature_name} is damaged ({exc})", name=self.path.name, signature_name=SIGNATURE_NAME, exc=exc), hint=DAMAGED_HINT) from None
        return verify_signature(data, self.manifest_bytes, self.path.name)

    def _check_listing(self) -> None:
        """Every listed file present with its size; nothing unlisted; no pickle weights."""
        listed = {MANIFEST_NAME, SIGNATURE_NAME}
        for item in self.manifest.items:
            for file in item.files:
                member = item.member(file)
                listed.add(member)
                where = f"{item.type} '{item.name}' file {file.path}"
                if Path(file.path).suffix.lower() in PICKLE_SUFFIXES:
                    raise UserError(tr("{where}: pickle files can run code when loaded and are refused", where=where),
                                    hint=tr("convert the weights to .safetensors on a trusted machine"))
                info = self.members.get(member)
                if info is None:
                    raise UserError(tr("{where} is missing from the bundle", where=where), hint=DAMAGED_HINT)
                if info.file_size != file.size:
                    raise UserError(tr("{where} holds {file_size:,} bytes, the manifest says {size:,}", where=where, file_size=info.file_size, size=file.size),
                                    hint=DAMAGED_HINT)
        from engine.data.archive import check_expansion
        check_expansion(self.path.name, list(self.members.values()), None)
        extra = sorted(set(self.members) - listed)
        if extra:
            raise UserError(tr("{name}: entry '{extra}' is not listed in manifest.json{value}", name=self.path.name, extra=extra[0], value=f' ({len(extra)} such entries)' if len(extra) > 1 else ''), hint=DAMAGED_HINT)

    # -- content ----------------------------------------------------------------
    def _hash_member(self, item: BundleItem, file: BundleFile, target: Path | None,
                     progress: Callable[[int], None]) -> None:
        where = f"{item.type} '{item.name}' file {file.path}"
        digest, size = hashlib.sha256(), 0
        writer = None
        try:
            if target is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                writer = open(target, "xb")
            with self.zip.open(item.member(file)) as reader:
                for block in iter(lambda: reader.read(CHUNK), b""):
                    size += len(block)
                    if size > file.size:
                        raise UserError(tr("{where} is larger than the manifest says", where=where), hint=DAMAGED_HINT)
                    digest.update(block)
                    if writer is not None:
                        fault_point("bundle.extract", target)
                        writer.write(block)
                    progress(len(block))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise UserError(tr("{where} is damaged ({value})", where=where, value=str(exc)[:80]), hint=DAMAGED_HINT) from None
        except OSError as exc:
            if exc.errno != errno.EINVAL:   # a damaged header's offset makes the seek invalid; disk errors pass on
                raise
            raise UserError(tr("{where} is damaged ({value})", where=where, value=str(exc)[:80]), hint=DAMAGED_HINT) from None
        except FileExistsError:
            raise UserError(tr("{where}: two entries would land on the same file", where=where), hint=DAMAGED_HINT) from None
        finally:
            if writer is not None:
                writer.close()
        if size != file.size or digest.hexdigest() != file.sha256:
            raise UserError(tr("{where} does not match its SHA-256 in manifest.json", where=where), hint=DAMAGED_HINT)

    def verify(self, extract_to: Path | None = None, progress: Callable[[float, str], None] | None = None,
               check: Callable[[], None] | None = None) -> None:
        """Hash every file against the manifest; with ``extract_to`` also write it under ``extract_to/root``."""
        if extract_to is not None:
            from engine.data.archive import check_expansion
            check_expansion(self.path.name, list(self.members.values()), extract_to)
        total = max(1, self.manifest.size)
        done = [0]
        for item in self.manifest.items:
            for file in item.files:
                if check:
                    check()
                target = None
                if extract_to is not None:
                    target = extract_to / item.root / file.path
                    if not target.resolve().is_relative_to(extract_to.resolve()):
                        raise UserError(tr("{type} '{name}' file {path} would land outside its folder", type=item.type, name=item.name, path=file.path),
                                        hint=DAMAGED_HINT)

                def step(count: int, item=item, file=file) -> None:
                    done[0] += count
                    if check:
                        check()
                    if progress:
                        progress(done[0] / total, tr("checking {kind} {name}: {file}", kind=tr(item.type), name=item.name, file=file.path))
                self._hash_member(item, file, target, step)
