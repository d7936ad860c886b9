"""Where the workspace lives, the same for the CLI and the window:
--workspace, then AIGC_WORKBENCH_HOME, then the one the window remembers, then the user data folder."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from engine.i18n import tr

ENV_VAR = "AIGC_WORKBENCH_HOME"


def default_workspace() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("AIGC Workbench", "AIGC Workbench")) / "workspace"


def choose_workspace(explicit: str | os.PathLike | None = None, remembered: str | None = None) -> Path:
    """The one precedence: ``explicit`` (--workspace), $AIGC_WORKBENCH_HOME, ``remembered``, the default."""
    from engine.errors import UserError
    if explicit is not None:
        if not str(explicit).strip():
            raise UserError(tr("the workspace folder is empty"), hint=tr("give a workspace folder, or leave the option out"),
                            options=("--workspace",))
        return Path(explicit).expanduser().resolve()
    if os.environ.get(ENV_VAR, "").strip():
        return Path(os.environ[ENV_VAR]).expanduser().resolve()
    if remembered:
        return Path(remembered).expanduser().resolve()
    return default_workspace().resolve()


def resolve_workspace(path: str | os.PathLike | None) -> Path:
    return Path(path).expanduser().resolve() if path else default_workspace().resolve()
