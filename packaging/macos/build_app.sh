#!/bin/sh
# Build "AIGC Workbench.app" and a .dmg on a Mac (Apple silicon or Intel).
#   packaging/macos/build_app.sh                 # unsigned, for testing
#   SIGN_IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=aigc packaging/macos/build_app.sh
# Needs: the project installed in the active Python (pip install -e ".[build]").
# torch on macOS is CPU + Apple MPS; there is no CUDA variant.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

python packaging/build.py --variant cpu      # one-folder build + size report + frozen self-test
APP="dist/AIGC Workbench.app"
[ -d "$APP" ] || { echo "error: $APP was not produced (the spec makes it on macOS only)" >&2; exit 2; }

VERSION=$(python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
ARCH=$(uname -m)
DMG="dist/aigc-workbench-$VERSION-macos-$ARCH.dmg"

if [ -n "${SIGN_IDENTITY:-}" ]; then
    # Hardened runtime; torch needs JIT-style executable memory for some kernels.
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist --sign "$SIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict "$APP"
fi

rm -f "$DMG"
hdiutil create -volname "AIGC Workbench" -srcfolder "$APP" -ov -format UDZO "$DMG"

if [ -n "${SIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    codesign --sign "$SIGN_IDENTITY" --timestamp "$DMG"
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    # Staple the ticket so Gatekeeper can check it on a machine with no network.
    xcrun stapler staple "$DMG"
fi

shasum -a 256 "$DMG" | tee "$DMG.sha256"
