"""What a person wants to know about a model before using it: size on disk, parameter count, weight dtype or
quantization, context length and licence, read from the files alone (safetensors headers, config.json,
GGUF metadata, a LICENSE file or the model card) without loading any weights."""
from __future__ import annotations

import json
import re
import struct
from collections import Counter
from pathlib import Path

SAFETENSORS_DTYPES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I8": "int8",
                      "U8": "uint8", "I32": "int32", "I64": "int64", "F8_E4M3": "float8", "F8_E5M2": "float8",
                      "BOOL": "bool", "I16": "int16"}
CONTEXT_KEYS = ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length", "n_ctx")
LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt", "LICENCE.md", "COPYING")


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()] if path.is_dir() else []


def _safetensors_header(path: Path) -> dict:
    with open(path, "rb") as handle:
        raw = handle.read(8)
        if len(raw) < 8:
            return {}
        (length,) = struct.unpack("<Q", raw)
        if length > 100 * 2**20:
            return {}
        try:
            return json.loads(handle.read(length))
        except ValueError:
            return {}


def _weights(files: list[Path]) -> tuple[int | None, str | None]:
    """Parameter count and the most common dtype over every .safetensors file (by parameters)."""
    total, dtypes, seen = 0, Counter(), False
    for path in files:
        if path.suffix != ".safetensors":
            continue
        for name, tensor in _safetensors_header(path).items():
            if name == "__metadata__" or not isinstance(tensor, dict):
                continue
            count = 1
            for size in tensor.get("shape") or []:
                count *= int(size)
            total += count
            dtypes[SAFETENSORS_DTYPES.get(str(tensor.get("dtype")), str(tensor.get("dtype")).lower())] += count
            seen = True
    return (total, dtypes.most_common(1)[0][0]) if seen else (None, None)


def _config(folder: Path) -> dict:
    for candidate in (folder / "config.json", folder / "text_encoder" / "config.json"):
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                return data
        except (OSError, ValueError):
            continue
    return {}


def _license(folder: Path, config: dict) -> str | None:
    """A licence name from the model card's front matter, the config, or the first line of a LICENSE file."""
    card = folder / "README.md"
    if card.is_file():
        text = card.read_text(encoding="utf-8", errors="replace")[:4000]
        match = re.search(r"^---\s*$(.*?)^---\s*$", text, re.MULTILINE | re.DOTALL)
        if match:
            found = re.search(r"^licen[cs]e:\s*(.+)$", match.group(1), re.MULTILINE)
            if found:
                return found.group(1).strip().strip("'\"") or None
    if isinstance(config.get("license"), str) and config["license"].strip():
        return config["license"].strip()
    for name in LICENSE_FILES:
        path = folder / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.strip():
                    return line.strip()[:80]
    return None


def model_details(model) -> dict:
    """size_bytes, files, parameters, dtype, quantization, context_length, license (None when unknown)."""
    path = Path(model.path)
    files = _files(path)
    info = model.info or {}
    folder = path if path.is_dir() else path.parent
    config = _config(folder)
    details = {"size_bytes": sum(p.stat().st_size for p in files), "files": len(files), "parameters": None,
               "dtype": None, "quantization": None, "context_length": None, "license": _license(folder, config)}
    if info.get("format") == "gguf":
        details.update(quantization=info.get("quant"), context_length=info.get("context"),
                       parameters=info.get("parameters"))
        return details
    details["parameters"], details["dtype"] = _weights(files)
    quant = config.get("quantization_config")
    if isinstance(quant, dict):
        details["quantization"] = quant.get("quant_method") or ("8bit" if quant.get("load_in_8bit") else None)
    if model.kind == "text" and model.role == "base":
        details["context_length"] = next((int(config[k]) for k in CONTEXT_KEYS if isinstance(config.get(k), int)),
                                         None)
    if details["dtype"] is None and isinstance(config.get("torch_dtype"), str):
        details["dtype"] = config["torch_dtype"]
    return details
