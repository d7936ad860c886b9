"""The bad-input contract's tools: the CLI run in-process, the one-line refusal check, and a snapshot
of everything a refusal must leave as it was (every table's rows, the file tree, integrity)."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

COUNTS: Counter = Counter()   # cases run / refused cleanly / valid values not run, printed at the end

SKIP_FILES = {"workspace.db", "workspace.db-wal", "workspace.db-shm", "workspace.lock"}


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run_cli(workspace: Path | None, *argv: str) -> Outcome:
    """``aigc [--workspace W] ARGV`` in this process: exit code, stdout and stderr."""
    from engine.cli import main
    out, err = io.StringIO(), io.StringIO()
    args = (["--workspace", str(workspace)] if workspace is not None else []) + [str(a) for a in argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Outcome(code, out.getvalue(), err.getvalue())


_DIGESTS: dict = {}


def _digest(path: Path) -> str:
    st = os.stat(path)
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = _hash(path)
    return _DIGESTS[key]


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def tree(root: Path, skip: set[str] = frozenset()) -> dict:
    """Every entry under ``root`` (lstat: links are not followed) with its kind and, for files, content."""
    found = {}
    if not os.path.lexists(root):
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel in skip:
                continue
            st = os.lstat(path)
            if os.path.islink(path):
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            elif path.is_file():
                found[rel] = ("file", st.st_size, _digest(path))
            else:
                found[rel] = ("special", st.st_mode)
    return found


def snapshot(workspace: Path) -> dict:
    """Every table's rows, the file tree and PRAGMA integrity_check of a closed workspace."""
    con = sqlite3.connect(workspace / "workspace.db")
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        rows = {t: sorted(repr(tuple(r)) for r in con.execute(f'SELECT * FROM "{t}"')) for t in tables}
    finally:
        con.close()
    return {"integrity": integrity, "rows": rows, "files": tree(workspace, SKIP_FILES)}


def diff(before: dict, after: dict) -> str:
    """A short description of what changed between two snapshots ('' when nothing did)."""
    problems = []
    if after["integrity"] != "ok":
        problems.append(f"integrity_check: {after['integrity']}")
    for table in sorted(set(before["rows"]) | set(after["rows"])):
        if before["rows"].get(table) != after["rows"].get(table):
            problems.append(f"table {table} changed")
    added = sorted(set(after["files"]) - set(before["files"]))
    removed = sorted(set(before["files"]) - set(after["files"]))
    changed = sorted(k for k in set(before["files"]) & set(after["files"]) if before["files"][k] != after["files"][k])
    for label, items in (("added", added), ("removed", removed), ("changed", changed)):
        if items:
            problems.append(f"files {label}: {', '.join(items[:5])}")
    return "; ".join(problems)


def assert_refused(result: Outcome, *named: str, code: int | None = None) -> str:
    """Non-zero exit, exactly one line on stderr, no traceback, and every ``named`` text in it."""
    COUNTS["run"] += 1
    assert result.code != 0, f"exit 0 for bad input; stdout={result.out[-400:]!r} stderr={result.err[-400:]!r}"
    if code is not None:
        assert result.code == code, result.err
    assert "Traceback" not in result.err, result.err[-2000:]
    assert len(result.lines) == 1, f"expected one line on stderr, got {len(result.lines)}: {result.err[-1500:]!r}"
    line = result.lines[0]
    assert line.startswith("error: "), line
    assert "unexpected" not in line, line
    for text in named:
        assert text in line, f"{text!r} not named in: {line}"
    COUNTS["refused cleanly"] += 1
    return line


@contextlib.contextmanager
def unchanged(*roots: Path):
    """The workspace (and any other folders given) must be exactly as before the block."""
    workspace, others = roots[0], roots[1:]
    before = snapshot(workspace)
    before_others = [tree(r) for r in others]
    yield
    changes = diff(before, snapshot(workspace))
    assert not changes, f"the workspace changed: {changes}"
    for root, old in zip(others, before_others):
        assert tree(root) == old, f"{root} changed"
