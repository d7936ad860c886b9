"""One rule for every file or folder the product writes at a path the user named.

- the target is absent, or a regular file (a folder where a folder is written);
  a device, FIFO, socket or symbolic link is refused, whatever ``force`` says;
- an existing target is replaced only with ``force`` (``--force``);
- writers then go through ``engine.atomic`` (temp file beside the target, rename), so
  the old file stays whole until the new one is complete and a link is never followed.

Call ``check_output_file``/``check_output_folder`` before a job starts and again
inside it (the path may have changed meanwhile).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.errors import UserError
from engine.input_paths import describe
from engine.i18n import N_, tr


def _target(path, what: str) -> Path:
    if path is None or str(path).strip() == "":
        raise UserError(tr("no {what} path given", what=what), hint=tr("give a file name to write"))
    path = Path(path).expanduser()
    parent = path.parent.resolve()  # links in the folders above are the user's choice; the name itself is not
    if parent.exists() and not parent.is_dir():
        raise UserError(tr("cannot write {what} {path}: {parent} is {describe}, not a folder", what=what, path=path, parent=parent, describe=describe(parent)),
                        hint=tr("choose a path inside a folder"))
    return parent / path.name


def _refuse_special(target: Path, what: str, folder_ok: bool) -> os.stat_result | None:
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise UserError(tr("{what} {target} is a symbolic link; it is not followed", what=what, target=target),
                        hint=tr("give the real path, or remove the link first"))
    if stat.S_ISDIR(st.st_mode) and not folder_ok:
        raise UserError(tr("{what} {target} is a folder", what=what, target=target), hint=tr("give a file name inside it, e.g. {value}", value=target / 'export'))
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        raise UserError(tr("{what} {target} is {describe}, not a regular file; it is never written to", what=what, target=target, describe=describe(target)),
                        hint=tr("choose a new file name"))
    return st


def check_output_file(path, force: bool = False, what: str = N_("output file")) -> Path:
    """The absolute target path when writing a file there is allowed; a UserError otherwise."""
    what = tr(what)
    target = _target(path, what)
    if _refuse_special(target, what, folder_ok=False) is not None and not force:
        raise UserError(tr("{what} {target} already exists", what=what, target=target), hint=tr("choose to replace it, or choose another name"),
                        options=("--force",))
    return target


def check_output_folder(path, force: bool = False, what: str = N_("output folder")) -> Path:
    """Like ``check_output_file`` for a folder written as a whole (an existing empty folder is fine)."""
    what = tr(what)
    target = _target(path, what)
    st = _refuse_special(target, what, folder_ok=True)
    if st is None:
        return target
    if stat.S_ISREG(st.st_mode):
        raise UserError(tr("{what} {target} is a file, not a folder", what=what, target=target), hint=tr("choose a new folder name"))
    if any(target.iterdir()) and not force:
        raise UserError(tr("{what} {target} already exists and is not empty", what=what, target=target),
                        hint=tr("choose to replace it, or choose a new folder"), options=("--force",))
    return target
