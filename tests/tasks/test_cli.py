"""aigc task ... / aigc review ... end to end in-process, with the --json contract."""
import json

from engine.cli import main
from engine.samples import samples_dir

from .helpers import TEMPLATE_TASK, product_rows, write_csv


def run(capsys, workspace, *argv):
    code = main(["--workspace", str(workspace), "--json", *argv])
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, (json.loads(lines[-1]) if lines and code == 0 else None), captured.err


def test_task_and_review_commands(capsys, tmp_path):
    ws = tmp_path / "ws"
    code, out, _ = run(capsys, ws, "task", "import", str(samples_dir() / "tasks.json"))
    assert code == 0 and len(out["added"]) == 7
    (tmp_path / "slogans.json").write_text(json.dumps(TEMPLATE_TASK), encoding="utf-8")
    assert run(capsys, ws, "task", "create", "--from", str(tmp_path / "slogans.json"))[0] == 0
    code, out, _ = run(capsys, ws, "task", "create", "--name", "quick", "--template", "Hi {name}", "--max-chars", "9",
                       "--ban", "MegaMart")
    assert code == 0 and out["task"]["constraints"]["banned_terms"] == ["MegaMart"]
    code, out, _ = run(capsys, ws, "task", "show", "product-poster")
    assert out["variables"] == ["product", "audience", "colour"]
    inputs = write_csv(tmp_path / "in.csv", product_rows(3))
    code, out, err = run(capsys, ws, "task", "run", "slogans", "--inputs", str(inputs), "--limit", "2")
    assert code == 0 and out["outputs"] == 4, err
    code, out, _ = run(capsys, ws, "review", "list", "--task", "slogans", "--step", "copy")
    ids = [i["id"] for i in out["items"]]
    assert len(ids) == 2 and out["counts"]["pending"] == 4
    assert run(capsys, ws, "review", "approve", str(ids[0]), "--comment", "ok")[0] == 0
    assert run(capsys, ws, "review", "edit", str(ids[1]), "--text", "better line")[0] == 0
    code, out, _ = run(capsys, ws, "review", "audit")
    assert [r["action"] for r in out["audit"]] == ["approve", "edit"]
    code, out, _ = run(capsys, ws, "review", "export", str(tmp_path / "out.jsonl"), "--task", "slogans")
    assert out["items"] == 2
    code, out, _ = run(capsys, ws, "task", "export", str(tmp_path / "bundle.json"), "--task", "slogans")
    assert out["tasks"] == ["slogans"]


def test_errors_are_one_line_and_change_nothing(capsys, tmp_path):
    ws = tmp_path / "ws"
    (tmp_path / "t.json").write_text(json.dumps(TEMPLATE_TASK), encoding="utf-8")
    run(capsys, ws, "task", "create", "--from", str(tmp_path / "t.json"))
    code, _, err = run(capsys, ws, "task", "run", "slogans", "--inputs", str(write_csv(tmp_path / "x.csv", [["a"], ["1"]])))
    assert code == 2 and err.strip().count("\n") == 0
    assert "missing column(s) product, audience" in err
    code, _, err = run(capsys, ws, "review", "approve", "1", "77")
    assert code == 4 and "no review item 1" in err
    code, _, err = run(capsys, ws, "task", "show", "nope")
    assert code == 4 and "no task named 'nope'" in err


def test_review_add_queues_one_off_outputs(capsys, tmp_path):
    """aigc review add: text checked against the task's rules, an image copied in, errors on one line."""
    from PIL import Image
    ws = tmp_path / "ws"
    (tmp_path / "t.json").write_text(json.dumps(TEMPLATE_TASK), encoding="utf-8")
    run(capsys, ws, "task", "create", "--from", str(tmp_path / "t.json"))
    code, out, err = run(capsys, ws, "review", "add", "--modality", "text", "--prompt", "ad for a tote",
                         "--text", "Shop MegaMart totes", "--task", "slogans", "--seed", "11")
    assert code == 0, err
    item = out["item"]
    assert (item["task"], item["seed"], item["status"], item["passed"]) == ("slogans", 11, "pending", False)
    assert item["output_text"] == "Shop MegaMart totes"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(tmp_path / "poster.png")
    code, out, err = run(capsys, ws, "review", "add", "--modality", "image", "--prompt", "red poster",
                         "--image", str(tmp_path / "poster.png"))
    assert code == 0 and out["item"]["task"] is None and out["item"]["image_path"], err
    code, out, _ = run(capsys, ws, "review", "list", "--task", "slogans")
    assert len(out["items"]) == 1
    code, _, err = run(capsys, ws, "review", "add", "--modality", "image", "--prompt", "p", "--image",
                       str(tmp_path / "missing.png"))
    assert code != 0 and err.strip().count("\n") == 0 and "missing.png does not exist" in err
    code, _, err = run(capsys, ws, "review", "add", "--modality", "text", "--prompt", "p", "--text", "x",
                       "--model", "nope")
    assert code != 0 and "no model named 'nope'" in err
    code, out, _ = run(capsys, ws, "review", "list")
    assert len(out["items"]) == 2
