"""Frozen entry point: one program, three faces.

    aigc-workbench                 the desktop window
    aigc-workbench --selftest      the offline end-to-end check, headless (exit 0 when it passes)
    aigc-workbench aigc ARGS...    the command line (``aigc ARGS...`` beside it does the same)

``import engine`` comes first: it sets the Hugging Face offline switches and the
network guard before any model library can be imported, exactly as in the source
tree, and so also in a spawned worker process. ``freeze_support()`` runs next so
that such a worker re-enters here and does its work instead of opening a second
window.
"""
from __future__ import annotations

import multiprocessing
import os
import sys


def _program_name() -> str:
    """The name the program was started by: ``aigc`` may be a symlink to ``aigc-workbench``."""
    return os.path.splitext(os.path.basename(sys.argv[0] if sys.argv and sys.argv[0] else sys.executable))[0]


def dispatch(argv: list[str]) -> int:
    """Choose the face from the executable's name and the first argument."""
    import engine  # noqa: F401 - offline switches and network guard, before anything heavy

    if _program_name().lower() == "aigc":
        from engine.cli import main as cli_main
        return cli_main(argv)
    if argv[:1] == ["aigc"]:
        from engine.cli import main as cli_main
        return cli_main(argv[1:])
    if argv[:1] == ["--selftest"]:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from engine.cli import main as cli_main
        return cli_main(["selftest", *argv[1:]])
    if argv[:1] in (["--version"], ["-V"]):
        print(f"AIGC Workbench {engine.__version__}")
        return 0
    from desktop.app import main as gui_main
    return gui_main() or 0


def main() -> int:
    import engine  # noqa: F401 - the guard is on before a spawned worker runs any of its target's code
    multiprocessing.freeze_support()
    return dispatch(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
