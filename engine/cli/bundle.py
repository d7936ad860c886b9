"""aigc bundle export | inspect | import: offline bundles for air-gapped machines."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.errors import UserError


def register(sub) -> None:
    cmds = sub.add_parser("bundle", help="offline bundles: move models, adapters, datasets and tasks on a USB stick"
                          ).add_subparsers(dest="bundle_command", metavar="ACTION")
    cmds.required = True

    p = cmds.add_parser("export", help="write models, adapters, datasets and tasks into one .zip (a job)")
    p.add_argument("out", metavar="OUT.zip")
    p.add_argument("--model", action="append", default=[], metavar="NAME", help="a base model (repeatable)")
    p.add_argument("--adapter", action="append", default=[], metavar="NAME",
                   help="a trained adapter (repeatable); its base must be here or travel with --model")
    p.add_argument("--dataset", action="append", default=[], metavar="NAME[@VERSION]",
                   help="a dataset version, the latest when no @VERSION (repeatable)")
    p.add_argument("--task", action="append", default=[], metavar="NAME", help="a task definition (repeatable)")
    p.add_argument("--force", action="store_true", help="replace OUT.zip if it exists")
    p.add_argument("--sign", metavar="KEY", default=None,
                   help="sign with this key (default: the workspace's default key, when it has one; "
                        "see 'aigc keys')")
    p.add_argument("--no-sign", action="store_true", help="write an unsigned bundle even when a key exists")
    p.set_defaults(handler=cmd_export)

    p = cmds.add_parser("inspect", help="verify a bundle, show who signed it, and list what importing it here "
                                        "would do")
    p.add_argument("path")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                   help="preview an import under new names ([TYPE:]OLD=NEW, repeatable)")
    p.set_defaults(handler=cmd_inspect)

    p = cmds.add_parser("import", help="verify a bundle, then add its items to this workspace (a job)")
    p.add_argument("path")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                   help="import an item under another name; TYPE:OLD=NEW picks one of model, adapter, dataset, task")
    p.add_argument("--require-signature", action="store_true",
                   help="refuse the bundle unless it is signed by a key this workspace trusts (always on when "
                        "'aigc keys require on')")
    p.set_defaults(handler=cmd_import)


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    return str(count)


def cmd_export(args, out) -> dict:
    engine = out.open_engine(args)
    from engine.bundles.export import ExportConfig, plan
    params = {"out": os.path.abspath(Path(args.out).expanduser()), "models": args.model, "adapters": args.adapter,
              "datasets": args.dataset, "tasks": args.task, "overwrite": args.force, "sign": args.sign,
              "no_sign": args.no_sign}
    plan(engine, ExportConfig.from_params(params))
    job = out.run_job("bundle.export", params)
    result = dict(job.result)
    result["job"] = job.id
    lines = [f"wrote {result['out']} ({_size(result['bytes'])}, {result['files']} files)"]
    signed = result.get("signed_by")
    lines.append(f"signed with key '{signed['key_name']}' ({signed['short']})" if signed else
                 "not signed (create a key with 'aigc keys create' to sign bundles)")
    lines += [f"  {i['type']:<8} {i['name']:<28} {i['files']:>5} files  {_size(i['bytes']):>10}"
              for i in result["items"]]
    result["_text"] = "\n".join(lines)
    return result


def cmd_inspect(args, out) -> dict:
    engine = out.open_engine(args)
    report = engine.bundles.inspect(args.path, renames=args.rename,
                                    progress=lambda f, m: out.progress(f, m) if sys.stderr.isatty() else None)
    if not report["ok"]:
        raise UserError(report["error"])
    lines = [f"{report['path']}: verified {report['files']} files ({_size(report['bytes'])}), "
             f"made by AIGC Workbench {report['product_version'] or '?'}", _signature_line(report["signature"])]
    for item in report["items"]:
        target = f" -> {item['target']}" if item["target"] != item["name"] else ""
        extra = ""
        if item["type"] == "adapter":
            extra = f"  base {item['base_name'] or item['base_sha256'][:12]}: {item['base']}"
        if item["type"] == "dataset":
            extra = f"  v{item['version']} {item['count']} records"
        state = "; ".join(item["problems"]) if item["problems"] else \
            ("already here, skipped" if item["action"] == "present" else "will be added")
        lines.append(f"  {item['type']:<8} {item['name']}{target}{extra}  [{state}]")
        lines += [f"           note: {note}" for note in item.get("notes", [])]
    if report["importable"]:
        lines.append("ready to import")
    elif report.get("signature_problem"):
        lines.append(f"cannot import here: {report['signature_problem']}")
    else:
        lines.append("import needs --rename for the items marked above, or their base models first")
    report["_text"] = "\n".join(lines)
    return report


def _signature_line(info: dict) -> str:
    if not info["signed"]:
        return "not signed"
    who = f"signed by key '{info['key_name']}' ({info['short']})"
    if info["own"]:
        return f"{who}: this workspace's own key"
    if info["trusted"]:
        return f"{who}: trusted" + (f" as '{info['trusted_as']}'" if info["trusted_as"] != info["key_name"] else "")
    return f"{who}: NOT trusted here ('aigc keys trust' their public key once you have checked its fingerprint)"


def cmd_import(args, out) -> dict:
    engine = out.open_engine(args)
    from engine.bundles.plan import parse_renames
    parse_renames(args.rename)
    job = out.run_job("bundle.import", {"path": str(Path(args.path).expanduser().resolve()), "renames": args.rename,
                                        "require_signature": args.require_signature})
    result = dict(job.result)
    result["job"] = job.id
    lines = [f"imported {result['added']} item(s) from {Path(result['path']).name}"
             + (f", {result['present']} already here" if result["present"] else ""),
             _signature_line(result["signature"])]
    for item in result["items"]:
        target = f" as {item['target']}" if item["target"] != item["name"] else ""
        lines.append(f"  {item['type']:<8} {item['name']}{target}  "
                     f"{'added' if item['action'] == 'add' else 'already here'}")
    result["_text"] = "\n".join(lines)
    return result
