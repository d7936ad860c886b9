"""aigc keys create | list | export | trust | untrust | require: signing keys for bundles."""
from __future__ import annotations

from engine.i18n import tr


def register(sub) -> None:
    cmds = sub.add_parser("keys", help="signing keys: sign the bundles you export, trust the keys of other "
                                       "departments, require signed bundles"
                          ).add_subparsers(dest="keys_command", metavar="ACTION")
    cmds.required = True

    p = cmds.add_parser("create", help="make a new Ed25519 signing key (the first one signs every export)")
    p.add_argument("--name", default=None, help="key name, e.g. your department (default: department)")
    p.add_argument("--default", action="store_true", help="sign exports with this key from now on")
    p.set_defaults(handler=cmd_create)

    p = cmds.add_parser("list", help="this workspace's keys, the keys it trusts, and the signature policy")
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("export", help="write a key's PUBLIC half to give to the departments that import "
                                       "your bundles")
    p.add_argument("out", nargs="?", default=None, metavar="OUT",
                   help="file or folder to write (default: NAME.pub.json here)")
    p.add_argument("--name", default=None, help="which key (default: the default signing key)")
    p.set_defaults(handler=cmd_export)

    p = cmds.add_parser("trust", help="trust the public key in FILE for bundles imported here")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", default=None, help="what to call the key here (default: the name in the file)")
    p.set_defaults(handler=cmd_trust)

    p = cmds.add_parser("untrust", help="stop trusting a key (by name or fingerprint)")
    p.add_argument("name")
    p.set_defaults(handler=cmd_untrust)

    p = cmds.add_parser("require", help="workspace policy: 'on' refuses to import bundles that are unsigned "
                                        "or signed by a key this workspace does not trust")
    p.add_argument("state", choices=["on", "off"], nargs="?", default=None,
                   help="on or off (without it: show the policy)")
    p.set_defaults(handler=cmd_require)


def cmd_create(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.keys.create(args.name, make_default=args.default)
    result["_text"] = (tr("created signing key '{name}' (fingerprint {short})", name=result["name"],
                          short=result["short"])
                       + (tr(", used for every export") if result["default"] else "")
                       + "\n" + tr("private key: {path} (owner-only; back it up, never send it)",
                                   path=result["private_key"])
                       + "\n" + tr("share the public key with 'aigc keys export'"))
    return result


def cmd_list(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.keys.list()
    lines = [tr("own keys (sign exports):")]
    lines += [f"  {k['name']:<24} {k['short']}" + ("  " + tr("default") if k["default"] else "")
              for k in result["own"]] or ["  " + tr("none ('aigc keys create' makes one)")]
    lines.append(tr("trusted keys (accepted on import):"))
    lines += [f"  {k['name']:<24} {k['short']}" for k in result["trusted"]] or ["  " + tr("none")]
    lines.append(tr("signatures required on import: {answer}",
                    answer=tr("yes") if result["require_signature"] else tr("no")))
    result["_text"] = "\n".join(lines)
    return result


def cmd_export(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.keys.export_public(args.name, args.out)
    result["_text"] = "\n".join([
        tr("wrote the public key of '{name}' to {out}", name=result["name"], out=result["out"]),
        tr("fingerprint {fingerprint}", fingerprint=result["fingerprint"]),
        tr("the receiving department runs 'aigc keys trust FILE' and should compare the fingerprint with you by "
           "phone or in person")])
    return result


def cmd_trust(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.keys.trust(args.file, args.name)
    result["_text"] = (tr("trusting key '{name}' (fingerprint {fingerprint})", name=result["name"],
                          fingerprint=result["fingerprint"]) if result["added"]
                       else tr("key {short}: {note}", short=result["short"], note=result["note"]))
    return result


def cmd_untrust(args, out) -> dict:
    engine = out.open_engine(args)
    result = engine.keys.untrust(args.name)
    result["_text"] = tr("no longer trusting key '{name}'", name=args.name)
    return result


def cmd_require(args, out) -> dict:
    engine = out.open_engine(args)
    result = (engine.keys.set_require_signature(args.state == "on") if args.state
              else {"require_signature": engine.keys.require_signature()})
    result["_text"] = (tr("imports require a bundle signed by a trusted key") if result["require_signature"]
                       else tr("imports accept unsigned bundles (and show who signed the others)"))
    return result
