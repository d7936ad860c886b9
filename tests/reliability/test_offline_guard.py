"""The offline guard covers every network path Python offers, in this process and in the children it starts.

Refusals are proved inside a private network namespace (``unshare -n``): there an
unguarded attempt fails with "network unreachable" instead of reaching anything,
so only the guard's own ``NetworkBlocked`` counts as a pass.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from engine import offline
from engine.errors import NetworkBlocked

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _unshare() -> list[str] | None:
    tool = shutil.which("unshare")
    if tool is None or sys.platform != "linux":
        return None
    ok = subprocess.run([tool, "-n", "true"], capture_output=True).returncode == 0
    return [tool, "-n"] if ok else None


ISOLATE = _unshare()
isolated_only = pytest.mark.skipif(ISOLATE is None, reason="needs 'unshare -n' (Linux, root) to stay off the network")


def run_isolated(code: str, env: dict | None = None) -> dict:
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(TESTS)])
    out = subprocess.run([*ISOLATE, sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env=env, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def assert_all_blocked(outcomes: dict, where: str) -> int:
    let_through = {k: v for k, v in outcomes.items() if v not in ("NetworkBlocked", "Unavailable")}
    assert not let_through, f"{where}: not refused by the guard: {let_through}"
    return len(outcomes)


@isolated_only
def test_every_socket_path_is_refused_in_the_engine_process():
    outcomes = run_isolated("import engine, json\nfrom reliability import netprobe\n"
                            "print(json.dumps(netprobe.attempts()))")
    assert len(outcomes) == 18
    assert_all_blocked(outcomes, "engine process")


@isolated_only
def test_multiprocessing_spawn_children_start_guarded():
    code = ("import engine, json, multiprocessing as mp\n"
            "from reliability import netprobe\n"
            "if __name__ == '__main__':\n"
            "    ctx = mp.get_context('spawn')\n"
            "    queue = ctx.Queue()\n"
            "    child = ctx.Process(target=netprobe.spawn_target, args=(queue,))\n"
            "    child.start()\n"
            "    result = queue.get(timeout=120)\n"
            "    child.join(30)\n"
            "    print(json.dumps(result))\n")
    assert_all_blocked(run_isolated(code), "spawn child")


@isolated_only
def test_python_children_started_through_python_command_are_guarded():
    code = ("import engine, json, os, subprocess\n"
            "from engine import offline\n"
            "env = offline.child_env()\n"
            "env['PYTHONPATH'] += os.pathsep + os.environ['PYTHONPATH']\n"
            "out = subprocess.run(offline.python_command(['-m', 'reliability.netprobe']), env=env,\n"
            "                     capture_output=True, text=True, timeout=120)\n"
            "assert out.returncode == 0, out.stderr\n"
            "print(out.stdout.strip().splitlines()[-1])\n")
    assert_all_blocked(run_isolated(code), "python_command child")


@isolated_only
def test_a_child_of_a_guarded_process_cannot_opt_out():
    """AIGC_ALLOW_NETWORK=1 turns the guard off for a top-level process only, never for a child."""
    code = ("import engine, json, os, subprocess, sys\n"
            "env = {**os.environ, 'AIGC_ALLOW_NETWORK': '1'}\n"
            "child = 'import engine, json; from reliability import netprobe; print(json.dumps(netprobe.attempts()))'\n"
            "out = subprocess.run([sys.executable, '-c', child], env=env, capture_output=True, text=True)\n"
            "assert out.returncode == 0, out.stderr\n"
            "print(out.stdout.strip().splitlines()[-1])\n")
    assert_all_blocked(run_isolated(code), "child with AIGC_ALLOW_NETWORK=1")


def test_top_level_opt_out_still_works_for_development(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != offline.GUARD_ENV}
    env.update(AIGC_ALLOW_NETWORK="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", "import engine; from engine import offline; "
                          "print(offline.guard_active())"], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_loopback_in_every_spelling_is_allowed():
    assert offline.guard_active()
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert socket.getaddrinfo("127.0.0.1", 80) and socket.getaddrinfo("::1", 80)
    assert socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST)[0] == "127.0.0.1"
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.sendto(b"ping", receiver.getsockname())
    sender.sendmsg([b"pong"], [], 0, receiver.getsockname())
    assert receiver.recvfrom(16)[0] == b"ping" and receiver.recvfrom(16)[0] == b"pong"
    for s in (receiver, sender):
        s.close()


def test_ipv4_mapped_loopback_is_allowed():
    try:
        server = socket.socket(socket.AF_INET6)
        server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        server.bind(("::", 0))
    except OSError as exc:
        pytest.skip(f"no dual-stack IPv6 here ({exc})")
    server.listen(1)
    client = socket.socket(socket.AF_INET6)
    client.settimeout(5)
    client.connect(("::ffff:127.0.0.1", server.getsockname()[1]))
    client.close()
    server.close()
    with pytest.raises(NetworkBlocked):  # refused before any packet: the guard decides from the address alone
        socket.socket(socket.AF_INET6).connect(("::ffff:203.0.113.1", 9))


def test_refusal_is_an_oserror_so_offline_fallbacks_still_work():
    with pytest.raises(OSError, match="works offline"):
        socket.gethostbyaddr("203.0.113.1")
    name = socket.gethostname()
    assert socket.getfqdn(name) == name  # getfqdn falls back to the name it was given


def test_engine_starts_python_children_only_through_python_command():
    """A subprocess of ``sys.executable`` must go through engine.offline.python_command (guard first)."""
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name in ("offline.py", "guarded.py"):
            continue
        if re.search(r"subprocess|Popen|os\.exec|os\.spawn", text) and "sys.executable" in text \
                and "python_command" not in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
