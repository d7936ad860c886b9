"""The lock files pin what pyproject.toml asks for, and the test environment is the locked one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from engine import lockfile

ROOT = Path(__file__).resolve().parent.parent
LOCKS = sorted((ROOT / "requirements").glob("*.lock"))


def declared_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    tools = [line.split("#")[0].strip() for line in (ROOT / "requirements" / "build-tools.in").read_text().splitlines()]
    return [Requirement(text) for text in wanted + [t for t in tools if t]]


def test_every_platform_variant_has_a_lock():
    assert {p.stem for p in LOCKS} >= {"linux-cpu", "linux-cuda", "windows", "macos"}


@pytest.mark.parametrize("lock", LOCKS, ids=[p.stem for p in LOCKS])
def test_lock_satisfies_pyproject_ranges(lock):
    pins = lockfile.read_pins(lock)
    text = lock.read_text()
    for requirement in declared_requirements():
        name = lockfile.normalise(requirement.name)
        assert name in pins, f"{lock.name} does not pin {requirement.name}: run scripts/update-lock.sh --keep"
        version = Version(pins[name])
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock.name} pins {name}=={version}, outside pyproject's {requirement}: run scripts/update-lock.sh --keep")
    # Every pin carries at least one hash, so pip --require-hashes accepts the file.
    blocks = [b for b in text.split("\n") if b and not b.startswith((" ", "#"))]
    assert all(b.rstrip().endswith("\\") for b in blocks), "a pin without --hash lines"


def test_one_torch_release_in_every_lock():
    torches = {lockfile.read_pins(lock)["torch"].split("+")[0] for lock in LOCKS}
    assert len(torches) == 1, torches


def test_known_break_is_excluded():
    # transformers 5.24 requires a peft release that does not exist yet; no lock may pick it.
    for lock in LOCKS:
        assert Version(lockfile.read_pins(lock)["transformers"]) < Version("5.24")


def test_compare_reports_a_drifted_package(tmp_path):
    installed = lockfile.installed_version("pytest")
    lock = tmp_path / "x.lock"
    lock.write_text(f"pytest=={installed} \\\n    --hash=sha256:00\npackaging==0.0.1 \\\n    --hash=sha256:00\n"
                    "not-installed-anywhere==1.0 \\\n    --hash=sha256:00\n")
    status = lockfile.compare(lock, "test")
    assert status.matches is False
    assert set(status.mismatched) == {"packaging", "not-installed-anywhere"}
    assert status.mismatched["not-installed-anywhere"]["installed"] is None
    assert "packaging" in status.summary() and "lock 0.0.1" in status.summary()


@pytest.mark.skipif(not os.environ.get("AIGC_VARIANT"), reason="not running in the environment scripts/venv.sh built")
def test_this_environment_matches_its_lock():
    status = lockfile.lock_status()
    assert status.matches, status.summary()


def test_status_json_reports_versions_and_lock(tmp_path):
    out = subprocess.run([sys.executable, "-m", "engine", "--workspace", str(tmp_path / "ws"), "--json", "status"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout.strip().splitlines()[-1])
    assert status["libraries"]["transformers"] == lockfile.installed_version("transformers")
    assert status["lock"]["variant"] in {"linux-cpu", "linux-cuda", "macos", "windows"}
    assert status["lock"]["pinned"] > 50
