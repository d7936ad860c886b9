"""aigc task list|show|create|archive|unarchive|import|export|run|runs|eval|leaderboard and aigc review add|list|show|approve|reject|edit|audit|export|feedback"""
from __future__ import annotations

import json
import time
from pathlib import Path

from engine.cli.words import word
from engine.errors import UserError
from engine.i18n import tr


def register(sub) -> None:
    task = sub.add_parser("task", help="tasks: definitions, batch runs, evaluation").add_subparsers(
        dest="task_command", metavar="ACTION")
    task.required = True
    p = task.add_parser("list", help="the tasks in the workspace (archived ones with --archived)")
    p.add_argument("--archived", action="store_true", help="list the archived tasks instead")
    p.set_defaults(handler=cmd_task_list)
    for action, text in (("archive", "hide a task from the list (keeps its runs and outputs)"),
                         ("unarchive", "bring an archived task back")):
        p = task.add_parser(action, help=text)
        p.add_argument("task")
        p.set_defaults(handler=cmd_task_archive, archive=action == "archive")
    p = task.add_parser("show", help="one task's definition")
    p.add_argument("task")
    p.set_defaults(handler=cmd_task_show)
    p = task.add_parser("create", help="create a task from a JSON file or from options")
    p.add_argument("--from", dest="source", metavar="FILE", help="a JSON task definition")
    p.add_argument("--name")
    p.add_argument("--template", help="prompt template, e.g. 'Ad for {product}'")
    p.add_argument("--system", help="system prompt")
    p.add_argument("--title", default="")
    p.add_argument("--department", default="")
    p.add_argument("--modality", choices=("text", "image"), default="text")
    p.add_argument("--model")
    p.add_argument("--adapter")
    p.add_argument("--dataset")
    p.add_argument("--min-chars", type=int)
    p.add_argument("--max-chars", type=int)
    p.add_argument("--require", action="append", default=[], metavar="TERM", help="required term (repeatable)")
    p.add_argument("--ban", action="append", default=[], metavar="TERM", help="banned term (repeatable)")
    p.add_argument("--regex")
    p.add_argument("--language")
    p.add_argument("--replace", action="store_true", help="overwrite a task with the same name")
    p.set_defaults(handler=cmd_task_create)
    p = task.add_parser("import", help="import tasks from a JSON file (offline bundle)")
    p.add_argument("path")
    p.add_argument("--replace", action="store_true", help="overwrite tasks with the same names")
    p.set_defaults(handler=cmd_task_import)
    p = task.add_parser("export", help="export tasks to a JSON file")
    p.add_argument("out")
    p.add_argument("--task", action="append", help="only this task (repeatable)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(handler=cmd_task_export)
    p = task.add_parser("run", help="run a task over an input file (CSV, XLSX or JSONL)")
    p.add_argument("task")
    p.add_argument("--inputs", help="input rows (default: the task's sample inputs)")
    p.add_argument("--limit", type=int, help="only the first N rows")
    p.add_argument("--candidates", type=int, default=1, help="outputs per row")
    p.add_argument("--batch-size", type=int, default=4, help="rows processed together")
    p.add_argument("--seed", type=int, help="base seed (default: the task's)")
    p.add_argument("--retries", type=int, help="new-seed retries for outputs failing the constraints")
    p.add_argument("--nproc", type=int, default=1,
                   help="processes sharing the rows, each with its own model copy (one per GPU); default 1")
    p.set_defaults(handler=cmd_task_run)
    p = task.add_parser("runs", help="batch runs of a task (--stats: trends, slowest steps, most-failed rules)")
    p.add_argument("task", nargs="?")
    p.add_argument("--stats", action="store_true", help="monitoring: per-run numbers, trends and flags")
    p.add_argument("--last", type=int, metavar="N", help="with --stats: only the last N runs")
    p.set_defaults(handler=cmd_task_runs)
    p = task.add_parser("eval", help="evaluate the base model, or compare it with an adapter, on the test split")
    p.add_argument("task")
    p.add_argument("--adapter", help="an adapter of the task's model, or a GGUF model (without it: the base model alone)")
    p.add_argument("--against", help="another adapter (or GGUF model) instead of the base model")
    p.add_argument("--free", action="store_true",
                   help="classify tasks: let the model generate its answer instead of scoring the labels")
    p.add_argument("--split", default="test")
    p.add_argument("--limit", type=int)
    p.add_argument("--max-new-tokens", type=int)
    p.add_argument("--report", metavar="PATH", help="report path without suffix (.html, .md and .json are written)")
    p.add_argument("--force", action="store_true", help="replace existing report files")
    p.set_defaults(handler=cmd_task_eval)
    p = task.add_parser("train-head", help="classify tasks: train a sequence-classification head (LoRA) instead "
                                           "of the generative adapter")
    p.add_argument("task")
    p.add_argument("--name", dest="output_name", help="catalog name of the head adapter")
    p.add_argument("--max-steps", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--learning-rate", "--lr", dest="learning_rate", type=float, default=1e-3)
    p.set_defaults(handler=cmd_task_train_head)
    p = task.add_parser("leaderboard", help="every base/adapter evaluated on one dataset version, with 95% intervals")
    p.add_argument("task")
    p.add_argument("--version", type=int, help="dataset version (default: the newest one evaluated)")
    p.add_argument("--split", default="test")
    p.set_defaults(handler=cmd_task_leaderboard)

    review = sub.add_parser("review", help="review queue: approve, reject, edit, export, feedback").add_subparsers(
        dest="review_command", metavar="ACTION")
    review.required = True
    p = review.add_parser("add", help="queue a one-off output (text, or an image file) with its provenance")
    p.add_argument("--modality", required=True, choices=("text", "image"))
    p.add_argument("--prompt", required=True, help="the prompt that produced the output")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="the output text (modality text)")
    what.add_argument("--image", metavar="PATH", help="the output image file (modality image)")
    p.add_argument("--task", help="the task it belongs to: checked against its rules, fed back to its dataset")
    p.add_argument("--model")
    p.add_argument("--adapter")
    p.add_argument("--seed", type=int)
    p.set_defaults(handler=cmd_review_add)
    p = review.add_parser("list", help="outputs waiting for review (filters combine)")
    p.add_argument("--task")
    p.add_argument("--status", action="append", choices=("pending", "approved", "rejected"))
    p.add_argument("--failed", action="store_true", help="only outputs that failed their constraints")
    p.add_argument("--check", help="only outputs failing this check (max_chars, banned_terms ...)")
    p.add_argument("--step")
    p.add_argument("--run")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--sort", choices=("order", "confidence"), default="order",
                   help="confidence: least confident classify answers first")
    p.set_defaults(handler=cmd_review_list)
    p = review.add_parser("show", help="one output with its provenance and audit trail")
    p.add_argument("id")
    p.set_defaults(handler=cmd_review_show)
    for action in ("approve", "reject"):
        p = review.add_parser(action, help=f"{action} outputs")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--comment")
        p.set_defaults(handler=cmd_review_action, action=action)
    p = review.add_parser("edit", help="correct a text output (counts as approved)")
    p.add_argument("id")
    p.add_argument("--text", required=True)
    p.add_argument("--comment")
    p.set_defaults(handler=cmd_review_edit)
    p = review.add_parser("audit", help="who did what when")
    p.add_argument("id", nargs="?")
    p.set_defaults(handler=cmd_review_audit)
    p = review.add_parser("export", help="approved outputs to .csv/.xlsx/.jsonl, images to .zip or a folder")
    p.add_argument("out")
    p.add_argument("--task")
    p.add_argument("--step")
    p.add_argument("--run")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(handler=cmd_review_export)
    p = review.add_parser("feedback", help="add approved outputs to the task's dataset as a new version")
    p.add_argument("task")
    p.add_argument("--retrain", action="store_true", help="then train from the latest adapter on that version")
    p.add_argument("--max-steps", type=int, help="training steps for --retrain")
    p.set_defaults(handler=cmd_review_feedback)


# -- task ------------------------------------------------------------------------
def _task_line(t) -> str:
    steps = " -> ".join(s.name for s in t.steps) if t.steps else t.modality
    if not t.steps:
        steps = tr(steps)
    return f"{t.name:<20} {t.department or '-':<18} {steps:<32} " + tr("model {model}  dataset {dataset}",
                                                                       model=t.model or "-", dataset=t.dataset or "-")


def cmd_task_archive(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.tasks.archive(args.task) if args.archive else engine.tasks.unarchive(args.task)
    state = word("archived" if result["archived"] else "active", "state")
    result["_text"] = tr("task {task} is {state}", task=result["task"], state=state) + (
        "" if result["changed"] else tr(" (unchanged)"))
    return result


def cmd_task_list(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    tasks = engine.tasks.list(archived=bool(getattr(args, "archived", False)))
    return {"tasks": [t.to_dict() for t in tasks], "_text": "\n".join(_task_line(t) for t in tasks) or tr("no tasks")}


def cmd_task_show(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    task = engine.tasks.get(args.task)
    data = task.to_dict()
    data["variables"] = task.input_variables()
    data["_text"] = json.dumps(task.to_dict(), ensure_ascii=False, indent=2)
    return data


def cmd_task_create(args, out) -> dict:
    if args.source:
        from engine.safe_json import load_file
        definition = load_file(args.source, "task file (--from)")
    else:
        if not args.name or not args.template:
            raise UserError(tr("task create needs --name and --template (or --from FILE)"))
        definition = {
            "name": args.name, "title": args.title, "department": args.department, "modality": args.modality,
            "template": args.template, "system_prompt": args.system or "", "model": args.model,
            "adapter": args.adapter, "dataset": args.dataset,
            "constraints": {"min_chars": args.min_chars, "max_chars": args.max_chars, "required_terms": args.require,
                            "banned_terms": args.ban, "regex": args.regex, "language": args.language}}
    engine = out.open_engine(args)
    from engine.tasks.definition import task_from_dict
    task = task_from_dict(definition)
    for step in task.effective_steps():  # a typo in a model name is caught now, not at the first run
        for what, name in (("model", step.model), ("adapter", step.adapter)):
            if name and engine.models.find(name) is None:
                raise UserError(tr("task {task} step {step}: {kind} '{name}' is not in the model catalog",
                                   task=task.name, step=step.name, kind=what, name=name),
                                hint=tr("'aigc models list' shows the models"))
    task = engine.tasks.create(task, replace=args.replace)
    return {"task": task.to_dict(), "_text": tr("task {task} saved", task=task.name)}


def cmd_task_import(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.tasks.import_file(args.path, replace=args.replace)
    result["_text"] = tr("added {added}, replaced {replaced}, unchanged {unchanged}", added=len(result["added"]),
                         replaced=len(result["replaced"]), unchanged=len(result["unchanged"]))
    return result


def cmd_task_export(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.tasks.export_file(args.out, args.task, force=args.force)
    result["_text"] = tr("{count} task(s) written to {path}", count=len(result["tasks"]), path=result["path"])
    return result


def cmd_task_run(args, out) -> dict:
    engine = out.open_engine(args)
    task = engine.tasks.get(args.task)
    inputs = args.inputs
    if not inputs:
        from engine.tasks.area import sample_inputs_path
        inputs = sample_inputs_path(task)
        if inputs is None:
            raise UserError(tr("task {task} has no default inputs", task=task.name),
                              hint=tr("give --inputs FILE.csv|xlsx|jsonl"))
    job = engine.tasks.run(task.name, inputs, limit=args.limit, candidates=args.candidates,
                           batch_size=args.batch_size, seed=args.seed, max_retries=args.retries,
                           nproc=args.nproc)
    job = _wait(out, job)
    result = dict(job.result)
    result["job"] = job.id
    result["_text"] = tr("run {run}: {outputs} outputs for {rows} rows ({failed} failing constraints, {reused} kept "
                         "from before); '{command}' shows them", run=result["run_id"], outputs=result["outputs"],
                         rows=result["rows"], failed=result["failed"], reused=result["reused"],
                         command=f"aigc review list --task {task.name}")
    if result.get("flags"):
        result["_text"] += "\n" + tr("FLAGGED: {flags} ('{command}')", flags="; ".join(result["flags"]),
                                     command=f"aigc task runs {task.name} --stats")
    return result


def _wait(out, job):
    """Follow a job submitted through a facade: progress on stderr, Ctrl-C cancels it."""
    return out.follow(job, cancelled_note=tr("; finished rows are kept"))


def cmd_task_runs(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    if args.stats:
        if not args.task:
            raise UserError(tr("task runs --stats needs a task name"))
        from engine.cli.task_monitor import trends_text
        result = engine.tasks.trends(args.task, args.last)
        result["_text"] = trends_text(result)
        return result
    runs = engine.tasks.runs(args.task)
    lines = [f"{r['id']}  {r['task_name']:<20} {word(r['state'], 'state'):<9} "
             + tr("{outputs} outputs / {items} items", outputs=r["outputs"], items=r["total_items"])
             + f"  {time.strftime('%Y-%m-%d %H:%M', time.localtime(r['created_at']))}" for r in runs]
    return {"runs": runs, "_text": "\n".join(lines) or tr("no runs")}


def cmd_task_eval(args, out) -> dict:
    engine = out.open_engine(args)
    job = engine.tasks.evaluate(args.task, adapter=args.adapter, against=args.against, split=args.split,
                                limit=args.limit, report=args.report, max_new_tokens=args.max_new_tokens,
                                free=args.free, force=args.force)
    job = _wait(out, job)
    result = dict(job.result)
    result["job"] = job.id
    if result.get("kind") == "classify":
        from engine.cli.task_monitor import classify_eval_text
        result["_text"] = classify_eval_text(result)
        return result
    rows = [f"{'':<24}" + "".join(f"{k:>12}" for k in ("bleu", "rouge_l", "distinct_1", "distinct_2",
                                                         "pass_rate", "avg_chars"))]
    for system in result["systems"]:
        m = system["metrics"]
        rows.append(f"{system['label'][:24]:<24}" + "".join(f"{m[k]:>12}" for k in (
            "bleu", "rouge_l", "distinct_1", "distinct_2", "pass_rate", "avg_chars")))
    rows.append(tr("report: {path}", path=result["report"]["html"]))
    result["_text"] = "\n".join(rows)
    return result


def cmd_task_train_head(args, out) -> dict:
    engine = out.open_engine(args)
    job = _wait(out, engine.tasks.train_head(args.task, output_name=args.output_name, max_steps=args.max_steps,
                                             batch_size=args.batch_size, learning_rate=args.learning_rate))
    result = dict(job.result)
    result["job"] = job.id
    result["_text"] = (f"classification head {result['model']} trained ({result['steps']} steps, run "
                       f"{result['run_id']}); 'aigc task eval {args.task} --adapter {result['model']}' measures it")
    return result


def cmd_task_leaderboard(args, out) -> dict:
    engine = out.open_engine(args)
    from engine.cli.task_monitor import leaderboard_text
    result = engine.tasks.leaderboard(args.task, version=args.version, split=args.split)
    result["_text"] = leaderboard_text(result)
    return result


# -- review ----------------------------------------------------------------------
def _item_line(i) -> str:
    text = (i.final_text or "").replace("\n", " ") if i.modality == "text" else i.image_path
    flag = tr("ok  ") if i.passed else tr("FAIL")
    edited = tr(" (edited)") if i.edited_text is not None else ""
    confidence = f" [{i.confidence:.2f}]" if i.confidence is not None else ""
    return (f"{i.id:>6}  {word(i.status, 'status'):<8} {flag} {i.task}/{i.step} "
            + tr("row {row}", row=i.row_index + 1) + f"  {str(text)[:70]}{confidence}{edited}")


def cmd_review_add(args, out) -> dict:
    engine = out.open_engine(args)
    item = engine.review.add(args.modality, args.prompt, text=args.text, image_path=args.image, model=args.model,
                             adapter=args.adapter, seed=args.seed, task=args.task)
    return {"item": item.to_dict(), "_text": _item_line(item)}


def cmd_review_list(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    items = engine.review.list(task=args.task, status=args.status, failed=True if args.failed else None,
                               failed_check=args.check, step=args.step, run_id=args.run, limit=args.limit,
                               sort=args.sort)
    return {"items": [i.to_dict() for i in items], "counts": engine.review.counts(args.task),
            "_text": "\n".join(_item_line(i) for i in items) or tr("the queue is empty")}


def cmd_review_show(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    item = engine.review.get(args.id)
    data = item.to_dict()
    data["audit"] = engine.review.audit(item.id)
    data["_text"] = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return data


def cmd_review_action(args, out) -> dict:
    engine = out.open_engine(args)
    act = engine.review.approve if args.action == "approve" else engine.review.reject
    for item_id in args.ids:  # check every id first so a typo changes nothing
        engine.review.get(item_id)
    items = [act(item_id, args.comment) for item_id in args.ids]
    return {"items": [i.to_dict() for i in items],
            "_text": "\n".join(f"{i.id}: {word(i.status, 'status')}" for i in items)}


def cmd_review_edit(args, out) -> dict:
    engine = out.open_engine(args)
    item = engine.review.edit(args.id, args.text, args.comment)
    return {"item": item.to_dict(), "_text": tr("{id}: edited and approved", id=item.id)}


def cmd_review_audit(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    rows = engine.review.audit(args.id)
    lines = [f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(r['at']))}  {r['user']:<12} "
             f"{word(r['action'], 'action'):<8} " + tr("item {id}", id=r["output_id"]) + f"  {r['comment'] or ''}"
             for r in rows]
    return {"audit": rows, "_text": "\n".join(lines) or tr("no review actions yet")}


def cmd_review_export(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.review.export(args.out, task=args.task, step=args.step, run_id=args.run, force=args.force)
    result["_text"] = tr("{count} approved output(s) written to {path}", count=result["items"], path=result["path"])
    return result


def cmd_review_feedback(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.review.feedback(args.task)
    lines = [tr("dataset {dataset} version {version}: {added} added, {skipped} duplicates skipped",
                dataset=d["dataset"], version=d["version"], added=d["added"], skipped=d["skipped"])
             for d in result["datasets"]]
    if args.retrain:
        overrides = {"max_steps": args.max_steps} if args.max_steps else {}
        job = _wait(out, engine.review.retrain(args.task, **overrides))
        result["retrain"] = {"job": job.id, "result": job.result}
        lines.append(tr("training job {id} finished", id=job.id))
    result["_text"] = "\n".join(lines)
    return result
