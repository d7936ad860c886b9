"""Text that a spreadsheet would run as a formula, kept as text in CSV files.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice when they open a CSV file (``=HYPERLINK(...)``, ``=cmd|...``): an exported
customer message must not run when someone opens the export. Such a cell is written with one
leading apostrophe, which spreadsheets show as text; the CSV reader takes exactly that apostrophe
off again, so an export imports back unchanged (a cell that already starts with apostrophes
followed by a formula character gets one more on the way out and loses one on the way in).
"""
from __future__ import annotations

import re

_LOOKS_LIKE_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def guard(value):
    """``value`` as it goes into a CSV cell."""
    if isinstance(value, str) and _LOOKS_LIKE_FORMULA.match(value):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """A CSV cell as read back: the apostrophe ``guard`` added is taken off."""
    if value[:1] == "'" and _GUARDED.match(value):
        return value[1:]
    return value
