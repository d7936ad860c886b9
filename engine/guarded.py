"""Run a Python program behind the offline guard, the way ``python`` would run it.

    python -m engine.guarded -m MODULE [ARGS] | -c CODE [ARGS] | SCRIPT [ARGS]

``engine.offline.python_command`` builds this command line; importing ``engine``
here installs the guard before the first line of the program runs.
"""
from __future__ import annotations

import os
import runpy
import sys

import engine  # noqa: F401 - installs the network guard

USAGE = "usage: python -m engine.guarded (-m MODULE | -c CODE | SCRIPT) [ARGS...]"


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-m", "-c") and len(argv) < 2:
        print(USAGE, file=sys.stderr)
        raise SystemExit(2)
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    elif argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        sys.path[0] = ""
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    else:
        sys.argv = list(argv)
        sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
