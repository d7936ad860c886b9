"""Every way Python offers to reach the network, tried in a child process; stdlib only (never imports engine).

Run ``python -m reliability.netprobe`` to print the outcome of each attempt as JSON.
The tests run it inside a private network namespace, so even an unguarded attempt
reaches no network.
"""
from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request

TARGET = ("10.255.255.1", 9)
NAME = "updates.example.com"


class Unavailable(Exception):
    """This machine cannot even try (e.g. raw sockets without root)."""


def _outcome(fn) -> str:
    try:
        result = fn()
    except urllib.error.URLError as exc:  # urllib wraps what the socket layer raised
        return type(exc.reason).__name__
    except Exception as exc:  # noqa: BLE001 - the type is the outcome
        return type(exc).__name__
    return f"allowed ({result!r})"[:80]


def attempts() -> dict[str, str]:
    def tcp(family=socket.AF_INET):
        return socket.socket(family, socket.SOCK_STREAM)

    def udp():
        return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def raw_frame():
        try:
            raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        except (AttributeError, PermissionError):
            raise Unavailable() from None
        raw.bind(("eth0", 0))
        raw.send(bytes(60))

    def open_asyncio():
        async def go():
            await asyncio.wait_for(asyncio.open_connection(*TARGET), 5)
        asyncio.run(go())

    probes = {
        "connect": lambda: tcp().connect(TARGET),
        "connect_ex": lambda: tcp().connect_ex(TARGET),
        "sendto": lambda: udp().sendto(b"x", TARGET),
        "sendto_flags": lambda: udp().sendto(b"x", 0, TARGET),
        "sendmsg": lambda: udp().sendmsg([b"x"], [], 0, TARGET),
        "create_connection": lambda: socket.create_connection(TARGET, timeout=5),
        "connect_by_name": lambda: tcp().connect((NAME, 443)),
        "ipv6_connect": lambda: tcp(socket.AF_INET6).connect(("2001:db8::1", 9)),
        "ipv4_mapped_connect": lambda: tcp(socket.AF_INET6).connect(("::ffff:10.255.255.1", 9)),
        "getaddrinfo": lambda: socket.getaddrinfo(NAME, 443),
        "gethostbyname": lambda: socket.gethostbyname(NAME),
        "gethostbyname_own_host": lambda: socket.gethostbyname(socket.gethostname()),
        "gethostbyname_ex": lambda: socket.gethostbyname_ex(NAME),
        "gethostbyaddr": lambda: socket.gethostbyaddr("10.255.255.1"),
        "getnameinfo": lambda: socket.getnameinfo(TARGET, 0),
        "asyncio_open_connection": open_asyncio,
        "urllib_urlopen": lambda: urllib.request.urlopen(f"http://{TARGET[0]}/", timeout=5),
        "raw_packet_socket": raw_frame,
    }
    return {name: _outcome(fn) for name, fn in probes.items()}


def spawn_target(queue) -> None:
    """Target of a multiprocessing ``spawn`` child."""
    queue.put(attempts())


if __name__ == "__main__":
    print(json.dumps(attempts()))
