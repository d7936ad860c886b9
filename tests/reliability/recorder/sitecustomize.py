"""Loaded by every Python process of a recorded run (this folder is first on PYTHONPATH): an audit hook
that writes each network, process-start and refused-network event to ``$AIGC_AUDIT_LOG``, one JSON line
each, as it happens (a worker that is killed later has already written its lines)."""
import json
import os
import sys

_LOG = os.environ.get("AIGC_AUDIT_LOG")
_WATCH = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind", "socket.getaddrinfo",
          "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "subprocess.Popen", "os.system",
          "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn", "aigc.network_blocked",
          "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "family"):   # a socket: its family is what matters
        return {"family": int(value.family)}
    return repr(value)[:200]


def _hook(event, args):
    if event not in _WATCH:
        return
    if event == "subprocess.Popen":
        args = args[:2]            # executable and argv; not the environment
    line = json.dumps({"pid": os.getpid(), "event": event, "args": _plain(list(args)),
                       "argv": sys.argv[:3]}) + "\n"
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


if _LOG:
    sys.addaudithook(_hook)
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, (json.dumps({"pid": os.getpid(), "event": "start", "args": [], "argv": sys.argv[:3]}) + "\n")
             .encode("utf-8"))
    os.close(fd)
