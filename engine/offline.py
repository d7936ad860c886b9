"""Keep the engine offline: Hugging Face switches, and a guard on every network path Python offers.

``enable()`` must run before transformers, diffusers, peft or huggingface_hub are
imported; ``engine/__init__`` calls it. The guard lets loopback and Unix sockets
through (Qt and multiprocessing use them) and refuses everything else with a
message instead of a hang behind an air gap: connecting (TCP or UDP), sending a
datagram to an address, raw packet sockets on any interface but loopback, and
every name lookup (forward and reverse) except ``localhost`` and numeric
loopback addresses.

Child processes: ``enable()`` marks the environment (``AIGC_NETWORK_GUARD=1``),
and a process that imports ``engine`` with that mark is always guarded, whatever
else its environment says. Multiprocessing ``spawn`` children import ``engine``
before anything else runs; Python children the engine starts go through
``python_command()``, which runs the target behind ``engine.guarded``.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
from pathlib import Path

from engine.errors import NetworkBlocked

GUARD_ENV = "AIGC_NETWORK_GUARD"    # set for children of a guarded process; they are guarded too
ALLOW_ENV = "AIGC_ALLOW_NETWORK"    # "1" leaves a top-level process unguarded (development only)

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "DIFFUSERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "GRADIO_ANALYTICS_ENABLED": "False",
}

_lock = threading.Lock()
_guard_on = False
_SOCKET_METHODS = ("connect", "connect_ex", "sendto", "sendmsg", "bind")
_RESOLVERS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")
_original_methods = {name: getattr(socket.socket, name) for name in _SOCKET_METHODS if hasattr(socket.socket, name)}
_original_resolvers = {name: getattr(socket, name) for name in _RESOLVERS}
_original_spawn_command = None
blocked_attempts: list[str] = []


def set_offline_switches() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def _is_loopback_host(host) -> bool:
    """``localhost``, or a numeric loopback address (IPv4, IPv6, or IPv4 mapped into IPv6)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host == "":
        return True
    if not isinstance(host, str):
        return False
    if host.lower().rstrip(".") in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return False  # any other name would need a lookup
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if not isinstance(address, tuple) or not address:
        return True
    return address[0] == "lo" or _is_loopback_host(address[0])  # "lo": a packet socket's loopback interface


def _refuse(target) -> None:
    blocked_attempts.append(str(target))
    sys.audit("aigc.network_blocked", str(target))   # visible to audit hooks (the reliability suite counts them)
    raise NetworkBlocked(
        f"network access to {target} was blocked: AIGC Workbench works offline",
        hint="copy the files it needs onto this machine and import them from a local folder",
    )


_PACKET = getattr(socket, "AF_PACKET", None)   # raw frames on an interface (Linux, needs root)


def _inet(sock) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6) or (_PACKET is not None and sock.family == _PACKET)


def _guarded_bind(sock, address):
    # a packet socket bound to an interface sends raw frames with plain send(); only loopback is allowed
    if _PACKET is not None and sock.family == _PACKET and not (isinstance(address, tuple) and address
                                                              and address[0] == "lo"):
        _refuse(address)
    return _original_methods["bind"](sock, address)


def _guarded_connect(sock, address):
    if _inet(sock) and not _is_local(address):
        _refuse(address)
    return _original_methods["connect"](sock, address)


def _guarded_connect_ex(sock, address):
    if _inet(sock) and not _is_local(address):
        _refuse(address)
    return _original_methods["connect_ex"](sock, address)


def _guarded_sendto(sock, data, *rest):
    # sendto(data, address) or sendto(data, flags, address)
    if _inet(sock) and rest and not _is_local(rest[-1]):
        _refuse(rest[-1])
    return _original_methods["sendto"](sock, data, *rest)


def _guarded_sendmsg(sock, buffers, *rest, **kwargs):
    # sendmsg(buffers[, ancdata[, flags[, address]]])
    address = kwargs.get("address", rest[2] if len(rest) > 2 else None)
    if _inet(sock) and address is not None and not _is_local(address):
        _refuse(address)
    return _original_methods["sendmsg"](sock, buffers, *rest, **kwargs)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_loopback_host(host):
        _refuse(host)
    return _original_resolvers["getaddrinfo"](host, *args, **kwargs)


def _guarded_gethostbyname(host):
    if not _is_loopback_host(host):
        _refuse(host)
    return _original_resolvers["gethostbyname"](host)


def _guarded_gethostbyname_ex(host):
    if not _is_loopback_host(host):
        _refuse(host)
    return _original_resolvers["gethostbyname_ex"](host)


def _guarded_gethostbyaddr(host):
    if not _is_loopback_host(host):
        _refuse(host)
    return _original_resolvers["gethostbyaddr"](host)


def _guarded_getnameinfo(sockaddr, flags):
    if not (flags & socket.NI_NUMERICHOST) and not _is_local(sockaddr):
        _refuse(sockaddr[0] if isinstance(sockaddr, tuple) and sockaddr else sockaddr)
    return _original_resolvers["getnameinfo"](sockaddr, flags)


_GUARDED_METHODS = {"connect": _guarded_connect, "connect_ex": _guarded_connect_ex,
                    "sendto": _guarded_sendto, "sendmsg": _guarded_sendmsg, "bind": _guarded_bind}
_GUARDED_RESOLVERS = {"getaddrinfo": _guarded_getaddrinfo, "gethostbyname": _guarded_gethostbyname,
                      "gethostbyname_ex": _guarded_gethostbyname_ex, "gethostbyaddr": _guarded_gethostbyaddr,
                      "getnameinfo": _guarded_getnameinfo}


def engine_root() -> str:
    """The folder that holds the ``engine`` package (what a child needs on its path to import it)."""
    return str(Path(__file__).resolve().parent.parent)


def _spawn_command_with_guard(**kwds):
    """multiprocessing's spawn command line, importing ``engine`` (and so the guard) before anything else."""
    argv = _original_spawn_command(**kwds)
    if getattr(sys, "frozen", False) or "-c" not in argv:
        return argv  # a packaged build's entry point (packaging/entry.py) imports engine first
    index = argv.index("-c") + 1
    root = engine_root()
    argv = list(argv)
    argv[index] = (f"import sys; sys.path.insert(0, {root!r}); import engine; sys.path.remove({root!r}); "
                   + argv[index])
    return argv


def _guard_spawn_children() -> None:
    global _original_spawn_command
    import multiprocessing.spawn as spawn
    if _original_spawn_command is None:
        _original_spawn_command = spawn.get_command_line
        spawn.get_command_line = _spawn_command_with_guard


def install_guard() -> None:
    """Make any non-loopback network attempt in this process (and the children it starts) fail loudly."""
    global _guard_on
    with _lock:
        if _guard_on:
            return
        for name, fn in _GUARDED_METHODS.items():
            if name in _original_methods:
                setattr(socket.socket, name, fn)
        for name, fn in _GUARDED_RESOLVERS.items():
            setattr(socket, name, fn)
        _guard_spawn_children()
        os.environ[GUARD_ENV] = "1"
        _guard_on = True


def remove_guard() -> None:
    global _guard_on, _original_spawn_command
    with _lock:
        for name, fn in _original_methods.items():
            setattr(socket.socket, name, fn)
        for name, fn in _original_resolvers.items():
            setattr(socket, name, fn)
        if _original_spawn_command is not None:
            import multiprocessing.spawn as spawn
            spawn.get_command_line = _original_spawn_command
            _original_spawn_command = None
        os.environ.pop(GUARD_ENV, None)
        _guard_on = False


def guard_active() -> bool:
    return _guard_on


def child_env(env: dict | None = None) -> dict:
    """The environment for a child process: offline switches, the guard mark, and ``engine`` importable."""
    out = dict(os.environ if env is None else env)
    out.update(OFFLINE_ENV)
    if _guard_on:
        out[GUARD_ENV] = "1"
        out.pop(ALLOW_ENV, None)
    root = engine_root()
    paths = [p for p in out.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        out["PYTHONPATH"] = os.pathsep.join([root, *paths])
    return out


def python_command(args, python: str | None = None) -> list[str]:
    """``[python, *args]`` run behind the guard: ``args`` is what follows ``python`` (``-m mod ...``,
    ``-c code ...`` or ``script.py ...``). Start it with ``env=child_env()``. A packaged (frozen) build has no
    Python interpreter to start: use multiprocessing there, whose children are guarded too."""
    if getattr(sys, "frozen", False) and python is None:
        raise RuntimeError("a packaged build cannot start a Python interpreter; use multiprocessing instead")
    return [python or sys.executable, "-m", "engine.guarded", *args]


def enable() -> None:
    set_offline_switches()
    if os.environ.get(GUARD_ENV) == "1" or os.environ.get(ALLOW_ENV) != "1":
        install_guard()
