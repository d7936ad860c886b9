# Sourced by start.sh on Linux: Qt 6.5+ needs a few X11/xcb libraries that a fresh desktop may
# lack; without them Qt aborts with "could not load the Qt platform plugin xcb". Name the
# packages to install instead.
check_qt_libs() {
    case "${QT_QPA_PLATFORM:-xcb}" in xcb*) ;; *) return 0 ;; esac
    [ "$(uname -s)" = "Linux" ] || return 0
    local qt missing=() lib
    qt="$(python -c 'import os, PySide6; print(os.path.dirname(PySide6.__file__))' 2>/dev/null)" || return 0
    [ -f "$qt/Qt/lib/libQt6XcbQpa.so.6" ] || return 0
    # Linked libraries that cannot be found, plus libxcb-cursor, which Qt opens at run time.
    for lib in $(ldd "$qt/Qt/lib/libQt6XcbQpa.so.6" "$qt/Qt/plugins/platforms/libqxcb.so" 2>/dev/null \
                 | awk '/not found/ {print $1}' | sort -u); do
        missing+=("$lib")
    done
    if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0'; then
        missing+=("libxcb-cursor.so.0")
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0
    local packages=() name
    for lib in "${missing[@]}"; do
        # Debian/Ubuntu name their packages after the soname: libxcb-icccm.so.4 -> libxcb-icccm4,
        # libxkbcommon-x11.so.0 -> libxkbcommon-x11-0.
        name="${lib%%.so.*}"; ver="${lib##*.so.}"
        case "$name" in *[0-9]) packages+=("$name-$ver") ;; *) packages+=("$name$ver") ;; esac
    done
    echo "error: the window cannot open: Qt needs system libraries that are missing (${missing[*]})." >&2
    echo "Install them with:  sudo apt-get install ${packages[*]}" >&2
    echo "(Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms libxkbcommon-x11)" >&2
    return 1
}
