"""The frozen entry script, run from source: it picks the command line by the name it
was started by or by a leading ``aigc`` argument, and sets the offline switches first."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "packaging" / "entry.py"


def run(argv0: Path, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, str(argv0), *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def test_leading_aigc_argument_runs_the_command_line(tmp_path):
    out = run(ENTRY, "aigc", "--workspace", str(tmp_path / "ws"), "--json", "jobs", "list")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"jobs": []}
    assert (tmp_path / "ws").is_dir()


def test_started_as_aigc_runs_the_command_line(tmp_path):
    link = tmp_path / "aigc"
    link.symlink_to(ENTRY)
    out = run(link, "--workspace", str(tmp_path / "ws"), "--json", "jobs", "list")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"jobs": []}


def test_command_line_errors_are_one_line(tmp_path):
    out = run(ENTRY, "aigc", "--workspace", str(tmp_path / "ws"), "jobs", "show", "no-such-job")
    assert out.returncode != 0
    assert out.stderr.strip().startswith("error:") and "Traceback" not in out.stderr


def test_version_and_offline_switches_before_anything_else(tmp_path):
    code = ("import sys, runpy, os\n"
            f"sys.argv = [{str(ENTRY)!r}, '--version']\n"
            "try:\n"
            f"    runpy.run_path({str(ENTRY)!r}, run_name='__main__')\n"
            "except SystemExit as exc:\n"
            "    code = exc.code\n"
            "from engine import offline\n"
            "print(code, os.environ.get('HF_HUB_OFFLINE'), offline.guard_active())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("AIGC Workbench ")
    assert lines[-1] == "0 1 True"
