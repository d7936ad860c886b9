"""One naming rule for datasets, models, adapters and tasks.

A name is NFC-normalised (``café`` typed on macOS and on Windows is one name),
1-64 characters, has no slash, backslash or control character, and is unique
ignoring case (``AD-COPY`` and ``ad-copy`` cannot both exist: on Windows and
macOS they would be the same folder, and to a person they are the same name).
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from engine.errors import UserError
from engine.i18n import tr

MAX_LENGTH = 64


def normalise(name) -> str:
    return unicodedata.normalize("NFC", str(name if name is not None else "")).strip()


def key(name) -> str:
    """What two names are compared by."""
    return normalise(name).casefold()


def check_name(name, kind: str = "name", option: str | None = None) -> str:
    """The normalised name, or a UserError saying what is wrong with it."""
    text = normalise(name)
    label = tr("{kind} name", kind=kind)
    options = (option,) if option else ()   # the command line adds it; the window shows the words
    shown = text if len(text) <= 40 else text[:37] + "..."
    if not text:
        raise UserError(tr("{label} is empty", label=label), hint=tr("give the {kind} a name", kind=kind), options=options)
    if len(text) > MAX_LENGTH:
        raise UserError(tr("{label} '{shown}' is {count:,} characters long; at most {max_length} are allowed", label=label, shown=shown, count=len(text), max_length=MAX_LENGTH),
                        hint=tr("choose a shorter name"), options=options)
    bad = next((c for c in text if c in "/\\" or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise UserError(tr("{label} '{shown}' contains {bad!r}", label=label, shown=shown, bad=bad),
                        hint=tr("use letters, digits, spaces, '-', '_' or '.' (no slashes or control characters)"),
                        options=options)
    if text in (".", ".."):
        raise UserError(tr("{label} '{text}' is not usable", label=label, text=text), hint=tr("choose another name"), options=options)
    return text


def find_same(name, existing: Iterable[str]) -> str | None:
    """The existing name that ``name`` equals ignoring case and Unicode form, if any."""
    wanted = key(name)
    return next((other for other in existing if key(other) == wanted), None)


def check_new_name(name, existing: Iterable[str], kind: str, option: str | None = None,
                   hint: str | None = None) -> str:
    """``check_name`` plus: no existing name equals it ignoring case."""
    text = check_name(name, kind, option)
    same = find_same(text, existing)
    if same is not None:
        what = tr("a {kind} named '{name}' already exists", kind=kind, name=same) + \
            ("" if same == text else tr(" (names ignore case)"))
        raise UserError(what, hint=hint or tr("choose another name"))
    return text
