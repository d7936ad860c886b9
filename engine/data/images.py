"""Image datasets: the kohya folder (image + same-name .txt), the Hugging Face imagefolder
(``metadata.jsonl`` / ``metadata.csv`` with ``file_name`` + ``text``), and a CSV of
``path,caption``. Every image is verified with Pillow before it enters the blob store.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterator

from engine.data.encoding import open_text
from engine.data.readers import RowError, read_csv, read_jsonl
from engine.i18n import tr

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff")
MAX_PIXELS = 50_000_000  # ~7000 x 7000; anything larger is refused as a decompression bomb
METADATA_FILES = ("metadata.jsonl", "metadata.csv")


def verify_image(path: Path, max_pixels: int = MAX_PIXELS) -> str | None:
    """None when the image is whole and decodable, else what is wrong with it."""
    from PIL import Image, UnidentifiedImageError
    try:
        if path.stat().st_size == 0:
            return "is an empty (zero-byte) file"
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return (f"is {width}x{height} pixels, over the {max_pixels:,}-pixel limit "
                            "(a decompression bomb or a scan far larger than training needs)")
                image.verify()
            with Image.open(path) as image:  # verify() does not decode; load() catches truncation
                image.load()
    except Image.DecompressionBombError:
        return f"is over the {max_pixels:,}-pixel limit (decompression bomb)"
    except Image.DecompressionBombWarning:
        return f"is over the {max_pixels:,}-pixel limit (decompression bomb)"
    except UnidentifiedImageError:
        return "is not an image Pillow can read (corrupt or not an image)"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"is corrupt or truncated ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    return None


def to_rgb(image):
    """The image as 8-bit RGB. Pillow's own conversion clips 16-bit and 32-bit grey (scans, medical and
    satellite pictures) at 255, so such an image would become white: those are scaled instead."""
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        import numpy as np
        from PIL import Image
        array = np.asarray(image, dtype=np.float64)
        top = array.max() if array.size else 0.0
        scale = 255.0 if image.mode == "F" and top <= 1.0 else 255.0 / 65535.0 if top > 255 else 1.0
        grey = np.clip(array * scale, 0, 255).round().astype(np.uint8)
        return Image.fromarray(grey, mode="L").convert("RGB")
    return image.convert("RGB")


def inside(base: Path, relative: str, source: str, line: int | None, field: str) -> Path:
    """Resolve a path from a metadata file; refuse anything outside the import folder."""
    if isinstance(relative, (int, float)) and not isinstance(relative, bool):
        relative = str(relative)
    if relative is not None and not isinstance(relative, str):
        raise RowError(line, field, tr("must be a file name (text), not a JSON {name}", name=type(relative).__name__))
    if not relative or not relative.strip():
        raise RowError(line, field, tr("is empty"))
    if "\x00" in relative:
        raise RowError(line, field, tr("holds a NUL character, which no file name can"))
    candidate = Path(relative.strip())
    base = base.resolve()
    try:
        resolved = (candidate if candidate.is_absolute() else base / candidate).resolve()
    except (OSError, ValueError) as exc:   # too long for the file system, a loop of links ...
        raise RowError(line, field, tr("'{relative}' is not a usable file name ({value})", relative=relative[:80], value=exc.strerror or exc)) from None
    if not resolved.is_relative_to(base):
        raise RowError(line, field, tr("path '{relative}' points outside the import folder {name}/", relative=relative, name=base.name))
    return resolved


def list_images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
                  and not any(part.startswith(".") or part == "__MACOSX" for part in p.relative_to(folder).parts))


def folder_kind(folder: Path) -> str:
    for name in METADATA_FILES:
        if (folder / name).is_file():
            return name
    return "captions"


def _read_caption(path: Path, encoding: str | None) -> str:
    handle, _ = open_text(path, encoding)
    with handle:
        return handle.read().lstrip("\ufeff").strip()


def iter_folder(folder: Path, mapping: dict | None = None, encoding: str | None = None
                ) -> Iterator[tuple[str, int | None, dict]]:
    """(origin file, line, row) with row['file_name'] an absolute Path; annotations pass through."""
    from engine.data.mapping import apply_mapping, detect_mapping
    kind = folder_kind(folder)
    if kind == "captions":
        for image in list_images(folder):
            caption_file = image.with_suffix(".txt")
            caption = _read_caption(caption_file, encoding) if caption_file.is_file() else ""
            yield str(image.relative_to(folder)), None, {"file_name": image, "caption": caption}
        return
    meta = folder / kind
    rows = read_jsonl(meta, encoding) if kind.endswith(".jsonl") else read_csv(meta, encoding)
    column_map = None
    for line, raw in rows:
        if column_map is None:
            column_map = detect_mapping(list(raw), "image", mapping)
            if "file_name" not in column_map.values():
                raise RowError(line, None, tr("has no file_name column (columns: {items})", items=', '.join(raw)))
        row = apply_mapping(raw, column_map)
        row["file_name"] = inside(folder, row.get("file_name", ""), kind, line, "file_name")
        yield kind, line, row


def iter_caption_csv(path: Path, mapping: dict | None = None, encoding: str | None = None
                     ) -> Iterator[tuple[str, int | None, dict]]:
    from engine.data.mapping import apply_mapping, detect_mapping
    column_map = None
    for line, raw in read_csv(path, encoding):
        if column_map is None:
            column_map = detect_mapping(list(raw), "image", mapping)
        row = apply_mapping(raw, column_map)
        row["file_name"] = inside(path.parent, row.get("file_name", ""), path.name, line, "file_name")
        yield path.name, line, row
