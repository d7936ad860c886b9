"""``aigc``: the headless face of the engine (see CLI.md).

Each command group lives in its own module with a ``register(subparsers)``
function; a handler takes ``(args, out)`` and returns the result dict that
``--json`` prints as the last line of standard output.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from engine.cli.output import Output
from engine.errors import UserError

COMMAND_MODULES = [
    "engine.cli.core",
    "engine.cli.models",
    "engine.cli.tasks",
    "engine.cli.data",
    "engine.cli.bundle",
    "engine.cli.keys",
    "engine.cli.runs",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aigc", description="AIGC Workbench, headless.")
    parser.add_argument("--workspace", metavar="PATH",
                        help="workspace folder (default: $AIGC_WORKBENCH_HOME, then the user data folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line of output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
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
    args = parser.parse_args(hoist_global_options(list(sys.argv[1:] if argv is None else argv)))
    out = Output(json_mode=args.json)
    try:
        result = args.handler(args, out)
    except UserError as exc:
        out.fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        out.fail("interrupted")
        return 130
    finally:
        out.close_engine()
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
