"""The SSRF guard at connect time.

Every TCP connection goes through `GuardedBackend`, plugged into httpcore's pool. It resolves the name
itself, refuses private addresses (netguard.py) and connects to the very address it checked, so DNS
rebinding and redirects to internal hosts are stopped where it matters.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable
from ipaddress import ip_address

import httpcore
import httpx

from newsdesk.ingest.stages.fetch.deadline import DeadlineStream, bounded
from newsdesk.ingest.stages.fetch.netguard import (
    IPAddress,
    describe_refusal,
    is_local_name,
    parse_host_address,
)
from newsdesk.ingest.stages.fetch.policy import FetchPolicy
from newsdesk.types import BlockedAddress, FetchError

# Name -> addresses. The system resolver by default; tests pass a table, as no test may use DNS.
Resolver = Callable[[str, int], list[IPAddress]]


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, but it resolves names itself and connects only to checked IPs.

    TLS still verifies and sends SNI for the URL's host name: httpcore passes the origin's host
    to `start_tls`, not the address we connected to.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        resolve: Resolver | None = None,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolve = resolve or resolve_host
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for ip in self._checked_addresses(host, port):
            try:
                stream = self._inner.connect_tcp(
                    str(ip), port, bounded(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
                continue
            return DeadlineStream(stream)
        raise last_error or httpcore.ConnectError(f"No address to connect to for {host}.")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedAddress("Connecting to a local socket is not allowed.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address `host` stands for, each one allowed, or BlockedAddress for the first not."""
        guarded = not self._policy.allow_private_networks
        literal = parse_host_address(host)
        if literal is None and guarded and is_local_name(host):
            raise BlockedAddress(f"{host} is a name for this machine, which is not allowed.")
        addresses = [literal] if literal is not None else self._resolve(host, port)
        for ip in addresses:
            if not self._policy.allows(ip, port):
                raise BlockedAddress(describe_refusal(host, ip) or f"{host} is not allowed.")
        return addresses


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """All addresses of `host`, in the system resolver's order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"The name {host} could not be found.") from exc
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ip_address(str(sockaddr[0]))
        if ip not in found:
            found.append(ip)
    return found


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with our backend plugged into its httpcore pool.

    HTTPTransport does not accept `network_backend`, so we replace the pool it built (httpx 0.28
    keeps it in `_pool`; the SSRF tests fail loudly if a later httpx moves it).
    """

    def __init__(self, policy: FetchPolicy, limits: httpx.Limits, resolve: Resolver | None) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, resolve),
        )
