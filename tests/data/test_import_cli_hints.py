"""Import messages say what to do in words; the command line adds the option that does it."""
from __future__ import annotations

import subprocess
import sys

import data_files as f

from engine.cli.flag_hints import with_flags


def run(ws, *args):
    return subprocess.run([sys.executable, "-m", "engine", "--workspace", str(ws), *args],
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_names_the_option_behind_the_words(tmp_path):
    folder = f.kohya_folder(tmp_path / "posters", corrupt=True)
    preview = run(tmp_path / "ws", "data", "preview", str(folder))
    assert preview.returncode == 0, preview.stderr
    assert "BAD: image 'broken.png'" in preview.stdout and "--skip-bad" in preview.stdout
    refused = run(tmp_path / "ws", "data", "import", str(folder), "--name", "posters")
    assert refused.returncode != 0
    assert "skipping bad rows" in refused.stderr and "[option: --skip-bad]" in refused.stderr


def test_with_flags_adds_each_option_once_and_leaves_plain_messages_alone():
    assert with_flags("x (fix it, or choose the file's encoding (e.g. big5))") == \
        "x (fix it, or choose the file's encoding (e.g. big5)) [option: --encoding NAME]"
    assert with_flags("nothing to add") == "nothing to add"
    assert with_flags("use --skip-bad, or import again skipping bad rows") == \
        "use --skip-bad, or import again skipping bad rows"
