"""aigc data annotate --draft collects edits in one version; aigc data commit seals it with a message."""
from __future__ import annotations

import json

import data_files as f

from engine.cli import main


def aigc(capsys, ws, *argv, json_mode=True):
    code = main(["--workspace", str(ws), *(["--json"] if json_mode else []), *argv])
    captured = capsys.readouterr()
    if not json_mode or code != 0:
        return code, captured
    return code, json.loads(captured.out.strip().splitlines()[-1])


def test_draft_edits_then_commit_make_one_version(capsys, tmp_path):
    ws = tmp_path / "ws"
    path = f.write_jsonl(tmp_path / "a.jsonl", f.alpaca_rows())
    assert aigc(capsys, ws, "data", "import", str(path), "--name", "ads")[0] == 0
    for edit in (["--ids", "1", "--accept"], ["--ids", "2,3", "--reject"], ["--where-status", "unreviewed",
                                                                              "--tag", "later"]):
        code, result = aigc(capsys, ws, "data", "annotate", "ads", *edit, "--draft")
        assert code == 0 and result["version"] == 2
    code, result = aigc(capsys, ws, "data", "versions", "ads")
    assert [v["draft"] for v in result["versions"]] == [False, True] and result["versions"][-1]["edits"] == 3

    code, result = aigc(capsys, ws, "data", "commit", "ads", "--message", "first review pass")
    assert code == 0 and result == {"dataset": "ads", "committed": True, "version": 2, "edits": 3,
                                    "message": "first review pass"}
    code, result = aigc(capsys, ws, "data", "versions", "ads")
    assert not result["versions"][-1]["draft"] and result["versions"][-1]["message"] == "first review pass"

    # a sealed version is never amended: the next draft edit starts version 3
    code, result = aigc(capsys, ws, "data", "annotate", "ads", "--ids", "4", "--accept", "--draft")
    assert result["version"] == 3 and result["created"]
    code, captured = aigc(capsys, ws, "data", "commit", "ads", json_mode=False)
    assert code == 0 and 'version 3 committed: 1 edit(s), "1 edit(s)"' in captured.out

    # nothing open: a no-op that says so
    code, captured = aigc(capsys, ws, "data", "commit", "ads", json_mode=False)
    assert code == 0 and "no open draft" in captured.out
    code, captured = aigc(capsys, ws, "data", "commit", "nope")
    assert code != 0 and "nope" in captured.err
