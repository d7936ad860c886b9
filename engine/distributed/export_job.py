"""``aigc train ... --export-job DIR``: a self-contained folder IT can run on a GPU server behind the air gap.

The folder holds the run config, the dataset version as a JSONL file, a reference to the base model
(name, SHA-256 and path: copy the model folder alongside when the server cannot see this one), a
``run.sh`` that trains on one node with ``torchrun`` through the same engine, a Slurm batch script
and a README. The server needs this program installed; the run it makes comes back with
``aigc runs import DIR``.
"""
from __future__ import annotations

import json
import shutil
import time
import uuid

from engine.atomic import replace_dir, write_json, write_text

RUN_SH = """#!/bin/sh
# Train this exported run on one machine with NPROC processes (one per GPU): torchrun + DDP.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${{PYTHON:-python3}}
NPROC=${{NPROC:-{nproc}}}
exec "$PYTHON" -m engine.distributed.exported "$HERE" --nproc "$NPROC" ${{BASE_MODEL:+--model "$BASE_MODEL"}}
"""

SLURM = """#!/bin/bash
# Slurm: one node with {nproc} GPUs runs run.sh (torchrun starts one process per GPU on that node).
#SBATCH --job-name=aigc-{name}
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --gpus-per-node={nproc}
#SBATCH --cpus-per-task={cpus}
#SBATCH --time=24:00:00
#SBATCH --output=slurm-%j.log
cd "$SLURM_SUBMIT_DIR"
NPROC={nproc} srun --ntasks=1 ./run.sh
"""

README = """# Exported training run: {model} on {data}

Made by AIGC Workbench on {when}. Everything the run needs is in this folder except the base model
and the program itself.

- `job.json`: the run config (method {method}, {steps}), the base model reference and the dataset lineage.
- `data/train.jsonl`: the dataset version, {rows} examples.
- Base model: `{model}`, SHA-256 `{sha}`, at `{path}` on the machine that exported it.
  If the server cannot see that path, copy the model folder and set `BASE_MODEL=/path/to/it`.
  The run refuses a model whose SHA-256 differs.

## Run it

    NPROC={nproc} ./run.sh                # one machine, NPROC processes (one per GPU), torchrun + DDP
    sbatch slurm.sbatch                   # the same through Slurm (one node, {nproc} GPUs)

`PYTHON` picks the interpreter that has AIGC Workbench installed (default `python3`). The run trains in
`workspace/` inside this folder, offline, and writes `result.json` when it ends. A stopped run continues
where it left off when `run.sh` is started again.

## Bring it back

Copy the whole folder back and run `aigc runs import <folder>`: the adapter, the run with its config,
metrics, TensorBoard events and log arrive in your workspace with their lineage (base model hash,
dataset hash, exported-run id).

This folder runs on one machine. Several machines would need a multi-node rendezvous, which it does not set up.
"""


def export_training(engine, config: dict, nproc: int, folder, force: bool = False) -> dict:
    """Write the job folder for a new text run; nothing is trained here."""
    from engine.output_paths import check_output_folder
    from engine.text.config import TrainConfig
    from engine.text.data import load_examples
    from engine.text.setup import check_new_run
    target = check_output_folder(folder, force=force, what="--export-job folder")
    check_new_run(engine, {"config": config, "nproc": nproc})
    cfg = TrainConfig.from_dict(dict(config)).validate()
    base = engine.models.get(cfg.model)
    rows, ref = load_examples(engine, cfg.data, cfg.data_version)
    stage = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:6]}"
    stage.mkdir(parents=True)
    try:
        (stage / "data").mkdir()
        write_text(stage / "data" / "train.jsonl",
                   "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        run_config = {**cfg.to_dict(), "data": "data/train.jsonl", "model": "base", "data_version": None}
        write_json(stage / "job.json", {"kind": "text.train", "config": run_config, "nproc": nproc,
                                        "model": {"name": base.name, "sha256": base.sha256, "path": str(base.path)},
                                        "dataset": ref, "exported_at": time.time()})
        write_text(stage / "run.sh", RUN_SH.format(nproc=nproc))
        write_text(stage / "slurm.sbatch", SLURM.format(nproc=nproc, name=base.name[:40], cpus=8 * nproc))
        (stage / "run.sh").chmod(0o755)
        (stage / "slurm.sbatch").chmod(0o755)
        steps = f"{cfg.max_steps} steps" if cfg.max_steps else f"{cfg.epochs:g} epoch(s)"
        write_text(stage / "README.md", README.format(
            model=base.name, data=cfg.data, when=time.strftime("%Y-%m-%d %H:%M"), method=cfg.method, steps=steps,
            rows=len(rows), sha=base.sha256, path=base.path, nproc=nproc))
        if target.exists():
            shutil.rmtree(target)
        replace_dir(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return {"folder": str(target), "examples": len(rows), "nproc": nproc, "model": base.name,
            "command": f"NPROC={nproc} {target / 'run.sh'}"}
