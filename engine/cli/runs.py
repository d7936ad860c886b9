"""aigc runs logdir: the TensorBoard folder beside a training run's checkpoints (runs: 'aigc train --list-runs')."""
from __future__ import annotations


def register(sub) -> None:
    runs = sub.add_parser("runs", help="training runs: their TensorBoard logs").add_subparsers(
        dest="runs_command", metavar="ACTION")
    runs.required = True
    p = runs.add_parser("logdir", help="print the TensorBoard folder of a run (tensorboard --logdir FOLDER)")
    p.add_argument("run", help="run id or a unique prefix of it")
    p.set_defaults(handler=cmd_runs_logdir)


def cmd_runs_logdir(args, out) -> dict:
    from engine.errors import UserError
    from engine.training.runs import get_run
    from engine.training.tensorboard import logdir
    engine = out.open_engine(args)
    run = get_run(engine, args.run)
    folder = logdir(run["dir"])
    if not any(folder.glob("events.out.tfevents.*")):
        raise UserError(f"run {run['id']} has no TensorBoard events in {folder}",
                        hint="runs write them while they train; this one was made before, or has not started")
    return {"run": run["id"], "logdir": str(folder), "_text": str(folder)}
