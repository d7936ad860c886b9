"""A tiny llama and a small dataset shared by the multi-process tests."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS, TESTS / "text"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory):
    from text_tiny import build_model, make_tokenizer
    return build_model("llama", tmp_path_factory.mktemp("dist-model") / "llama", make_tokenizer())


@pytest.fixture
def ads(tmp_path):
    from text_tiny import examples, write_jsonl
    return write_jsonl(tmp_path / "ads.jsonl", examples(24))


def aigc(capsys, ws, *argv):
    """Run the CLI in this process; (exit code, --json result or None, captured streams)."""
    from engine.cli import main
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    last = captured.out.strip().splitlines()[-1] if captured.out.strip() else "{}"
    return code, json.loads(last) if code == 0 else None, captured
