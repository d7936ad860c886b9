#!/usr/bin/env bash
# Re-resolve the lock files in requirements/ and test the result in a scratch venv.
#
#   scripts/update-lock.sh            upgrade every package to the newest release the
#                                     ranges in pyproject.toml allow, then test it
#   scripts/update-lock.sh --keep     keep current pins where still allowed (after editing
#                                     pyproject.toml), then test it
#   scripts/update-lock.sh --no-test  resolve only
#
# The scratch venv is .venv-lockcheck/; .venv/ is left alone until the new lock is committed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UPGRADE=(--upgrade)
TEST=1
for arg in "$@"; do
    case "$arg" in
        --keep) UPGRADE=() ;;
        --no-test) TEST=0 ;;
        *) echo "usage: scripts/update-lock.sh [--keep] [--no-test]" >&2; exit 2 ;;
    esac
done

UV="$(command -v uv || true)"
[ -z "$UV" ] && [ -x .venv/bin/uv ] && UV=.venv/bin/uv
if [ -z "$UV" ]; then
    echo "error: uv is needed to resolve the locks; run scripts/test.sh once (it installs uv into .venv) or pip install uv" >&2
    exit 1
fi

compile() {  # compile VARIANT PLATFORM [extra uv args...]
    local variant="$1" platform="$2"; shift 2
    echo "resolving requirements/$variant.lock for $platform" >&2
    MACOSX_DEPLOYMENT_TARGET=14.0 "$UV" pip compile --quiet pyproject.toml requirements/build-tools.in \
        --extra dev --extra llamacpp --extra openvino --generate-hashes --python-version 3.11 --python-platform "$platform" \
        --custom-compile-command "scripts/update-lock.sh" \
        -c requirements/torch.constraints "${UPGRADE[@]}" "$@" -o "requirements/$variant.lock"
}
# torch's +cpu build: from a local wheel folder when there is one (TORCH_CPU_WHEELS), else PyTorch's CPU index.
TORCH_CPU_WHEELS="${TORCH_CPU_WHEELS:-/opt/wheels}"
if [ -d "$TORCH_CPU_WHEELS" ]; then CPU_SOURCE=(--find-links "$TORCH_CPU_WHEELS")
else CPU_SOURCE=(--extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match); fi
compile linux-cpu x86_64-manylinux_2_28 --override requirements/linux-cpu.overrides "${CPU_SOURCE[@]}"
compile linux-cuda x86_64-manylinux_2_28 --extra cuda
compile windows x86_64-pc-windows-msvc
compile macos aarch64-apple-darwin
git --no-pager diff --stat -- requirements/ >&2 || true
git --no-pager diff -U0 -- requirements/*.lock | grep -E '^[-+][a-z0-9_.-]+==' | sort -k1.2 >&2 || true

if [ "$TEST" = 1 ]; then
    SCRATCH="$ROOT/.venv-lockcheck"
    rm -rf "$SCRATCH"
    python3 -m venv "$SCRATCH"
    "$SCRATCH/bin/python" -m pip install --quiet --require-hashes -r requirements/linux-cpu.lock
    "$SCRATCH/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
    QT_QPA_PLATFORM=offscreen "$SCRATCH/bin/python" -m pytest -q -p no:cacheprovider
    echo "the new lock passed the suite; commit requirements/ and run scripts/test.sh to move .venv onto it" >&2
fi
