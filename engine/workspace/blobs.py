"""Content-addressed blob store: files named by their SHA-256, written atomically."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from engine.atomic import _fsync_dir
from engine.faults import fault_point


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


class BlobStore:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def has(self, digest: str) -> bool:
        return self.path_for(digest).exists()

    def _commit(self, tmp: str, digest: str) -> str:
        final = self.path_for(digest)
        if final.exists():
            os.unlink(tmp)
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        return digest

    def put_stream(self, reader: BinaryIO) -> str:
        digest = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as writer:
                for block in iter(lambda: reader.read(1 << 20), b""):
                    digest.update(block)
                    fault_point("blob.write")   # as a file object raises it: no file named
                    writer.write(block)
                writer.flush()
                os.fsync(writer.fileno())
        except BaseException as exc:
            os.unlink(tmp)
            if isinstance(exc, OSError) and exc.errno and not exc.filename:   # name the store, not a temp file
                raise OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(self.root)) from exc
            raise
        fault_point("blob.commit", tmp)
        return self._commit(tmp, digest.hexdigest())

    def put_bytes(self, data: bytes) -> str:
        import io
        return self.put_stream(io.BytesIO(data))

    def put_file(self, path: str | os.PathLike) -> str:
        with open(path, "rb") as reader:
            return self.put_stream(reader)

    def read_bytes(self, digest: str) -> bytes:
        return self.path_for(digest).read_bytes()

    def export(self, digest: str, dest: str | os.PathLike) -> None:
        shutil.copyfile(self.path_for(digest), dest)
