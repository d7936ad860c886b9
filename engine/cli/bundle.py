"""aigc bundle export | inspect | import: offline bundles for air-gapped machines."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr


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
    lines = [tr("wrote {out} ({size}, {files} files)", out=result["out"], size=_size(result["bytes"]),
                files=result["files"])]
    signed = result.get("signed_by")
    lines.append(tr("signed with key '{name}' ({short})", name=signed["key_name"], short=signed["short"]) if signed
                 else tr("not signed (create a key with 'aigc keys create' to sign bundles)"))
    lines += [f"  {tr(i['type']):<8} {i['name']:<28} " + tr("{count} files", count=f"{i['files']:>5}")
              + f"  {_size(i['bytes']):>10}" for i in result["items"]]
    result["_text"] = "\n".join(lines)
    return result


def cmd_inspect(args, out) -> dict:
    engine = out.open_engine(args)
    report = engine.bundles.inspect(args.path, renames=args.rename,
                                    progress=lambda f, m: out.progress(f, m) if sys.stderr.isatty() else None)
    if not report["ok"]:
        raise UserError(report["error"])
    lines = [tr("{path}: verified {files} files ({size}), made by AIGC Workbench {version}", path=report["path"],
                files=report["files"], size=_size(report["bytes"]), version=report["product_version"] or "?"),
             _signature_line(report["signature"])]
    for item in report["items"]:
        target = f" -> {item['target']}" if item["target"] != item["name"] else ""
        extra = ""
        if item["type"] == "adapter":
            extra = "  " + tr("base {name}: {state}", name=item["base_name"] or item["base_sha256"][:12],
                              state=item["base"])
        if item["type"] == "dataset":
            extra = "  " + tr("v{version} {count} records", version=item["version"], count=item["count"])
        state = "; ".join(item["problems"]) if item["problems"] else \
            (tr("already here, skipped") if item["action"] == "present" else tr("will be added"))
        lines.append(f"  {tr(item['type']):<8} {item['name']}{target}{extra}  [{state}]")
        lines += ["           " + tr("note: {note}", note=note) for note in item.get("notes", [])]
    if report["importable"]:
        lines.append(tr("ready to import"))
    elif report.get("signature_problem"):
        lines.append(tr("cannot import here: {problem}", problem=report["signature_problem"]))
    else:
        lines.append(tr("import needs --rename for the items marked above, or their base models first"))
    report["_text"] = "\n".join(lines)
    return report


def _signature_line(info: dict) -> str:
    if not info["signed"]:
        return tr("not signed")
    who = tr("signed by key '{name}' ({short})", name=info["key_name"], short=info["short"])
    if info["own"]:
        return tr("{who}: this workspace's own key", who=who)
    if info["trusted"]:
        return tr("{who}: trusted", who=who) + (tr(" as '{name}'", name=info["trusted_as"])
                                                if info["trusted_as"] != info["key_name"] else "")
    return tr("{who}: NOT trusted here ('aigc keys trust' their public key once you have checked its fingerprint)",
              who=who)


def cmd_import(args, out) -> dict:
    engine = out.open_engine(args)
    from engine.bundles.plan import parse_renames
    parse_renames(args.rename)
    job = out.run_job("bundle.import", {"path": str(Path(args.path).expanduser().resolve()), "renames": args.rename,
                                        "require_signature": args.require_signature})
    result = dict(job.result)
    result["job"] = job.id
    lines = [tr("imported {count} item(s) from {file}", count=result["added"], file=Path(result["path"]).name)
             + (tr(", {count} already here", count=result["present"]) if result["present"] else ""),
             _signature_line(result["signature"])]
    for item in result["items"]:
        target = tr(" as {name}", name=item["target"]) if item["target"] != item["name"] else ""
        lines.append(f"  {tr(item['type']):<8} {item['name']}{target}  "
                     + (tr("added") if item["action"] == "add" else tr("already here")))
    result["_text"] = "\n".join(lines)
    return result
