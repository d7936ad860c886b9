"""The whole workflow under a recorder of every socket call and every process start.

Each step runs through ``aigc`` in its own process, heavy steps in worker processes; every one of
these Python processes loads ``recorder/sitecustomize.py``, whose audit hook logs socket connects,
sends, binds and name lookups, refusals by the offline guard, and process starts. Afterwards: zero
attempts to reach anything but this machine, and every process started is one of the program's own.
"""
from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path

import pytest

from reliability.faultkit import aigc, ok

RECORDER = Path(__file__).with_name("recorder")
NETWORK = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind", "socket.getaddrinfo",
           "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "aigc.network_blocked",
           "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}
PROCESSES = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"}


def _loopback(host) -> bool:
    if host in (None, "", "localhost", "localhost.localdomain", "ip6-localhost"):
        return host not in ("",)          # binding to "" listens on every interface
    try:
        address = ipaddress.ip_address(str(host).strip("[]").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def reaches_out(entry: dict) -> bool:
    """True for an event that tried (or was refused trying) to reach another machine."""
    event, args = entry["event"], entry["args"]
    if event == "aigc.network_blocked" or event in ("urllib.Request", "http.client.connect", "ftplib.connect",
                                                     "smtplib.connect", "webbrowser.open"):
        return True
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        address = args[1] if len(args) > 1 else None
        if address is None or isinstance(address, str):      # AF_UNIX path (multiprocessing, Qt)
            return False
        return not _loopback(address[0])
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return not _loopback(args[0])
    if event == "socket.getnameinfo":
        return not _loopback(args[0][0] if args and args[0] else None)
    return False


def own_process(entry: dict) -> bool:
    """A process start the program may make: a Python child behind the offline guard, or ``uname -p``."""
    argv = entry["args"][1] if entry["event"] == "subprocess.Popen" and len(entry["args"]) > 1 else entry["args"]
    flat = " ".join(str(a) for a in (argv if isinstance(argv, list) else [argv]))
    if "engine.guarded" in flat:
        return True
    # Python's platform.processor() runs ``uname -p`` (a local system query, no network)
    return isinstance(argv, list) and argv[:2] == ["uname", "-p"]


def _tiny_sd(folder: Path) -> Path:
    import sys
    tests = Path(__file__).resolve().parents[1]
    if str(tests) not in sys.path:
        sys.path.insert(0, str(tests))
    from image.tiny import build_tiny_sd
    return build_tiny_sd(folder)


@pytest.mark.slow
def test_whole_workflow_makes_no_network_attempt(tmp_path, tiny_llama_dir, text_data):
    log = tmp_path / "audit.jsonl"
    env = {"PYTHONPATH": os.pathsep.join([str(RECORDER), os.environ.get("PYTHONPATH", "")]),
           "AIGC_AUDIT_LOG": str(log)}
    sd = _tiny_sd(tmp_path / "tiny-sd")
    ws, other = tmp_path / "ws", tmp_path / "other"

    def run(*args, workspace=ws):
        return ok(aigc(workspace, *args, extra_env=env, timeout=600))

    inputs = tmp_path / "in.csv"
    inputs.write_text("product\n水杯\n台灯\n", encoding="utf-8")
    run("data", "import", text_data, "--name", "ads")
    run("models", "import", tiny_llama_dir, "--name", "base")
    run("train", "--model", "base", "--data", "ads", "--max-steps", "4", "--batch-size", "4", "--name", "ads-lora")
    run("generate", "--model", "base", "--adapter", "ads-lora", "--prompt", "写一句广告", "--max-new-tokens", "4")
    run("models", "import", sd, "--name", "sd", "--kind", "image")
    run("generate", "--model", "sd", "--prompt", "a red poster", "--steps", "2", "--width", "32", "--height", "32",
        "--out", tmp_path / "images")
    run("task", "create", "--name", "slogans", "--template", "Write an ad for {product}", "--model", "base",
        "--adapter", "ads-lora", "--dataset", "ads")
    run("task", "run", "slogans", "--inputs", inputs)
    queue = run("review", "list", "--task", "slogans")
    ids = [str(item["id"]) for item in queue["items"]]
    assert ids, queue
    run("review", "approve", *ids[:2])
    run("review", "export", tmp_path / "approved.csv", "--task", "slogans")
    run("data", "export", "ads", tmp_path / "ads.csv", "--format", "csv")
    run("bundle", "export", tmp_path / "dept.zip", "--model", "base", "--adapter", "ads-lora", "--dataset", "ads",
        "--task", "slogans")
    run("bundle", "import", tmp_path / "dept.zip", workspace=other)

    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    processes = {e["pid"] for e in entries if e["event"] == "start"}
    workers = {e["pid"] for e in entries if e["event"] == "start" and "multiprocessing" in " ".join(map(str, e["argv"]))
               or "-c" in e["argv"]}
    outward = [e for e in entries if e["event"] in NETWORK and reaches_out(e)]
    started = [e for e in entries if e["event"] in PROCESSES]
    foreign = [e for e in started if not own_process(e)]
    summary = {"python_processes": len(processes), "worker_processes": len(workers),
               "network_events": sum(e["event"] in NETWORK for e in entries), "outward": len(outward),
               "processes_started": len(started), "foreign": foreign[:5]}
    print("recorded:", json.dumps(summary))
    assert len(processes) >= 15 and workers, summary     # the CLI steps and their workers were all recorded
    assert outward == [], outward[:5]
    assert foreign == [], foreign[:5]
