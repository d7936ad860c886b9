"""What a path the user named actually is, and a refusal that says so.

Readers take regular files (or folders where a folder is meant); a FIFO would
block forever and a device such as /dev/zero never ends, so both are refused
before anything is opened.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import UserError
from engine.i18n import N_, tr


def describe(path: str | os.PathLike) -> str:
    """'a folder', 'a FIFO (named pipe)', 'a character device' ... or 'missing'."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input_file(path: str | os.PathLike, what: str = N_("input file"), allow_dir: bool = False) -> Path:
    """``path`` as a Path when it is a regular file (or a folder with ``allow_dir``); else a UserError.
    ``what`` names it in the message (a label marked with ``N_``, translated here)."""
    what = tr(what)
    if path is None or str(path) == "":
        raise UserError(tr("no {what} given", what=what), hint=tr("give the path of a file"))
    path = Path(path).expanduser()
    kind = describe(path)
    if kind == "a file" or (allow_dir and kind == "a folder"):
        return path
    if kind == "missing":
        raise UserError(tr("{what} {path} does not exist", what=what, path=path), hint=tr("check the path"))
    expected = "a file or a folder" if allow_dir else "a file"
    raise UserError(tr("{what} {path} is {kind}, not {expected}", what=what, path=path, kind=kind, expected=expected),
                    hint="give a regular file" + (" or folder" if allow_dir else ""))
