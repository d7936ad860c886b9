"""``aigc train --export-job DIR`` writes a folder whose README command trains it; ``aigc runs import`` brings it back."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import aigc


@pytest.mark.slow   # over a minute on 2 shared cores
def test_exported_folder_runs_with_its_command_and_imports_back(capsys, tmp_path, tiny_llama, ads):
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    job_dir = tmp_path / "job"
    code, result, captured = aigc(capsys, ws, "train", "--model", "m", "--data", str(ads), "--max-steps", "3",
                                  "--batch-size", "2", "--val-fraction", "0", "--name", "ads-lora",
                                  "--nproc", "2", "--export-job", str(job_dir))
    assert code == 0, captured.err
    assert result["examples"] == 24
    assert not (ws / "runs").exists() or not any((ws / "runs").iterdir())   # nothing trained here
    readme = (job_dir / "README.md").read_text()
    assert "NPROC=2 ./run.sh" in readme and (job_dir / "slurm.sbatch").is_file()
    assert len((job_dir / "data" / "train.jsonl").read_text().splitlines()) == 24
    from engine.offline import child_env
    from engine.offline import python_command
    env = {**child_env(), "PYTHON": python_command([])[0]}
    done = subprocess.run(["sh", "-c", "NPROC=2 ./run.sh"], cwd=job_dir, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads((job_dir / "result.json").read_text())
    assert outcome["state"] == "succeeded" and outcome["result"]["world_size"] == 2
    code, back, captured = aigc(capsys, ws, "runs", "import", str(job_dir))
    assert code == 0, captured.err
    assert back["model"] == "ads-lora" and back["steps"] == 3 and back["metrics"] >= 3
    code, shown, _ = aigc(capsys, ws, "models", "show", "ads-lora")
    lineage = shown["lineage"]
    assert lineage["run_id"] == back["run_id"] and lineage["exported_run_id"] == outcome["result"]["run_id"]
    assert lineage["base_sha256"] and lineage["dataset_hash"]
    code, listed, _ = aigc(capsys, ws, "train", "--list-runs")
    assert [r["state"] for r in listed["runs"]] == ["succeeded"]
    assert os.path.isfile(os.path.join(listed["runs"][0]["dir"], "metrics.json"))
