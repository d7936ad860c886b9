# Sourced by start.sh and test.sh: make sure .venv exists and matches the lock file.
# Every package comes from requirements/<variant>.lock with its hash checked, so a fresh
# clone today and in six months installs exactly what was tested.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

# Which lock: AIGC_VARIANT overrides (linux-cpu, linux-cuda, macos, windows).
if [ -z "${AIGC_VARIANT:-}" ]; then
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) AIGC_VARIANT=linux-cpu ;;
        Darwin-arm64) AIGC_VARIANT=macos ;;
        MINGW*|MSYS*|CYGWIN*) AIGC_VARIANT=windows ;;
        *) echo "error: no lock file for $(uname -s) $(uname -m); supported: Linux x86_64, macOS arm64, Windows (set AIGC_VARIANT to force one)" >&2
           exit 1 ;;
    esac
fi
LOCK="$ROOT/requirements/$AIGC_VARIANT.lock"
if [ ! -f "$LOCK" ]; then
    echo "error: $LOCK does not exist; AIGC_VARIANT must be one of: $(cd "$ROOT/requirements" && ls *.lock | sed 's/.lock$//' | tr '\n' ' ')" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating virtual environment in $VENV" >&2
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.aigc-installed"
WANT="$AIGC_VARIANT $(cat "$ROOT/pyproject.toml" "$LOCK" | "$VENV/bin/python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "Installing AIGC Workbench from $(basename "$LOCK") into $VENV (first run takes a few minutes)" >&2
    PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
    if ! "${PIP[@]}" install --quiet --require-hashes -r "$LOCK" >&2; then
        if [ "$AIGC_VARIANT" = "linux-cpu" ]; then
            # The CPU build of torch is not on PyPI: fall back to PyTorch's own CPU index.
            echo "Retrying with the PyTorch CPU package index for torch" >&2
            "${PIP[@]}" install --quiet --require-hashes -r "$LOCK" \
                --extra-index-url https://download.pytorch.org/whl/cpu >&2
        else
            exit 1
        fi
    fi
    # The project itself, editable, with the locked build tools and no further downloads.
    "${PIP[@]}" install --quiet --no-deps --no-build-isolation -e "$ROOT" >&2
    echo "$WANT" > "$STAMP"
fi
export AIGC_VARIANT
export PATH="$VENV/bin:$PATH"
