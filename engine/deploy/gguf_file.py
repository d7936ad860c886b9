"""Read and check a GGUF file's header without trusting it.

Every count, length and offset in the header is checked against the file's real
size before anything is allocated, so a truncated file or one whose header claims
absurd tensor sizes is refused with one line naming the file and the field, and
llama.cpp never sees it. Tensor data is not read (only located).
"""
from __future__ import annotations

import os
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

MAGIC = b"GGUF"
MAX_COUNT = 1 << 24            # tensors or metadata keys in one file
MAX_ELEMENTS = 1 << 40         # elements in one tensor
# Architectures llama.cpp runs and our runtime has been checked with: the decoder-only text families.
ARCHITECTURES = ("llama", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi3", "gpt2", "starcoder2", "granite",
                 "olmo2")
TOKENIZER_MODELS = ("gpt2", "llama")
FILE_TYPES = {0: "f32", 1: "f16", 2: "q4_0", 3: "q4_1", 7: "q8_0", 8: "q5_0", 9: "q5_1", 10: "q2_k",
              11: "q3_k_s", 12: "q3_k_m", 13: "q3_k_l", 14: "q4_k_s", 15: "q4_k_m", 16: "q5_k_s", 17: "q5_k_m",
              18: "q6_k", 32: "bf16"}
# GGUF value types: struct format for the scalars, 8 = string, 9 = array.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


@dataclass
class TensorInfo:
    name: str
    shape: tuple[int, ...]     # GGUF order: ne0 (the row length) first
    type_name: str
    offset: int
    nbytes: int


@dataclass
class GGUFInfo:
    path: str
    version: int
    metadata: dict
    tensors: list[TensorInfo] = field(default_factory=list)
    data_offset: int = 0

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    def arch_value(self, key: str, default=None):
        return self.metadata.get(f"{self.architecture}.{key}", default)

    @property
    def quant(self) -> str:
        """The file's quantization: general.file_type, else the most common type of its matrices."""
        file_type = self.metadata.get("general.file_type")
        if isinstance(file_type, int) and file_type in FILE_TYPES:
            return FILE_TYPES[file_type]
        counts = Counter(t.type_name.lower() for t in self.tensors if len(t.shape) >= 2)
        return counts.most_common(1)[0][0] if counts else "unknown"

    @property
    def parameters(self) -> int:
        total = 0
        for t in self.tensors:
            count = 1
            for d in t.shape:
                count *= d
            total += count
        return total

    def summary(self) -> dict:
        md = self.metadata
        tokens = md.get("tokenizer.ggml.tokens") or []
        return {"format": "gguf", "gguf_version": self.version, "architecture": self.architecture,
                "quant": self.quant, "parameters": self.parameters, "tensors": len(self.tensors),
                "context": self.arch_value("context_length"), "layers": self.arch_value("block_count"),
                "hidden_size": self.arch_value("embedding_length"), "vocab": len(tokens),
                "tokenizer": md.get("tokenizer.ggml.model"), "chat_template": bool(md.get("tokenizer.chat_template")),
                "name": md.get("general.name")}


class _Cursor:
    """Reads the header through a buffered file, checking every length against the file's real size."""

    def __init__(self, handle, path: Path, size: int):
        self.handle, self.pos, self.path, self.size = handle, 0, path, size
        self.where = "header"

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.size:
            raise UserError(tr("{path}: the file ends at byte {size} while reading {where} (it needs {value})", path=self.path, size=self.size, where=self.where, value=self.pos + n), hint=tr("the file is truncated; copy it again"))
        out = self.handle.read(n)
        self.pos += n
        return out

    def scalar(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        n = self.scalar("<Q")
        if n > self.size - self.pos:
            raise UserError(tr("{path}: {where} claims a {n:,}-byte string but only {value:,} bytes are left", path=self.path, where=self.where, n=n, value=self.size - self.pos), hint=tr("the file is damaged or truncated"))
        return self.take(n).decode("utf-8", errors="replace")

    def value(self, vtype: int, depth: int = 0):
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == 8:
            return self.string()
        if vtype == 9 and depth == 0:
            etype, count = self.scalar("<I"), self.scalar("<Q")
            least = struct.calcsize(_SCALARS[etype]) if etype in _SCALARS else 8
            if etype not in _SCALARS and etype != 8:
                raise UserError(tr("{path}: {where} is an array of unknown value type {etype}", path=self.path, where=self.where, etype=etype),
                                hint=tr("the file is damaged or not a GGUF model"))
            if count * least > self.size - self.pos:
                raise UserError(tr("{path}: {where} claims {count:,} array items, more than the file holds", path=self.path, where=self.where, count=count),
                                hint=tr("the file is damaged or truncated"))
            if etype in _SCALARS and etype != 7:
                fmt = _SCALARS[etype]
                size = struct.calcsize(fmt)
                raw = self.take(size * count)
                return list(struct.unpack(f"<{count}{fmt[1]}", raw))
            return [self.value(etype, depth + 1) for _ in range(count)]
        raise UserError(tr("{path}: {where} has unknown value type {vtype}", path=self.path, where=self.where, vtype=vtype),
                        hint=tr("the file is damaged or not a GGUF model"))


def _quant_sizes() -> dict[int, tuple[str, int, int]]:
    """{ggml type id: (name, block size, bytes per block)} from the gguf package's tables."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType
    return {int(t): (t.name, *GGML_QUANT_SIZES[t]) for t in GGMLQuantizationType if t in GGML_QUANT_SIZES}


def read_gguf(path: str | os.PathLike) -> GGUFInfo:
    """Parse and bound-check the header of ``path``; raises UserError naming what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        handle = open(path, "rb")
    except OSError as exc:
        raise UserError(tr("cannot read {path}: {strerror}", path=path, strerror=exc.strerror)) from None
    with handle:
        if size < 24:
            raise UserError(tr("{path}: only {size} bytes, too short for a GGUF header", path=path, size=size),
                            hint=tr("the file is truncated or not a GGUF model"))
        return _parse(_Cursor(handle, path, size), path, size)


def _parse(cur: _Cursor, path: Path, size: int) -> GGUFInfo:
    if cur.take(4) != MAGIC:
        raise UserError(tr("{path}: does not start with the GGUF magic bytes", path=path),
                        hint=tr("give a .gguf model file (llama.cpp format)"))
    version = cur.scalar("<I")
    if version not in (2, 3):
        raise UserError(tr("{path}: GGUF version {version} is not supported (2 and 3 are)", path=path, version=version),
                        hint=tr("convert it again with a current llama.cpp"))
    n_tensors, n_kv = cur.scalar("<Q"), cur.scalar("<Q")
    for what, count in (("tensor count", n_tensors), ("metadata key count", n_kv)):
        if count > MAX_COUNT:
            raise UserError(tr("{path}: header field {what} is {count:,}, not a plausible value", path=path, what=what, count=count),
                            hint=tr("the file is damaged or not a GGUF model"))
    metadata = {}
    for index in range(n_kv):
        cur.where = f"metadata key {index + 1}"
        key = cur.string()
        cur.where = f"metadata '{key}'"
        metadata[key] = cur.value(cur.scalar("<I"))
    types = _quant_sizes()
    raw = []
    for index in range(n_tensors):
        cur.where = f"tensor info {index + 1}"
        name = cur.string()
        cur.where = f"tensor '{name}'"
        n_dims = cur.scalar("<I")
        if not 1 <= n_dims <= 4:
            raise UserError(tr("{path}: tensor '{name}' claims {n_dims} dimensions (1 to 4 are possible)", path=path, name=name, n_dims=n_dims),
                            hint=tr("the file is damaged"))
        shape = tuple(cur.scalar("<Q") for _ in range(n_dims))
        ggml_type, offset = cur.scalar("<I"), cur.scalar("<Q")
        raw.append((name, shape, ggml_type, offset))
    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise UserError(tr("{path}: metadata general.alignment is {alignment!r}, not a power of two", path=path, alignment=alignment),
                        hint=tr("the file is damaged"))
    data_offset = -(-cur.pos // alignment) * alignment
    tensors = []
    for name, shape, ggml_type, offset in raw:
        if ggml_type not in types:
            raise UserError(tr("{path}: tensor '{name}' has unknown type {ggml_type}", path=path, name=name, ggml_type=ggml_type),
                            hint=tr("convert it again with a current llama.cpp"))
        type_name, block, block_bytes = types[ggml_type]
        elements = 1
        for d in shape:
            if d < 1 or d > MAX_ELEMENTS:
                raise UserError(tr("{path}: tensor '{name}' claims dimension {d:,}", path=path, name=name, d=d), hint=tr("the file is damaged"))
            elements *= d
        if elements > MAX_ELEMENTS:
            raise UserError(tr("{path}: tensor '{name}' claims shape {list}, {elements:,} values, far more than any model holds", path=path, name=name, list=list(shape), elements=elements), hint=tr("the file's header is damaged"))
        if shape[0] % block:
            raise UserError(tr("{path}: tensor '{name}' has rows of {shape} values, not a multiple of the {block}-value "
                               "blocks of type {type_name}", path=path, name=name, shape=shape[0], block=block, type_name=type_name), hint=tr("the file is damaged"))
        nbytes = elements // block * block_bytes
        if offset % alignment or data_offset + offset + nbytes > size:
            raise UserError(tr("{path}: tensor '{name}' claims {nbytes:,} bytes at offset {offset:,}, beyond the file's "
                               "{size:,} bytes", path=path, name=name, nbytes=nbytes, offset=offset, size=size), hint=tr("the file is truncated or its header is damaged"))
        tensors.append(TensorInfo(name, shape, type_name, offset, nbytes))
    return GGUFInfo(str(path), version, metadata, tensors, data_offset)


def check_model(info: GGUFInfo) -> GGUFInfo:
    """A runnable text model: known architecture, shape keys present, a tokenizer matching the embeddings."""
    path, md = info.path, info.metadata
    arch = info.architecture
    if not arch:
        raise UserError(tr("{path}: metadata general.architecture is missing", path=path), hint=tr("the file is not a model GGUF"))
    if md.get("general.type") == "adapter":
        raise UserError(tr("{path} is a LoRA adapter, not a model", path=path),
                        hint=tr("load it on top of its base model's GGUF file in llama.cpp"))
    if arch not in ARCHITECTURES:
        raise UserError(tr("{path}: architecture '{arch}' is not supported (supported: {items})", path=path, arch=arch, items=', '.join(ARCHITECTURES)),
                        hint=tr("use a model of a supported text family"))
    for key in ("block_count", "embedding_length", "context_length", "attention.head_count"):
        if not isinstance(info.arch_value(key), int):
            raise UserError(tr("{path}: metadata {arch}.{key} is missing", path=path, arch=arch, key=key), hint=tr("convert the model again"))
    tokens = md.get("tokenizer.ggml.tokens")
    if md.get("tokenizer.ggml.model") not in TOKENIZER_MODELS or not isinstance(tokens, list) or not tokens:
        raise UserError(tr("{path}: the file has no tokenizer (tokenizer.ggml.model / tokenizer.ggml.tokens)", path=path),
                        hint=tr("convert it again with the tokenizer included"))
    embed = next((t for t in info.tensors if t.name == "token_embd.weight"), None)
    if embed is None:
        raise UserError(tr("{path}: tensor token_embd.weight is missing", path=path), hint=tr("the file is not a complete model"))
    if len(embed.shape) < 2 or embed.shape[1] != len(tokens):
        raise UserError(tr("{path}: the tokenizer has {count:,} tokens but token_embd.weight has {value:,} rows", path=path, count=len(tokens), value=embed.shape[-1]), hint=tr("convert the model again with its own tokenizer"))
    return info
