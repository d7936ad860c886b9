#!/usr/bin/env bash
# Set up .venv if needed, then open AIGC Workbench on the built-in sample workspace.
# Pass --workspace PATH to open another workspace.
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
cd "$ROOT"
if [ "$#" -eq 0 ]; then
    set -- --workspace "$ROOT/.venv/sample-workspace" --samples
fi
exec python -m desktop "$@"
