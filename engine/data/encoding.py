"""Which text encoding a file uses: BOMs first, then strict UTF-8, then GB18030, then a guess.

Department files come from Excel on Chinese Windows (GBK without BOM, or UTF-16
"Unicode text"), from CRMs and from web tools (UTF-8 with or without BOM).
"""
from __future__ import annotations

import codecs
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

SAMPLE = 1 << 20
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(data, final=complete)
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: str | Path) -> str:
    path = Path(path)
    with open(path, "rb") as handle:
        data = handle.read(SAMPLE)
        complete = len(data) < SAMPLE
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    if not data:
        return "utf-8"
    if data[:2000].count(b"\x00") > len(data[:2000]) // 4:  # UTF-16 without BOM
        even = data[0:2000:2].count(b"\x00")
        odd = data[1:2000:2].count(b"\x00")
        return "utf-16-le" if odd > even else "utf-16-be"
    if _decodes(data, "utf-8", complete):
        return "utf-8"
    if _decodes(data, "gb18030", complete):
        return "gb18030"
    # Not UTF-8 and not GB18030: a guess (cp1250, latin-1 ...) would store garbled text without a word,
    # so the file is refused where its first invalid byte is; --encoding states the encoding explicitly.
    try:
        data.decode("utf-8")
        start = len(data)
    except UnicodeDecodeError as exc:
        start = exc.start
    line = data[:start].count(b"\n") + 1
    raise UserError(tr("{name} line {line} (byte offset {start}): not valid UTF-8 (nor GB18030)", name=path.name, line=line, start=start),
                    hint=tr("save it as UTF-8, or choose the file's encoding (e.g. big5, cp1252, utf-16)"))


def normalise_encoding(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise UserError(tr("unknown text encoding '{name}'", name=name), hint=tr("e.g. utf-8, gb18030, utf-16, big5")) from None
    return {"gbk": "gb18030", "gb2312": "gb18030"}.get(codec, codec)


def open_text(path: str | Path, encoding: str | None = None):
    """Open for reading as text with universal newlines off (csv needs newline='')."""
    enc = normalise_encoding(encoding) if encoding else detect_encoding(path)
    return open(path, "r", encoding=enc, errors="strict", newline=""), enc


def decode_failure(path: Path, encoding: str, line: int | None) -> UserError:
    where = f" near line {line}" if line else ""
    return UserError(tr("{name}{where}: the text is not valid {encoding}", name=path.name, where=where, encoding=encoding),
                     hint=tr("save the file as UTF-8, or choose the file's encoding (e.g. gb18030, utf-16)"))
