# Sourced by start.sh and test.sh: make sure .venv exists and matches pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating virtual environment in $VENV" >&2
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.aigc-installed"
WANT="$(cat "$ROOT/pyproject.toml" | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "Installing AIGC Workbench and its dependencies into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2 || true
    if ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
        # A CPU build of torch keeps the environment small; GPU users install their CUDA build first.
        if [ "$(uname -s)" = "Linux" ]; then
            "$VENV/bin/python" -m pip install --quiet "torch==2.13.0" >&2 \
              || "$VENV/bin/python" -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu >&2
        fi
    fi
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT[dev]" >&2
    echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
