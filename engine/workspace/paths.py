"""Where the workspace lives: --workspace, then AIGC_WORKBENCH_HOME, then platformdirs."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "AIGC_WORKBENCH_HOME"


def default_workspace() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("AIGC Workbench", "AIGC Workbench")) / "workspace"


def resolve_workspace(path: str | os.PathLike | None) -> Path:
    return Path(path).expanduser().resolve() if path else default_workspace().resolve()
