"""JSON from people's files: one loader with a nesting limit and a line-length limit.

Python's parser recurses once per nesting level, so a file nested 100,000 deep
ends in RecursionError; the code that walks parsed records recurses too. Every
reader of user-supplied JSON goes through ``loads`` or ``load_file`` and gets a
one-line ``UserError`` naming the file and line instead.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from engine.errors import UserError
from engine.input_paths import check_input_file
from engine.i18n import N_, tr

MAX_DEPTH = 64                 # deeper than any real dataset, task or manifest
MAX_LINE = 16 * 1024 * 1024    # 16 MiB: one JSONL record, one CSV row, one text line
MAX_FILE = 256 * 1024 * 1024   # a whole JSON document parsed at once (task files, manifests, .json data)


class TooDeep(ValueError):
    """Nested deeper than MAX_DEPTH."""


def depth_of(value, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of parsed JSON, without recursion; raises TooDeep past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                raise TooDeep(f"nested more than {limit} levels deep")
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def might_be_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """False when ``text`` has too few brackets to nest past ``limit`` (a C-speed count that
    spares most records the walk of ``depth_of``)."""
    if isinstance(text, str):
        return text.count("{") + text.count("[") > limit
    return text.count(b"{") + text.count(b"[") > limit


class LoneSurrogate(ValueError):
    """A ``\\udXXX`` escape with no partner: JSON allows it, but it is no character and cannot be stored."""


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}").search


def check_surrogates(text: str, value) -> None:
    """Refuse a parsed value holding a lone surrogate; only looked for when ``text`` has such an escape."""
    if "\\u" not in text or not _SURROGATE_ESCAPE(text):
        return
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise LoneSurrogate(f"holds a lone UTF-16 surrogate (\\u{ord(item[exc.start]):04x}), which is "
                                    "not a character") from None


def loads(text: str | bytes, where: str, hint: str | None = "fix the file and try again"):
    """Parse ``text``; ``where`` names it in a message ("data.jsonl line 4")."""
    try:
        value = json.loads(text)
        if might_be_deep(text):
            depth_of(value)
        check_surrogates(text if isinstance(text, str) else text.decode("utf-8", "replace"), value)
    except LoneSurrogate as exc:
        raise UserError(tr("{where}: {exc}", where=where, exc=exc), hint=hint) from None
    except json.JSONDecodeError as exc:
        raise UserError(tr("{where}: not valid JSON ({msg} at line {lineno} column {colno})", where=where, msg=exc.msg, lineno=exc.lineno, colno=exc.colno),
                        hint=hint) from None
    except (RecursionError, TooDeep):
        raise UserError(tr("{where}: JSON nested more than {max_depth} levels deep", where=where, max_depth=MAX_DEPTH), hint=hint) from None
    except UnicodeDecodeError as exc:
        raise UserError(tr("{where}: not valid UTF-8 at byte {start}", where=where, start=exc.start), hint=tr("save the file as UTF-8")) from None
    return value


def check_depth(value, where: str, hint: str | None = "fix the file and try again"):
    """For values parsed elsewhere (e.g. by a streaming reader): refuse deep nesting."""
    try:
        depth_of(value)
    except TooDeep:
        raise UserError(tr("{where}: JSON nested more than {max_depth} levels deep", where=where, max_depth=MAX_DEPTH), hint=hint) from None
    return value


def read_user_file(path: str | os.PathLike, what: str = N_("file"), limit: int = MAX_FILE) -> bytes:
    """The bytes of a regular file the user named, refusing folders, FIFOs, devices and huge files."""
    what = tr(what)
    path = check_input_file(path, what)
    size = path.stat().st_size
    if size > limit:
        raise UserError(tr("{path}: {what} is {value:,.0f} MiB; at most {value2} MiB can be read", path=path, what=what, value=size / 2**20, value2=limit // 2**20),
                        hint=tr("split it into smaller files"))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(tr("cannot read {what} {path}: {strerror}", what=what, path=path, strerror=exc.strerror)) from None


def load_file(path: str | os.PathLike, what: str = N_("JSON file"), hint: str | None = N_("fix the file and try again")):
    """Parse a whole JSON file (UTF-8, BOM allowed) the user named."""
    what, hint = tr(what), (tr(hint) if hint else hint)
    raw = read_user_file(path, what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(tr("{path}: not valid UTF-8 at byte {start}", path=Path(path), start=exc.start), hint=tr("save the file as UTF-8")) from None
    return loads(text, str(Path(path)), hint)


def read_lines(handle, where: str, limit: int = MAX_LINE):
    """Lines of a binary handle, refusing any line longer than ``limit`` bytes (a file of NULs has none)."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            raise UserError(tr("{where} line {number}: longer than {value} MiB", where=where, number=number, value=limit // 2**20),
                            hint=tr("one record per line; split or shorten that line"))
        yield number, line
