#!/usr/bin/env bash
# Set up .venv if needed, then run the test suite. Extra arguments go to pytest
# (e.g. `scripts/test.sh -m slow` for the long end-to-end tests).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
cd "$ROOT"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
set +e
python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$code"
