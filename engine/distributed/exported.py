"""Run an exported job folder (``run.sh`` calls this):

    python -m engine.distributed.exported FOLDER [--nproc N] [--model BASE_MODEL_FOLDER]

Trains in ``FOLDER/workspace`` with the folder's config and data, resuming the folder's run when one
was stopped, and writes ``FOLDER/result.json`` (state, run id, adapter, error).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import engine  # noqa: F401 - the network guard first
from engine.i18n import tr


def main(argv: list[str]) -> int:
    from engine.api import Engine
    from engine.atomic import write_json
    from engine.errors import UserError
    from engine.safe_json import load_file
    parser = argparse.ArgumentParser(prog="run.sh")
    parser.add_argument("folder")
    parser.add_argument("--nproc", type=int)
    parser.add_argument("--model")
    args = parser.parse_args(argv)
    folder = Path(args.folder).resolve()
    spec = load_file(folder / "job.json", "job.json")
    nproc = int(args.nproc or spec.get("nproc") or 1)
    eng = Engine.open(folder / "workspace")
    try:
        base = eng.models.find("base")
        if base is None:
            path = args.model or spec["model"]["path"]
            job = eng.jobs.run("models.import", {"path": str(path), "name": "base", "kind": "text", "copy": False})
            if job.state.value != "succeeded":
                raise UserError(tr("base model {path}: {error}", path=path, error=job.error), hint=tr("set BASE_MODEL to the model folder"))
            base = eng.models.get("base")
        if base.sha256 != spec["model"]["sha256"]:
            raise UserError(tr("base model {path} is not the exported one (SHA-256 {value}, expected {value2})", path=base.path, value=base.sha256[:12], value2=spec['model']['sha256'][:12]), hint=tr("point BASE_MODEL at the right folder"))
        config = {**spec["config"], "data": str(folder / spec["config"]["data"])}
        earlier = [j for j in eng.jobs.list() if j.kind == "text.train"]   # newest first
        finished = [j for j in earlier if j.state.value == "succeeded"]
        if finished:
            job = finished[0]
        elif earlier:                     # started before and stopped: continue from its checkpoint
            job = eng.jobs.wait(eng.jobs.resume(earlier[0].id).id)
        else:
            job = eng.jobs.run("text.train", {"config": config, "nproc": nproc} if nproc > 1 else {"config": config})
        outcome = {"state": job.state.value, "job": job.id, "error": job.error, "result": job.result,
                   "world_size": nproc}
        write_json(folder / "result.json", outcome)
        print(f"{job.state.value}: " + (str(job.result.get("model")) if job.result else str(job.error)))
        return 0 if job.state.value == "succeeded" else 1
    except UserError as exc:
        write_json(folder / "result.json", {"state": "failed", "error": str(exc)})
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        eng.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
