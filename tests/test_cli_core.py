import json
import subprocess
import sys


def run_cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True, timeout=timeout)


def test_init_then_status_print_json_last_line(tmp_path):
    ws = str(tmp_path / "ws")
    init = run_cli("--workspace", ws, "init", "--json")
    assert init.returncode == 0, init.stderr
    data = json.loads(init.stdout.strip().splitlines()[-1])
    assert data["workspace"] == ws and data["schema_version"] >= 1
    status = run_cli("--workspace", ws, "status", "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout.strip().splitlines()[-1])
    assert info["device"]["kind"] == "cpu"
    assert info["schema_version"] == info["schema_latest"]
    assert info["offline"] is True
    assert info["libraries"]["torch"]


def test_jobs_show_unknown_id_fails_with_one_line(tmp_path):
    proc = run_cli("--workspace", str(tmp_path / "ws"), "jobs", "show", "nope")
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].startswith("error: no job with id nope")


def test_selftest_passes(tmp_path):
    proc = run_cli("selftest", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["ok"] is True


def test_unwritable_workspace_is_a_clear_error(tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    proc = run_cli("--workspace", str(target), "status")
    assert proc.returncode != 0
    assert "is a file" in proc.stderr
