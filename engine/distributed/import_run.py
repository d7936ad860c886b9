"""``aigc runs import DIR``: a run trained from an exported job folder comes back with its lineage.

The adapter is copied into this workspace's catalog (its base must be here: matched by SHA-256), and
a run is recorded with the exported config, the run's config/TensorBoard folder, its metrics
(``metrics.json``) and the job log, and a lineage that names the folder and the run id it had there.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from engine.atomic import copy_file, replace_dir, write_json
from engine.errors import UserError
from engine.i18n import N_, tr


def import_run(engine, folder, name: str | None = None) -> dict:
    from engine.input_paths import check_input_file
    from engine.models.catalog import new_model_id
    from engine.safe_json import load_file
    from engine.training import runs
    folder = Path(folder).expanduser().resolve()
    check_input_file(folder / "job.json", N_("exported job file"))
    spec = load_file(folder / "job.json", "job.json")
    if not (folder / "result.json").is_file():
        raise UserError(tr("{folder}: no result.json, the exported run has not run yet", folder=folder),
                        hint=tr("run {value} first", value=folder / 'run.sh'))
    outcome = load_file(folder / "result.json", "result.json")
    if outcome.get("state") != "succeeded":
        raise UserError(tr("{folder}: the exported run did not finish ({get}: {get2})", folder=folder, get=outcome.get('state'), get2=outcome.get('error')),
                        hint=tr("run run.sh again to continue it, then import"))
    result = outcome["result"]
    base = next((m for m in engine.models.list(role="base") if m.sha256 == spec["model"]["sha256"]), None)
    if base is None:
        raise UserError(tr("base model '{name}' (SHA-256 {value}) is not in this workspace", name=spec['model']['name'], value=spec['model']['sha256'][:12]), hint=tr("import the base model first with 'aigc models import'"))
    from engine.api import Engine
    source = Engine.open_for_reading(folder / "workspace")
    try:
        adapter = source.models.get(result["model"])
        src_run = runs.get_run(source, result["run_id"])
        metrics = source.jobs.metrics(outcome["job"])
        log = source.jobs.log_path(outcome["job"])
    finally:
        source.close()
    name = engine.models.check_new_name(name or adapter.name, "--name")
    config = {**spec["config"], "model": base.name, "data": str(folder / "data" / "train.jsonl")}
    run = runs.create_run(engine, "text", config)
    run_dir = Path(run["dir"])
    model_id = new_model_id()
    staging = engine.workspace.folder("tmp") / f"import-{model_id}"
    final = engine.workspace.root / "models" / model_id
    try:
        shutil.copytree(adapter.path, staging / "files")
        replace_dir(staging, final)
        tensorboard = Path(src_run["dir"]) / "tensorboard"
        if tensorboard.is_dir():
            shutil.copytree(tensorboard, run_dir / "tensorboard")
        write_json(run_dir / "metrics.json", metrics)
        if Path(log).is_file():
            copy_file(log, run_dir / "job.log")
        lineage = {"base_sha256": base.sha256, "dataset": spec["dataset"].get("dataset"),
                   "dataset_version": spec["dataset"].get("version"), "dataset_hash": spec["dataset"].get("hash"),
                   "run_id": run["id"], "exported_run_id": result["run_id"], "imported_from": str(folder)}
        model = engine.models.register(name, "text", adapter.role, final / "files", base=base, lineage=lineage,
                                       info={**adapter.info, "world_size": outcome.get("world_size", 1)},
                                       model_id=model_id)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        runs.delete_run(engine, run["id"])
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = {**result, "run_id": run["id"], "model": model.name, "model_id": model.id, "path": model.path,
               "exported_run_id": result["run_id"], "metrics": len(metrics)}
    runs.update_run(engine, run["id"], state="succeeded", model_id=model.id, step=result.get("steps", 0),
                    total_steps=result.get("total_steps"), result=summary)
    return summary
