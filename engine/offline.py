"""Keep the engine offline: Hugging Face switches, and a guard on network sockets.

``enable()`` must run before transformers, diffusers, peft or huggingface_hub are
imported; ``engine/__init__`` calls it. The guard lets loopback and Unix sockets
through (Qt and multiprocessing use them) and refuses everything else with a
message instead of a hang behind an air gap.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import threading

from engine.errors import NetworkBlocked

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
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_create_connection = socket.create_connection
_original_getaddrinfo = socket.getaddrinfo
blocked_attempts: list[str] = []


def set_offline_switches() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if not isinstance(address, tuple) or not address:
        return True
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS


def _refuse(target) -> None:
    blocked_attempts.append(str(target))
    raise NetworkBlocked(
        f"network access to {target} was blocked: AIGC Workbench works offline",
        hint="copy the files it needs onto this machine and import them from a local folder",
    )


def _guarded_connect(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        _refuse(address)
    return _original_connect(sock, address)


def _guarded_connect_ex(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        _refuse(address)
    return _original_connect_ex(sock, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost", "") and not _is_local((name,)):
        _refuse(name)
    return _original_getaddrinfo(host, *args, **kwargs)


def install_guard() -> None:
    """Make any non-loopback connection attempt in this process fail loudly."""
    global _guard_on
    with _lock:
        if _guard_on:
            return
        socket.socket.connect = _guarded_connect
        socket.socket.connect_ex = _guarded_connect_ex
        socket.getaddrinfo = _guarded_getaddrinfo
        _guard_on = True


def remove_guard() -> None:
    global _guard_on
    with _lock:
        socket.socket.connect = _original_connect
        socket.socket.connect_ex = _original_connect_ex
        socket.getaddrinfo = _original_getaddrinfo
        _guard_on = False


def guard_active() -> bool:
    return _guard_on


def enable() -> None:
    set_offline_switches()
    if os.environ.get("AIGC_ALLOW_NETWORK") != "1":
        install_guard()
