"""Architecture rules: the engine never imports Qt or desktop; the GUI starts without torch."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "desktop")
HEAVY_MODULES = ("torch", "transformers", "diffusers", "peft", "accelerate")


def imported_modules(folder: Path):
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def test_engine_never_imports_qt_or_desktop():
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path, name in imported_modules(ROOT / "engine")
                 if name.split(".")[0] in QT_MODULES]
    assert offenders == []


def test_desktop_never_imports_torch_family_directly():
    offenders = [f"{path.relative_to(ROOT)}: {name}" for path, name in imported_modules(ROOT / "desktop")
                 if name.split(".")[0] in HEAVY_MODULES]
    assert offenders == []


def test_engine_import_stays_light():
    code = ("import sys, engine, engine.api, engine.cli, engine.jobs.registry as r; r.load_areas();"
            "heavy = [m for m in %r if m in sys.modules]; print(heavy)" % (HEAVY_MODULES,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
