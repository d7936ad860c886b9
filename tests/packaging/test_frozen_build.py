"""End to end: build the one-folder program, run its offline self-test, use the
command line from it, pack the tarball. Slow (a full build with torch takes many
minutes), so it runs only with ``-m slow``.

Set AIGC_FROZEN_BUILD=/path/to/dist/aigc-workbench to check an existing build
instead of building one here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    existing = os.environ.get("AIGC_FROZEN_BUILD")
    if existing:
        return Path(existing)
    pytest.importorskip("PyInstaller")
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    out = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--variant", "cpu",
                          "--dist", str(dist), "--work", str(work)],
                         capture_output=True, text=True, timeout=3600, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "largest components" in out.stdout
    assert "selftest: passed" in out.stdout
    report = json.loads((dist / "aigc-workbench-cpu-build.json").read_text())
    assert report["selftest"]["ok"] and report["selftest"]["home_writes"] == []
    assert report["size"]["total_bytes"] > 0
    return dist / "aigc-workbench"


def frozen_env(home: Path) -> dict:
    from build import clean_env
    return clean_env(home)


def test_frozen_selftest_passes_with_the_guard_on(app_dir, tmp_path):
    from build import run_frozen_selftest
    report = run_frozen_selftest(app_dir, tmp_path)
    assert report["ok"], report["stderr_tail"]
    names = {check["name"] for check in report["checks"]}
    assert {"workspace", "offline-guard", "jobs"} <= names
    assert all(check["ok"] for check in report["checks"])
    assert report["home_writes"] == []


def test_frozen_cli_runs_init_and_status_offline(app_dir, tmp_path):
    env = frozen_env(tmp_path)
    workspace = tmp_path / "ws"
    for exe, prefix in ((app_dir / "aigc", []), (app_dir / "aigc-workbench", ["aigc"])):
        out = subprocess.run([str(exe), *prefix, "--workspace", str(workspace), "--json", "status"],
                             capture_output=True, text=True, env=env, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        status = json.loads(out.stdout.strip().splitlines()[-1])
        assert status["offline"] is True
        assert status["workspace"] == str(workspace)
        assert status["libraries"]["torch"] and status["libraries"]["transformers"]


def test_frozen_cli_reports_bad_input_in_one_line(app_dir, tmp_path):
    out = subprocess.run([str(app_dir / "aigc"), "--workspace", str(tmp_path / "ws"), "jobs", "show", "nope"],
                         capture_output=True, text=True, env=frozen_env(tmp_path), timeout=600)
    assert out.returncode != 0
    assert out.stderr.strip().startswith("error:") and "Traceback" not in out.stderr


def test_build_contains_resources_and_no_tests(app_dir):
    internal = app_dir / "_internal"
    resources = ROOT / "resources"
    for path in resources.rglob("*"):
        hidden = any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(resources).parts)
        if path.is_file() and not hidden:
            assert (internal / "resources" / path.relative_to(resources)).is_file(), path
    assert not (internal / "tests").exists() and not (internal / "bench").exists()
    assert not list(internal.glob("**/libtorch_cuda*")) and not (internal / "nvidia").exists()
    assert not (internal / "torch" / "include").exists()
    assert list(internal.glob("PySide6/Qt/plugins/platforms/libqxcb*"))
    assert list(internal.glob("PySide6/Qt/plugins/platforms/libqoffscreen*"))
    assert list(internal.glob("PySide6/Qt/translations/qtbase_zh_CN.qm"))
    assert list(internal.glob("transformers-*.dist-info")) and list(internal.glob("torch-*.dist-info"))


def test_tarball_holds_the_whole_build(app_dir, tmp_path):
    from linux.make_tarball import make_tarball, sha256_of
    tarball, digest = make_tarball(app_dir, tmp_path, "cpu")
    assert sha256_of(tarball) == digest
    assert (tmp_path / (tarball.name + ".sha256")).read_text() == f"{digest}  {tarball.name}\n"
    check = subprocess.run(["sha256sum", "-c", tarball.name + ".sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "aigc-workbench/aigc-workbench" in names and "aigc-workbench/aigc" in names


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_frozen_window_opens_under_xvfb(app_dir, tmp_path, language):
    from linux.gui_check import check_gui, missing_tools
    if missing_tools():
        pytest.skip(f"needs {', '.join(missing_tools())} (apt-get install xvfb x11-utils imagemagick)")
    result = check_gui(app_dir, tmp_path / "gui.png", app_args=("--lang", language))
    assert result["ok"], result["log_tail"]
    assert (tmp_path / "gui.png").stat().st_size > 10_000


def test_frozen_selftest_from_a_read_only_install(app_dir, tmp_path):
    """The program never writes into its own folder: it runs from a read-only mount."""
    probe = subprocess.run(["unshare", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("needs unprivileged user and mount namespaces (unshare)")
    folder = str(app_dir.resolve())
    script = (f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && "
              f"! touch '{folder}/probe' 2>/dev/null && exec '{folder}/aigc-workbench' --selftest --json")
    out = subprocess.run(["unshare", "--map-root-user", "--mount", "--net", "sh", "-c", script],
                         capture_output=True, text=True, env=frozen_env(tmp_path), timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["ok"] and all(check["ok"] for check in report["checks"])
