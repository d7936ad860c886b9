"""TensorBoard events beside a text run's checkpoints, read back with tensorboardX's protobufs."""
from __future__ import annotations

import json

from engine.cli import main
from engine.training.tensorboard import read_events, read_scalars, read_tags
from text_tiny import examples, write_jsonl


def test_text_training_writes_scalars_and_config_and_logdir_prints_the_folder(tmp_path, llama_dir, capsys):
    from engine.api import Engine
    workspace = tmp_path / "ws"
    data = write_jsonl(tmp_path / "ads.jsonl", examples(40))
    with Engine.open(workspace) as eng:
        assert eng.jobs.run("models.import", {"path": str(llama_dir), "name": "base"}).state.value == "succeeded"
        job = eng.jobs.run("text.train", {"config": {"model": "base", "data": str(data), "max_steps": 4,
                                                     "batch_size": 4, "eval_every": 2, "save_every": 4,
                                                     "output_name": "out"}})
        assert job.state.value == "succeeded", job.error
        run_id = job.result["run_id"]
        stored = {(m["name"], m["step"]): m["value"] for m in eng.jobs.metrics(job.id)}
    folder = workspace / "runs" / run_id / "tensorboard"
    assert (workspace / "runs" / run_id / "checkpoints").is_dir() and any(folder.glob("events.out.tfevents.*"))
    scalars = read_scalars(folder)
    assert [s for s, _ in scalars["train/loss"]] == [1, 2, 3, 4]
    assert [s for s, _ in scalars["val/loss"]] == [2, 4] and [s for s, _ in scalars["val/perplexity"]] == [2, 4]
    assert len(scalars["train/learning_rate"]) == 4 and len(scalars["train/tokens_per_second"]) == 4
    assert all(v > 0 for _, v in scalars["train/tokens_per_second"])
    for step, value in scalars["train/loss"]:   # the same numbers the job recorded
        assert abs(value - stored[("loss", step)]) < 1e-4
    assert read_tags(folder)["config/text_summary"] == "text"
    text = next(v for e in read_events(folder) for v in e.summary.value if v.tag == "config/text_summary")
    assert '"max_steps": 4' in text.tensor.string_val[0].decode("utf-8")

    code = main(["--workspace", str(workspace), "--json", "runs", "logdir", run_id[:16]])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and result["logdir"] == str(folder)
    assert main(["--workspace", str(workspace), "runs", "logdir", "no-such-run"]) != 0
    assert "no training run 'no-such-run'" in capsys.readouterr().err
