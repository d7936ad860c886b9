"""``aigc``: the headless face of the engine (see CLI.md).

Each command group lives in its own module with a ``register(subparsers)``
function; a handler takes ``(args, out)`` and returns the result dict that
``--json`` prints as the last line of standard output.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from engine.cli.output import Output
from engine.cli.flag_hints import with_flags
from engine.errors import UserError
from engine.i18n import tr

COMMAND_MODULES = [
    "engine.cli.core",
    "engine.cli.models",
    "engine.cli.tasks",
    "engine.cli.data",
    "engine.cli.bundle",
    "engine.cli.keys",
    "engine.cli.runs",
]


class Parser(argparse.ArgumentParser):
    """Usage mistakes are one line on stderr, like every other refusal; ``--help`` headings in the person's
    language (every sub-command's parser is a Parser too)."""

    def __init__(self, *args, **kwargs):
        from engine.cli.usage import HelpFormatter, translate_headings
        if kwargs.get("formatter_class") in (None, argparse.HelpFormatter):
            kwargs["formatter_class"] = HelpFormatter
        super().__init__(*args, **kwargs)
        translate_headings(self)

    def error(self, message: str):
        from engine.cli.usage import usage_error
        sys.stderr.write(usage_error(message, self.prog) + "\n")
        sys.stderr.flush()
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="aigc", description="AIGC Workbench, headless.")
    parser.add_argument("--workspace", metavar="PATH",
                        help="workspace folder (default: $AIGC_WORKBENCH_HOME, then the user data folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line of output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    from engine.cli.numbers import check_numbers
    check_numbers(parser)  # every int/float option: finite, bounded, inside its declared range
    return parser


def hoist_global_options(argv: list[str]) -> list[str]:
    """Accept --json and --workspace after the subcommand too (``aigc init --json``)."""
    front, rest, index = [], [], 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            rest.extend(argv[index:])
            break
        if token == "--json":
            front.append(token)
        elif token == "--workspace" and index + 1 < len(argv):
            front.extend(argv[index:index + 2])
            index += 1
        elif token.startswith("--workspace="):
            front.append(token)
        else:
            rest.append(token)
        index += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(hoist_global_options(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as exc:  # usage error (already printed in one line) or --help
        return exc.code if isinstance(exc.code, int) else 2
    out = Output(json_mode=args.json)
    try:
        if args.workspace is not None and not args.workspace.strip():
            raise UserError(tr("--workspace is empty"), hint=tr("give a workspace folder, or leave the option out"))
        result = args.handler(args, out)
    except UserError as exc:
        out.fail(with_flags(str(exc), getattr(exc, "options", ())))
        return exc.exit_code
    except KeyboardInterrupt:
        out.fail(tr("interrupted"))
        return 130
    except Exception as exc:  # noqa: BLE001 - a defect still ends in one line, never a traceback
        from engine.jobs.outcome import disk_reason
        if disk_reason(exc):   # a full or failing disk is not a defect
            out.fail(disk_reason(exc))
            return 1
        if os.environ.get("AIGC_DEBUG"):
            raise
        out.fail(tr("unexpected {type}: {details} (this is a defect; run again with AIGC_DEBUG=1 for the "
                    "traceback)", type=type(exc).__name__, details=str(exc).strip()[:300] or tr("no details")))
        return 70
    finally:
        try:
            out.close_engine()
        except UserError:
            pass
    if isinstance(result, int):
        return result
    code = 0
    if isinstance(result, dict) and result.get("_exit_code"):
        code = result.pop("_exit_code")
    out.result(result if result is not None else {})
    return code


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser", "json"]
