"""Refresh and compile the interface translations.

    .venv/bin/python resources/i18n/build.py [--check]

1. ``pyside6-lupdate`` collects every ``tr()`` string of ``desktop/`` into
   ``workbench_zh_CN.ts`` (keeping translations already there);
2. strings still unfinished are filled from ``zh_CN.json`` (source text -> Chinese),
   the glossary that translators edit;
3. ``pyside6-lrelease`` compiles ``workbench_zh_CN.qm``, which the app loads.

``--check`` exits 1 when a string has no translation.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def fill(ts_path: Path, glossary: dict[str, str]) -> list[str]:
    tree = ET.parse(ts_path)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        text = glossary.get(source)
        if text is None:
            if translation.get("type") == "unfinished" or not (translation.text or list(translation)):
                missing.append(source)
            continue
        if translation.get("type") == "obsolete" or translation.get("type") == "vanished":
            continue
        translation.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            for child in list(translation):
                translation.remove(child)
            translation.text = None
            ET.SubElement(translation, "numerusform").text = text
        else:
            translation.text = text
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return sorted(set(missing))


def main(argv: list[str]) -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop").rglob("*.py"))
    status = 0
    check_only = "--check" in argv
    out_dir = Path(tempfile.mkdtemp(prefix="aigc-i18n-")) if check_only else HERE   # --check leaves the repo as is
    for language in LANGUAGES:
        ts_path = out_dir / f"workbench_{language}.ts"
        if check_only and (HERE / ts_path.name).exists():
            shutil.copy(HERE / ts_path.name, ts_path)
        subprocess.run([tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources,
                        "-ts", str(ts_path)], check=True, cwd=ROOT)
        glossary = json.loads((HERE / f"{language}.json").read_text(encoding="utf-8"))
        missing = fill(ts_path, glossary)
        # compiled beside the old file and moved over it: a running window maps the old .qm into memory,
        # and rewriting that file in place would pull it from under the window
        qm_path = out_dir / f"workbench_{language}.qm"
        partial = qm_path.with_name(f".{qm_path.stem}.partial.qm")
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts_path), "-qm", str(partial)], check=True, cwd=ROOT)
        os.replace(partial, qm_path)
        for source in missing:
            print(f"{language}: no translation for {source!r}", file=sys.stderr)
        if missing and "--check" in argv:
            status = 1
        print(f"{language}: {len(missing)} untranslated", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
