"""The aigc models / train / generate commands, driven in-process like a script would."""
from __future__ import annotations

import json

from engine.cli import main
from text_tiny import examples, write_jsonl


def aigc(capsys, ws, *argv):
    code = main(["--workspace", str(ws), "--json", *argv])
    captured = capsys.readouterr()
    last = captured.out.strip().splitlines()[-1] if captured.out.strip() else "{}"
    return code, json.loads(last) if code == 0 else None, captured


def test_models_train_generate_round_trip(capsys, tmp_path, tiny_models):
    ws = tmp_path / "ws"
    data = write_jsonl(tmp_path / "ads.jsonl", examples(30))
    code, result, _ = aigc(capsys, ws, "models", "import", str(tiny_models["gpt2"]), "--name", "g")
    assert code == 0 and result["name"] == "g" and len(result["sha256"]) == 64
    code, result, _ = aigc(capsys, ws, "models", "list")
    assert [m["name"] for m in result["models"]] == ["g"]
    code, result, _ = aigc(capsys, ws, "models", "verify", "g")
    assert code == 0 and result["ok"] is True
    code, result, _ = aigc(capsys, ws, "train", "--model", "g", "--data", str(data), "--max-steps", "3",
                           "--lr", "0.01", "--name", "g-ads", "--save-every", "2")
    assert code == 0 and result["model"] == "g-ads" and result["steps"] == 3
    run_id = result["run_id"]
    code, result, _ = aigc(capsys, ws, "models", "show", "g-ads")
    assert result["role"] == "adapter" and result["lineage"]["run_id"] == run_id
    assert "<|assistant|>" in result["rendered_template"]
    code, result, _ = aigc(capsys, ws, "train", "--list-runs")
    assert [r["id"] for r in result["runs"]] == [run_id] and result["runs"][0]["state"] == "succeeded"
    code, result, captured = aigc(capsys, ws, "generate", "--model", "g", "--adapter", "g-ads", "--prompt",
                                  "Write a short ad for tea.", "--prompt", "hi", "--max-new-tokens", "4",
                                  "--seed", "7", "--temperature", "0")
    assert code == 0 and len(result["results"]) == 2 and result["adapter"] == "g-ads"
    assert result["results"][0]["text"] in captured.err   # streamed to stderr in --json mode
    code, result, _ = aigc(capsys, ws, "generate", "--model", "g-ads", "--prompt", "x", "--max-new-tokens", "2",
                           "--int8")
    assert code == 0 and result["results"][0]["tokens"] >= 1
    code, _, captured = aigc(capsys, ws, "models", "remove", "g")
    assert code != 0 and "g-ads" in captured.err
    assert aigc(capsys, ws, "models", "remove", "g-ads")[0] == 0
    assert aigc(capsys, ws, "models", "remove", "g")[0] == 0


def test_bad_import_exits_non_zero_with_one_line(capsys, tmp_path):
    folder = tmp_path / "bin-only"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    (folder / "pytorch_model.bin").write_bytes(b"not really")
    code, _, captured = aigc(capsys, tmp_path / "ws", "models", "import", str(folder))
    assert code != 0
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "pickle" in lines[0] and "safetensors" in lines[0]
    code, result, _ = aigc(capsys, tmp_path / "ws", "models", "list")
    assert result["models"] == []


def test_train_needs_model_and_data(capsys, tmp_path):
    code, _, captured = aigc(capsys, tmp_path / "ws", "train", "--model", "nope", "--data", "x.jsonl")
    assert code != 0 and "no model named 'nope'" in captured.err


def test_train_resume_by_run_id(capsys, tmp_path, tiny_models):
    from engine.api import Engine
    ws = tmp_path / "ws"
    data = write_jsonl(tmp_path / "ads.jsonl", examples(30))
    with Engine.open(ws) as eng:
        assert eng.jobs.run("models.import", {"path": str(tiny_models["llama"]), "name": "l"}).state.value == "succeeded"

        def stop_at_3(event):
            if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == 3:
                eng.jobs.cancel(event.job_id)
        eng.jobs.subscribe(stop_at_3)
        job = eng.jobs.wait(eng.text.train({"model": "l", "data": str(data), "max_steps": 6, "save_every": 2}).id)
        assert job.state.value == "cancelled"
        run_id = eng.text.runs()[0]["id"]
        assert eng.text.runs()[0]["state"] == "cancelled"
    code, result, _ = aigc(capsys, ws, "train", "--resume", run_id[:-2])
    assert code == 0 and result["run_id"] == run_id and result["steps"] == 6
    code, _, captured = aigc(capsys, ws, "train", "--resume", run_id)
    assert code != 0 and "already finished" in captured.err


def test_generate_batch_size_reaches_the_job_and_is_checked(capsys, tmp_path, tiny_models):
    from engine.api import Engine
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_models["gpt2"]), "--name", "g")[0] == 0
    prompts = ["one", "two", "three"]
    code, result, _ = aigc(capsys, ws, "generate", "--model", "g", *[a for p in prompts for a in ("--prompt", p)],
                           "--batch-size", "2", "--max-new-tokens", "3", "--temperature", "0")
    assert code == 0 and len(result["results"]) == 3
    assert [r["prompt"] for r in result["results"]] == prompts
    with Engine.open(ws) as eng:
        assert eng.jobs.get(result["job"]).params["params"]["batch_size"] == 2
    code, _, captured = aigc(capsys, ws, "generate", "--model", "g", "--prompt", "x", "--batch-size", "0")
    assert code != 0 and "--batch-size: 0 is out of range" in captured.err and "started" not in captured.err


def test_resume_keeps_the_run_settings(capsys, tmp_path, tiny_models):
    from engine.api import Engine
    ws = tmp_path / "ws"
    data = write_jsonl(tmp_path / "ads.jsonl", examples(30))
    assert aigc(capsys, ws, "models", "import", str(tiny_models["llama"]), "--name", "l")[0] == 0
    with Engine.open(ws) as eng:
        def stop(event):
            if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == 2:
                eng.jobs.cancel(event.job_id)
        eng.jobs.subscribe(stop)
        job = eng.jobs.run("text.train", {"config": {"model": "l", "data": str(data), "max_steps": 6,
                                                     "batch_size": 4, "save_every": 50}})
        assert job.state.value == "cancelled", job.error
        run_id = eng.workspace.db().execute("SELECT id FROM runs WHERE job_id = ?", (job.id,)).fetchone()["id"]
    code, _, captured = aigc(capsys, ws, "train", "--resume", run_id, "--max-steps", "9", "--lr", "0.1")
    assert code != 0 and "max_steps 6, not 9" in captured.err and "2 settings differ" in captured.err
    code, result, captured = aigc(capsys, ws, "train", "--resume", run_id, "--max-steps", "6")
    assert code == 0, captured.err
    assert result["run_id"] == run_id and result["steps"] == 6
