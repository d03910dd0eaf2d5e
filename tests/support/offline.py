"""The test suite reaches nothing beyond loopback, by construction.

`install()` wraps the socket functions through which Python code reaches another machine, so that
connecting or sending to anything but 127.0.0.0/8, ::1, the unspecified address (0.0.0.0 or ::, which
Linux connects to this host) or a Unix socket, and resolving any name but the loopback names, raises
`NetworkBlocked` naming the address, before any packet leaves:

- `socket.socket.connect`, `connect_ex`, `sendto` and `sendmsg` (every TCP and UDP socket, SSL and
  asyncio ones included, goes through them);
- `socket.create_connection`, to name the host and port as the caller gave them;
- `socket.getaddrinfo`, `gethostbyname` and `gethostbyname_ex`: a DNS question is traffic too. A numeric
  address needs no DNS and passes here; connecting to it is then refused if it is not loopback.

`NetworkBlocked` is not an OSError on purpose: code that handles "connection refused" or "name not found"
must not mistake the guard for an ordinary network failure and carry on.

Subprocesses: `child_environment()` puts `tests/support/offline_site` first on PYTHONPATH; its
`sitecustomize.py` loads this file and calls `install()` when any Python process starts, so the
`newsdesk` CLI, granian and its workers, and `python -c` children are guarded too. A child started with
`python -I`, `-E` or `-S`, or with an environment that drops PYTHONPATH, is not; nor is code outside
Python (libpq's own sockets to PostgreSQL on 127.0.0.1, Chromium, which tests/support/browser.py starts
with its background networking off). Reverse lookups (`gethostbyaddr`, `getfqdn`) are left alone: SMTP
clients and servers ask for the machine's own name.

Only the standard library here: a child imports this file before anything else.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

SITE_DIR = Path(__file__).resolve().parent / "offline_site"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_LOCAL_FAMILIES = frozenset(
    family for family in (getattr(socket, "AF_UNIX", None), getattr(socket, "AF_NETLINK", None)) if family
)

_originals: dict[tuple[Any, str], Callable[..., Any]] = {}


class NetworkBlocked(RuntimeError):
    """Raised instead of reaching a machine other than this one."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Tests reach only loopback: {what} was refused (tests/support/offline.py). Use a server on "
            "127.0.0.1, or a resolver table instead of DNS."
        )


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _is_loopback_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """127.0.0.0/8 or ::1 (also IPv4-mapped), or 0.0.0.0 and ::, which a connect takes as this host."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _is_loopback_host(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    ip = _ip(host)
    return _is_loopback_ip(ip) if ip is not None else host.lower().rstrip(".") in LOOPBACK_NAMES


def _may_resolve(host: object) -> bool:
    """Whether looking `host` up needs no DNS: no host, a numeric address, or a loopback name."""
    if host is None or host in ("", b""):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return isinstance(host, str) and (_ip(host) is not None or _is_loopback_host(host))


def _describe(address: object) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return repr(address)


def _check_destination(sock: socket.socket, address: object, verb: str) -> None:
    if sock.family in _LOCAL_FAMILIES:
        return
    host = address[0] if isinstance(address, tuple) and address else None
    if not _is_loopback_host(host):
        raise NetworkBlocked(f"{verb} {_describe(address)}")


def _wrap_method(name: str, address_of: Callable[[tuple[Any, ...]], object], verb: str) -> None:
    original = getattr(socket.socket, name)
    _originals[(socket.socket, name)] = original

    def guarded(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        address = address_of(args)
        if address is not None:
            _check_destination(self, address, verb)
        return original(self, *args, **kwargs)

    guarded.__name__ = name
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(socket.socket, name, guarded)


def _wrap_resolver(name: str) -> None:
    original = getattr(socket, name)
    _originals[(socket, name)] = original

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _may_resolve(host):
            raise NetworkBlocked(f"looking up the name {host!r}")
        return original(host, *args, **kwargs)

    guarded.__name__ = name
    guarded.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(socket, name, guarded)


def _wrap_create_connection() -> None:
    original = socket.create_connection
    _originals[(socket, "create_connection")] = original

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if not _is_loopback_host(address[0]):
            raise NetworkBlocked(f"connecting to {_describe(address)}")
        return original(address, *args, **kwargs)

    create_connection.__wrapped__ = original  # type: ignore[attr-defined]
    # setattr, as for the others: the wrapper passes on whatever the original takes.
    setattr(socket, "create_connection", create_connection)  # noqa: B010


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Guard this process's sockets. Calling it again changes nothing."""
    if installed() or getattr(socket.socket.connect, "__wrapped__", None) is not None:
        return
    _wrap_method("connect", lambda args: args[0] if args else None, "connecting to")
    _wrap_method("connect_ex", lambda args: args[0] if args else None, "connecting to")
    # sendto(data, address) or sendto(data, flags, address); sendmsg(buffers, ancdata, flags, address).
    _wrap_method("sendto", lambda args: args[-1] if len(args) >= 2 else None, "sending to")
    _wrap_method("sendmsg", lambda args: args[3] if len(args) >= 4 else None, "sending to")
    _wrap_create_connection()
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        _wrap_resolver(name)


def uninstall() -> None:
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


def child_environment(environ: dict[str, str] | os._Environ[str]) -> None:
    """Make the Python processes started with `environ` install the guard too (PYTHONPATH)."""
    paths = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(SITE_DIR)]
    environ["PYTHONPATH"] = os.pathsep.join([str(SITE_DIR), *paths])
