"""What the build leaves out is never needed: the program's run-time imports succeed
from source with every excluded module hidden, as in the frozen build."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(prelude: str = "") -> subprocess.CompletedProcess:
    code = ("import sys\n"
            f"sys.path.insert(0, {str(ROOT / 'packaging')!r})\n"
            "import bundle_rules\n"
            f"{prelude}\n"
            "import exclusion_check\n"
            "sys.exit(exclusion_check.main([]))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_runtime_imports_work_without_the_excluded_modules():
    out = run_check()
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("exclusions: ok")


def test_a_needed_module_left_out_is_caught():
    out = run_check("bundle_rules.EXCLUDED_MODULES.append('torchgen')")
    assert out.returncode == 1
    assert "torchgen" in out.stderr and "import torch:" in out.stderr
