"""Offline: the switches are set, a public connection is refused loudly, loopback works."""
import os
import socket
import subprocess
import sys

import pytest

from engine import offline
from engine.errors import NetworkBlocked


def test_hf_offline_switches_are_set():
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        assert os.environ.get(key) == "1"


def test_public_connection_is_blocked_with_clear_message():
    assert offline.guard_active()
    with pytest.raises(NetworkBlocked, match="works offline"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("huggingface.co", 443)


def test_loopback_still_works():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


def test_hub_download_fails_loudly_not_silently():
    code = ("import engine\n"
            "from huggingface_hub import hf_hub_download\n"
            "try:\n"
            "    hf_hub_download('gpt2', 'config.json', cache_dir='/nonexistent-cache')\n"
            "except Exception as exc:\n"
            "    print(type(exc).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()  # an exception, never a download


def test_cli_workflow_with_guard_opens_no_socket(tmp_path):
    """init + status + selftest in a subprocess whose every connect() is recorded."""
    code = (
        "import socket, sys, json\n"
        "attempts = []\n"
        "orig = socket.socket.connect\n"
        "def spy(self, addr):\n"
        "    if self.family in (socket.AF_INET, socket.AF_INET6): attempts.append(str(addr))\n"
        "    return orig(self, addr)\n"
        "socket.socket.connect = spy\n"
        "from engine.cli import main\n"
        f"ws = {str(tmp_path / 'ws')!r}\n"
        "codes = [main(['--workspace', ws, 'init']), main(['--workspace', ws, 'status']), main(['selftest'])]\n"
        "from engine import offline\n"
        "print(json.dumps({'codes': codes, 'attempts': attempts, 'blocked': offline.blocked_attempts}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    import json
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["codes"] == [0, 0, 0], out.stderr[-3000:]
    assert report["attempts"] == []
    # the selftest itself probes the guard once with a documentation address
    assert report["blocked"] and all("203.0.113.1" in a for a in report["blocked"])
