"""aigc data import | preview | list | show | versions | diff | clean | split | export | annotate | augment | delete"""
from __future__ import annotations

import json

from engine.cli.flag_hints import with_flags
from engine.cli.words import counts, word
from engine.errors import UserError
from engine.i18n import tr


def register(sub) -> None:
    data = sub.add_parser("data", help="datasets: import, clean, annotate, split, version, export")
    cmds = data.add_subparsers(dest="data_command", metavar="ACTION")
    cmds.required = True

    def source_options(p):
        p.add_argument("path", help="file, folder or .zip")
        p.add_argument("--format", default="auto", help="auto|alpaca|sharegpt|openai|jsonl|json|csv|tsv|xlsx|txt|"
                                                        "imagefolder")
        p.add_argument("--map", action="append", metavar="COLUMN=FIELD", help="column mapping override (repeatable;"
                                                                              " COLUMN=- ignores a column)")
        p.add_argument("--encoding", help="text encoding (default: detected)")
        p.add_argument("--sheet", help="XLSX sheet name (default: the first)")

    p = cmds.add_parser("import", help="import a file, folder or .zip as a dataset (a job)")
    source_options(p)
    p.add_argument("--name", required=True)
    p.add_argument("--skip-bad", action="store_true", help="leave bad rows out and report them, instead of failing")
    p.add_argument("--append", action="store_true", help="add to an existing dataset as a new version")
    p.set_defaults(handler=cmd_import)

    p = cmds.add_parser("preview", help="show the detected format, mapping and first rows without importing")
    source_options(p)
    p.set_defaults(handler=cmd_preview)

    p = cmds.add_parser("list", help="datasets in the workspace")
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("show", help="statistics of a dataset version, and some of its records")
    p.add_argument("name")
    p.add_argument("--version")
    p.add_argument("--records", type=int, default=5, help="how many records to print")
    p.add_argument("--offset", type=int, default=0)
    filters(p)
    p.set_defaults(handler=cmd_show)

    p = cmds.add_parser("versions", help="version history")
    p.add_argument("name")
    p.set_defaults(handler=cmd_versions)

    p = cmds.add_parser("diff", help="records added, removed and changed between two versions")
    p.add_argument("name")
    p.add_argument("v1")
    p.add_argument("v2")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(handler=cmd_diff)

    p = cmds.add_parser("delete", help="remove a dataset")
    p.add_argument("name")
    p.set_defaults(handler=cmd_delete)

    p = cmds.add_parser("annotate", help="accept/reject, tag, label, note or edit records (by id or by filter)")
    p.add_argument("name")
    p.add_argument("--ids", help="comma-separated record ids")
    p.add_argument("--where-tag")
    p.add_argument("--where-status")
    p.add_argument("--where-split")
    p.add_argument("--where-search")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--accept", dest="status", action="store_const", const="accepted")
    group.add_argument("--reject", dest="status", action="store_const", const="rejected")
    group.add_argument("--unreview", dest="status", action="store_const", const="unreviewed")
    p.add_argument("--tag", action="append", help="add a tag (repeatable)")
    p.add_argument("--untag", action="append", help="remove a tag (repeatable)")
    p.add_argument("--label")
    p.add_argument("--note")
    p.add_argument("--split", dest="set_split", choices=("train", "val", "test"))
    p.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="edit a field of one record (instruction, input, output, system, caption)")
    p.add_argument("--draft", action="store_true",
                   help="collect this edit in the open draft version (sealed by 'aigc data commit')")
    p.set_defaults(handler=cmd_annotate)

    p = cmds.add_parser("commit", help="seal the open draft version (annotation edits collected with --draft)")
    p.add_argument("name")
    p.add_argument("--message", "-m", help="what the edits changed (default: the number of edits)")
    p.set_defaults(handler=cmd_commit)

    register_jobs(cmds)


def filters(p) -> None:
    p.add_argument("--status", choices=("unreviewed", "accepted", "rejected"))
    p.add_argument("--split", choices=("train", "val", "test"))
    p.add_argument("--tag")
    p.add_argument("--search")


def register_jobs(cmds) -> None:
    p = cmds.add_parser("clean", help="apply cleaning rules; makes a new version (a job)")
    p.add_argument("name")
    p.add_argument("--rules", nargs="*", metavar="RULE[=VALUE]",
                   help="e.g. exact-dup near-dup=0.8 empty min-chars=5 max-chars=4000 max-tokens=1024 "
                        "tokenizer=PATH script=han banned=FILE_OR_TERMS pii=redact|reject|report "
                        "(default: exact-dup near-dup empty pii=redact)")
    p.set_defaults(handler=cmd_clean)

    p = cmds.add_parser("split", help="seeded train/val/test split, stratified by label (a job)")
    p.add_argument("name")
    p.add_argument("--val", type=float, default=0.1)
    p.add_argument("--test", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-near-dup", action="store_true", help="do not keep near duplicates on the same side")
    p.set_defaults(handler=cmd_split)

    p = cmds.add_parser("export", help="write a dataset version to a file or folder (a job)")
    p.add_argument("name")
    p.add_argument("--format", required=True, help="jsonl|alpaca|sharegpt|openai|csv|imagefolder")
    p.add_argument("out")
    p.add_argument("--version")
    p.add_argument("--split", choices=("train", "val", "test"))
    p.add_argument("--include-rejected", action="store_true")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(handler=cmd_export)

    p = cmds.add_parser("augment", help="add offline text augmentations of the train split (a job)")
    p.add_argument("name")
    p.add_argument("--ops", default="synonym,swap,delete,template", help="comma-separated: synonym,swap,delete,"
                                                                         "template")
    p.add_argument("--per-example", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(handler=cmd_augment)


def _preview_text(info: dict) -> str:
    lines = [tr("format    {format} ({shape}, {modality})", format=info["format"], shape=info["shape"],
                modality=info["modality"]),
             tr("encoding  {encoding}", encoding=info["encoding"] or "-")
             + (tr("   delimiter {delimiter}", delimiter=repr(info["delimiter"])) if info["delimiter"] else ""),
             tr("mapping   {mapping}", mapping=", ".join(f"{c} -> {t}" for c, t in info["mapping"].items())
                or tr("(none)"))]
    lines += [tr("warning   {warning}", warning=with_flags(w)) for w in info["warnings"]]
    if info.get("bad_rows"):
        lines.append(tr("bad rows  {count} of the first {rows} cannot be imported (fix them, or import with "
                        "--skip-bad to leave them out)", count=info["bad_rows"], rows=len(info["rows"])))
    for row in info["rows"][:5]:
        shown = {k: v for k, v in row.items() if not k.startswith("_")}
        bad = "  " + tr("BAD: {problem}", problem=row["_problem"]) if row.get("_problem") else ""
        lines.append(f"  {row['_origin']}:{row['_line'] or ''}  " + json.dumps(shown, ensure_ascii=False)[:160] + bad)
    return "\n".join(lines)


def cmd_preview(args, out) -> dict:
    engine = out.open_engine(args)
    info = engine.data.preview(args.path, args.format, args.map, args.encoding, args.sheet)
    info["_text"] = _preview_text(info)
    return info


def cmd_import(args, out) -> dict:
    engine = out.open_engine(args)
    from pathlib import Path

    from engine.data.importer import check_import
    from engine.data.mapping import parse_map
    params = {"path": args.path, "name": args.name, "format": args.format, "mapping": parse_map(args.map),
              "encoding": args.encoding, "sheet": args.sheet, "skip_bad": args.skip_bad, "append": args.append}
    check_import(engine, params)  # the name, --append and the path first: nothing is read for a refusal
    info = engine.data.preview(args.path, args.format, args.map, args.encoding, args.sheet, skip_bad=args.skip_bad)
    if out.chatty:
        out.info(_preview_text(info))
    params["path"] = str(Path(args.path).expanduser().resolve())
    job = out.run_job("data.import", params)
    result = dict(job.result)
    result["job"] = job.id
    text = tr("imported {count:,} examples into '{dataset}' version {version}", count=result["imported"],
              dataset=result["dataset"], version=result["version"])
    if result["skipped"]:
        text += tr("; skipped {count} bad rows:", count=result["skipped"]) + "\n" + "\n".join(
            "  " + tr("{origin} {line} field {field}: {message}", origin=s["origin"], line=s["line"] or "",
                      field=s["field"], message=s["message"]) for s in result["skipped_rows"])
    result["_text"] = text
    return result


def cmd_list(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    items = [d.to_dict() for d in engine.data.list()]
    rows = [f"{d['name']:<24} {tr(d['modality']):<6} v{d['version']:<4} "
            + tr("{count} records", count=f"{d['count']:>9,}") + f"  {d['version_hash']}" for d in items]
    return {"datasets": items, "_text": "\n".join(rows) or tr("no datasets")}


def cmd_show(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    stats = engine.data.stats(args.name, args.version)
    flt = {"search": args.search, "tag": args.tag, "status": args.status, "split": args.split}
    rows = engine.data.records(args.name, args.version, args.offset, args.records, **flt)
    matching = engine.data.count(args.name, args.version, **flt)
    length = stats["length"]
    lines = [tr("{dataset} ({modality}) version {version}: {count} records, {usable} not rejected",
                dataset=stats["dataset"], modality=stats["modality"], version=stats["version"],
                count=f"{stats['count']:,}", usable=f"{stats['usable']:,}"),
             tr("split     {counts}", counts=counts(stats["split"], "split")),
             tr("status    {counts}", counts=counts(stats["status"], "status")),
             tr("length    mean {mean} median {median} p95 {p95} max {max} characters", mean=length["mean"],
                median=length["median"], p95=length["p95"], max=length["max"]),
             tr("labels    {labels}", labels=", ".join(f"{k} {v:,}" for k, v in list(stats["labels"].items())[:10])
                or "-"),
             tr("duplicates {percent}%", percent=f"{stats['duplicate_ratio'] * 100:.1f}")
             + (tr(" (measured at version {version})", version=stats["duplicates_measured_at"])
                if stats.get("duplicates_measured_at") not in (None, stats["version"]) else ""), ""]
    for r in rows:
        body = {k: r[k] for k in ("system", "instruction", "input", "output", "messages", "caption", "file_name")
                if r.get(k)}
        lines.append(f"#{r['id']} [{word(r['split'], 'split')}/{word(r['status'], 'status')}] {','.join(r['tags'])} "
                     + json.dumps(body, ensure_ascii=False)[:200])
    return {"stats": stats, "matching": matching, "records": rows, "_text": "\n".join(lines)}


def cmd_versions(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    items = engine.data.versions(args.name)
    rows = [f"v{v['version']:<4} {v['hash']}  " + tr("{count} records", count=f"{v['count']:>9,}")
            + f"  {v['message']}" for v in items]
    return {"versions": items, "_text": "\n".join(rows)}


def cmd_diff(args, out) -> dict:
    engine = out.open_engine(args, read_only=True)
    result = engine.data.diff(args.name, args.v1, args.v2, args.limit)
    lines = [tr("v{old} -> v{new}: +{added} added, -{removed} removed, ~{changed} changed", old=result["from"],
                new=result["to"], added=result["counts"]["added"], removed=result["counts"]["removed"],
                changed=result["counts"]["changed"])]
    lines += [f"+ #{r['id']} " + json.dumps(_body(r), ensure_ascii=False)[:160] for r in result["added"][:50]]
    lines += [f"- #{r['id']} " + json.dumps(_body(r), ensure_ascii=False)[:160] for r in result["removed"][:50]]
    for c in result["changed"][:50]:
        parts = [f"{k}: {json.dumps(c['before'].get(k), ensure_ascii=False)[:60]} -> "
                 f"{json.dumps(c['after'].get(k), ensure_ascii=False)[:60]}" for k in c["fields"]]
        lines.append(f"~ #{c['id']} " + "; ".join(parts))
    result["_text"] = "\n".join(lines)
    return result


def _body(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in ("id", "tags", "note", "label", "status", "split") and v}


def cmd_delete(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.data.delete(args.name)
    result["_text"] = tr("deleted dataset '{name}'", name=result["deleted"])
    return result


def cmd_annotate(args, out) -> dict:
    engine = out.open_engine(args)
    changes: dict = {}
    if args.status:
        changes["status"] = args.status
    if args.tag:
        changes["add_tags"] = args.tag
    if args.untag:
        changes["remove_tags"] = args.untag
    if args.label is not None:
        changes["label"] = args.label
    if args.note is not None:
        changes["note"] = args.note
    if args.set_split:
        changes["split"] = args.set_split
    for pair in args.set or []:
        if "=" not in pair:
            raise UserError(tr("--set '{pair}' must look like FIELD=VALUE", pair=pair))
        key, value = pair.split("=", 1)
        changes[key.strip()] = value
    if not changes:
        raise UserError(tr("nothing to change"),
                        hint=tr("give --accept, --reject, --tag, --label, --note, --split or --set"))
    if args.ids:
        try:
            ids = [int(x) for x in args.ids.split(",") if x.strip()]
        except ValueError:
            raise UserError(tr("--ids '{ids}' must be comma-separated numbers", ids=args.ids)) from None
        result = engine.data.update_record(args.name, ids[0], draft=args.draft, **changes) if len(ids) == 1 else \
            _edit_many(engine, args.name, ids, changes, args.draft)
    else:
        result = engine.data.bulk(args.name, changes, search=args.where_search, tag=args.where_tag,
                                  status=args.where_status, split=args.where_split, draft=args.draft)
    changed = tr("version {version}: {count} record(s) changed", version=result["version"], count=result["changed"])
    result["_text"] = (changed if result.get("created") else changed + tr(" (draft amended)") if result.get("amended")
                       else tr("nothing changed"))
    return result


def _edit_many(engine, name, ids, changes, draft: bool = False) -> dict:
    from engine.data import annotate
    return annotate.edit(engine.workspace, name, ids, changes, f"edit {len(ids)} records", draft)


def cmd_commit(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.data.commit_draft(args.name, args.message)
    result["_text"] = (tr("version {version} committed: {edits} edit(s), \"{message}\"", version=result["version"],
                          edits=result["edits"], message=result["message"]) if result["committed"]
                       else tr("no open draft: version {version} is already committed", version=result["version"]))
    return result


def cmd_clean(args, out) -> dict:
    from engine.data.cleaning import parse_rules
    out.open_engine(args)
    job = out.run_job("data.clean", {"name": args.name, "rules": parse_rules(args.rules)})
    result = dict(job.result)
    lines = [tr("version {version}: {count} record(s) changed", version=result["version"], count=result["affected"])
             if result["created"] else tr("version {version}: nothing to change", version=result["version"])]
    lines += [f"  {rule:<12} {n:,}" for rule, n in result["report"].items() if isinstance(n, int)]
    if result["report"].get("pii_kinds"):
        lines.append("  " + tr("pii found") + "    " + ", ".join(f"{k} {n:,}" for k, n in result["report"]["pii_kinds"].items()))
    result["_text"] = "\n".join(lines)
    return result


def cmd_split(args, out) -> dict:
    out.open_engine(args)
    job = out.run_job("data.split", {"name": args.name, "val": args.val, "test": args.test, "seed": args.seed,
                                     "near_duplicates": not args.no_near_dup})
    result = dict(job.result)
    result["_text"] = tr("version {version}: {counts}", version=result["version"],
                         counts=counts(result["split"], "split"))
    return result


def cmd_export(args, out) -> dict:
    out.open_engine(args)
    job = out.run_job("data.export", {"name": args.name, "format": args.format, "out": _abspath(args.out),
                                      "version": args.version, "split": args.split,
                                      "include_rejected": args.include_rejected, "force": args.force})
    result = dict(job.result)
    result["_text"] = tr("wrote {count:,} records to {out}", count=result["count"], out=result["out"])
    return result


def _abspath(path: str) -> str:
    """Absolute, without following a symbolic link at the end (exports refuse to write through one)."""
    import os
    return os.path.abspath(os.path.expanduser(path)) if path else path


def cmd_augment(args, out) -> dict:
    out.open_engine(args)
    ops = [o.strip() for o in args.ops.split(",") if o.strip()]
    job = out.run_job("data.augment", {"name": args.name, "ops": ops, "per_example": args.per_example,
                                       "seed": args.seed, "split": "train"})
    result = dict(job.result)
    result["_text"] = tr("version {version}: added {count} augmented examples", version=result["version"],
                         count=f"{result['added']:,}")
    return result
