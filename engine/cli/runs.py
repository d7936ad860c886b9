"""aigc runs logdir|import|rename|delete: a run's TensorBoard folder; a run trained from an exported job folder;
a run's name; deleting a run (runs: 'aigc train --list-runs')."""
from __future__ import annotations

from engine.i18n import tr


def register(sub) -> None:
    runs = sub.add_parser("runs", help="training runs: their TensorBoard logs").add_subparsers(
        dest="runs_command", metavar="ACTION")
    runs.required = True
    p = runs.add_parser("logdir", help="print the TensorBoard folder of a run (tensorboard --logdir FOLDER)")
    p.add_argument("run", help="run id or a unique prefix of it")
    p.set_defaults(handler=cmd_runs_logdir)
    p = runs.add_parser("import", help="bring back a run trained from an 'aigc train --export-job' folder")
    p.add_argument("folder")
    p.add_argument("--name", help="catalog name of the adapter (default: the name it had there)")
    p.set_defaults(handler=cmd_runs_import)
    p = runs.add_parser("rename", help="give a run a name (an empty name clears it)")
    p.add_argument("run", help="run id or a unique prefix of it")
    p.add_argument("name")
    p.set_defaults(handler=cmd_runs_rename)
    p = runs.add_parser("delete", help="delete a run and its checkpoints (not while it trains; its adapter stays)")
    p.add_argument("run", help="run id or a unique prefix of it")
    p.set_defaults(handler=cmd_runs_delete)


def cmd_runs_rename(args, out) -> dict:
    from engine.training.runs import rename_run
    run = rename_run(out.open_engine(args), args.run, args.name)
    return {"run": run["id"], "name": run["name"],
            "_text": tr("run {run} is now '{name}'", run=run["id"], name=run["name"]) if run["name"]
            else tr("run {run} has no name", run=run["id"])}


def cmd_runs_delete(args, out) -> dict:
    from engine.training.runs import remove_run
    run = remove_run(out.open_engine(args), args.run)
    return {"run": run["id"], "deleted": True, "_text": tr("deleted run {run} and its folder", run=run["id"])}


def cmd_runs_import(args, out) -> dict:
    from engine.distributed.import_run import import_run
    result = import_run(out.open_engine(args), args.folder, args.name)
    result["_text"] = tr("run {run} (was {exported}): {steps} steps; saved adapter '{model}'", run=result["run_id"],
                         exported=result["exported_run_id"], steps=result["steps"], model=result["model"])
    return result


def cmd_runs_logdir(args, out) -> dict:
    from engine.errors import UserError
    from engine.training.runs import get_run
    from engine.training.tensorboard import logdir
    engine = out.open_engine(args)
    run = get_run(engine, args.run)
    folder = logdir(run["dir"])
    if not any(folder.glob("events.out.tfevents.*")):
        raise UserError(tr("run {run} has no TensorBoard events in {folder}", run=run["id"], folder=folder),
                        hint=tr("runs write them while they train; this one was made before, or has not started"))
    return {"run": run["id"], "logdir": str(folder), "_text": str(folder)}
