"""The generated matrix: every numeric option of every command with 0, -1, huge, nan and inf, and every
path option with a missing path, a folder, a FIFO, a device, a symbolic link and an existing file.

A bad value must end in a non-zero exit, one line on stderr without a traceback that names the
option or path, and a workspace exactly as it was. A value the option's declared range accepts
(``--seed 0``) is valid input, not part of the contract, and is not run.
"""
from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import pytest
from harness import COUNTS, assert_refused, run_cli, unchanged

from engine.cli import build_parser
from engine.cli.numbers import Number, specs_for

VALUES = {"0": 0, "-1": -1, "huge": 10**30, "nan": float("nan"), "inf": float("inf")}

# arguments that make each command otherwise valid, so the option under test is what gets refused
BASE = {
    ("jobs", "list"): [], ("data", "show"): ["ad-copy"], ("data", "diff"): ["ad-copy", "1", "1"],
    ("data", "split"): ["ad-copy"], ("data", "augment"): ["ad-copy"],
    ("train",): ["--model", "starter-text", "--data", "ad-copy"],
    ("generate",): ["--model", "starter-text", "--prompt", "hi"],
    ("task", "create"): ["--name", "m-task", "--template", "{x}"],
    ("task", "run"): ["ad-copy"], ("task", "eval"): ["ad-copy", "--adapter", "starter-text"],
    ("review", "add"): ["--modality", "text", "--prompt", "p", "--text", "t"], ("review", "list"): [],
    ("review", "feedback"): ["ad-copy", "--retrain"],
    ("models", "compress-report"): ["starter-text"], ("task", "runs"): ["ad-copy", "--stats"],
    ("task", "train-head"): ["ad-copy"], ("task", "leaderboard"): ["ad-copy"],
    ("models", "export"): ["starter-image", "out.safetensors", "--format", "sd-single-file"],
}


def _leaves(parser: argparse.ArgumentParser, path=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen = set()
            for name, child in action.choices.items():
                if id(child) not in seen:
                    seen.add(id(child))
                    yield from _leaves(child, path + (name,))
            return
    yield path, parser


def numeric_options():
    found = []
    for command, parser in _leaves(build_parser()):
        for action in parser._actions:
            if isinstance(action.type, Number):
                found.append((command, action.option_strings[0], action.type.integer))
    return found


NUMERIC = numeric_options()


def test_every_numeric_option_declares_its_range():
    undeclared = [f"{' '.join(c)} {o}" for c, o, _ in NUMERIC if not specs_for(c, [o])]
    assert not undeclared, f"numeric options without a declared range: {undeclared}"
    assert len(NUMERIC) >= 40


def _is_bad(command, option, value) -> bool:
    if isinstance(value, float) or abs(value) > 2**53:
        return True  # nan, inf and 10**30 are never a usable setting
    return all(spec.problem(value) for spec in specs_for(command, [option]))


@pytest.mark.parametrize("command, option, integer", NUMERIC, ids=[f"{' '.join(c)} {o}" for c, o, _ in NUMERIC])
def test_numeric_option(ws, command, option, integer):
    base = BASE.get(command)
    assert base is not None, f"no base arguments for {' '.join(command)}"
    with unchanged(ws):
        for label, value in VALUES.items():
            if not _is_bad(command, option, value):
                COUNTS["valid, not run"] += 1
                continue
            text = {"nan": "nan", "inf": "inf", "huge": str(10**30)}.get(label, str(value))
            assert_refused(run_cli(ws, *command, *base, f"{option}={text}"), option)


# -- paths ------------------------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "resources" / "samples" / "datasets" / "ad-copy.jsonl")

# option -> argv builder; readers take the path as input, writers write there
READERS = {
    "data import PATH": lambda p: ["data", "import", p, "--name", "m"],
    "data preview PATH": lambda p: ["data", "preview", p],
    "models import PATH": lambda p: ["models", "import", p, "--name", "m2", "--kind", "text"],
    "bundle inspect PATH": lambda p: ["bundle", "inspect", p],
    "bundle import PATH": lambda p: ["bundle", "import", p],
    "task import PATH": lambda p: ["task", "import", p],
    "task create --from": lambda p: ["task", "create", "--from", p],
    "task run --inputs": lambda p: ["task", "run", "ad-copy", "--inputs", p],
    "generate --prompts-file": lambda p: ["generate", "--model", "starter-text", "--prompts-file", p],
    "generate --init-image": lambda p: ["generate", "--model", "starter-image", "--prompt", "x", "--init-image", p],
    "train --data": lambda p: ["train", "--model", "starter-text", "--data", p, "--max-steps", "1"],
    "review add --image": lambda p: ["review", "add", "--modality", "image", "--prompt", "p", "--image", p],
    "data clean --rules banned=@": lambda p: ["data", "clean", "ad-copy", "--rules", f"banned=@{p}"],
}
WRITERS = {
    "data export OUT": lambda p: ["data", "export", "ad-copy", p, "--format", "jsonl"],
    "review export OUT": lambda p: ["review", "export", p],
    "task export OUT": lambda p: ["task", "export", p],
    "bundle export OUT": lambda p: ["bundle", "export", p, "--dataset", "ad-copy"],
    "generate --out": lambda p: ["generate", "--model", "starter-image", "--prompt", "x", "--steps", "1",
                                 "--out", p],
    "task eval --report": lambda p: ["task", "eval", "ad-copy", "--adapter", "starter-text", "--report", p],
}
ANY_TEXT = ("generate --prompts-file", "data clean --rules banned=@")  # any line of text is valid there
KINDS = ("missing", "folder", "fifo", "device", "symlink", "existing")
SUFFIX = {"bundle": ".zip", "models": "", "review add": ".png", "generate --init-image": ".png",
          "generate --prompts-file": ".txt", "data clean": ".txt", "task create": ".json", "task import": ".json",
          "generate --out": "", "task eval": ".html"}


def _suffix(option: str) -> str:
    return next((s for key, s in SUFFIX.items() if option.startswith(key)), ".jsonl")


def make_path(kind: str, folder: Path, suffix: str, writer: bool) -> str:
    path = folder / f"target{suffix}"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        if not writer:
            return "/dev/null"  # reading the real one is harmless
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("creating a device node needs root")
    elif kind == "symlink":
        outside = folder.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / f"real{suffix}").write_text("not what this command reads\n")
        path.symlink_to(outside / f"real{suffix}")
    elif kind == "existing":
        path.write_text("not what this command reads\n")
    return str(path)


def _expected(option: str, kind: str, writer: bool) -> str | None:
    """What the refusal must say, or None when the path is a valid target."""
    if writer:
        if kind == "missing" or (kind == "folder" and option == "generate --out"):
            return None
        return {"folder": "folder", "fifo": "FIFO", "device": "character device", "symlink": "symbolic link",
                "existing": "already exists" if option != "generate --out" else "a file"}[kind]
    if option in ANY_TEXT and kind in ("existing", "symlink"):
        return None  # a text file, read through a link or not, is what these options take
    return {"missing": "does not exist", "folder": "folder", "fifo": "FIFO", "device": "character device"}.get(kind, "")


CASES = [(o, k, False) for o in READERS for k in KINDS] + [(o, k, True) for o in WRITERS for k in KINDS]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("option, kind, writer", CASES, ids=[f"{o} {k}" for o, k, _ in CASES])
def test_path_option(ws, files, option, kind, writer):
    expected = _expected(option, kind, writer)
    if expected is None:
        COUNTS["valid, not run"] += 1
        return
    path = make_path(kind, files, _suffix(option), writer)
    argv = (WRITERS if writer else READERS)[option](path)
    outside = files.parent / "outside"
    with unchanged(ws, files, *([outside] if outside.exists() else [])):
        line = assert_refused(run_cli(ws, *argv), expected)
        # the path is named (the name, or for a symlink read through, the file it leads to)
        assert Path(path).name in line or "real" in line or path in line, line
