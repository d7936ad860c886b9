#!/usr/bin/env bash
# Set up .venv if needed, then open AIGC Workbench on the built-in sample workspace.
# Pass --workspace PATH to open another workspace.
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
cd "$ROOT"
source "$ROOT/scripts/check-qt-libs.sh"
check_qt_libs || exit 1
if [ "$#" -eq 0 ]; then
    set -- --workspace "$ROOT/.venv/sample-workspace" --samples
fi
exec python -m desktop "$@"
