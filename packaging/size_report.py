"""What the build weighs: total size and the largest components.

A component is a top-level entry of the runtime folder (``_internal/torch``,
``_internal/PySide6`` ...) or of the build folder itself (the executables); a
few heavy libraries are split one level deeper (``torch/lib``) so the report
says where the weight really is.

    python packaging/size_report.py dist/aigc-workbench
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

RUNTIME_DIR = "_internal"
SPLIT_DEEPER = ("torch", "PySide6", "PySide6/Qt")


def component_of(relative: Path) -> str:
    parts = list(relative.parts)
    if parts and parts[0] == RUNTIME_DIR:
        parts = parts[1:]
    if len(parts) <= 1:
        return parts[0] if parts else "."
    depth = 1
    while depth < len(parts) - 1 and "/".join(parts[:depth]) in SPLIT_DEEPER:
        depth += 1
    return "/".join(parts[:depth])


def measure(folder: Path) -> dict:
    """Total bytes, file count and bytes per component of a build folder (symlinks not counted twice)."""
    folder = Path(folder)
    per_component: dict[str, int] = defaultdict(int)
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        files += 1
        per_component[component_of(path.relative_to(folder))] += size
    ranked = sorted(per_component.items(), key=lambda item: item[1], reverse=True)
    return {"total_bytes": total, "files": files, "components": [{"name": n, "bytes": b} for n, b in ranked]}


def format_report(sizes: dict, folder: Path | str = "", top: int = 10) -> str:
    total = sizes["total_bytes"]
    lines = [f"size: {folder} {total / 2**20:,.0f} MiB in {sizes['files']:,} files; largest components:"]
    for item in sizes["components"][:top]:
        share = item["bytes"] / total * 100 if total else 0
        lines.append(f"  {item['bytes'] / 2**20:9,.1f} MiB  {share:5.1f}%  {item['name']}")
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "dist" / "aigc-workbench"
    print(format_report(measure(target), target))
