"""Helpers for tests that fetch from LoopbackServer: a guarded policy and a DNS-free resolver."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import ip_address
from typing import Any

from newsdesk.ingest.stages.fetch import FetchPolicy
from newsdesk.ingest.stages.fetch.netguard import IPAddress
from newsdesk.types import FetchError
from tests.support.loopback import LoopbackServer


def loopback_policy(*servers: LoopbackServer, **overrides: Any) -> FetchPolicy:
    """A policy with the SSRF guard ON that lets through exactly these servers' (ip, port).

    Tests use this rather than allow_private_networks=True, so the guard runs in every test.
    """
    allowed = frozenset((server.host, server.port) for server in servers)
    settings: dict[str, Any] = {"site_url": "http://newsdesk.test/", "allowed_endpoints": allowed}
    settings.update(overrides)
    return FetchPolicy(**settings)


class TableResolver:
    """Resolves made-up names from a table, so no test ever asks DNS. Counts its lookups."""

    def __init__(self, table: Mapping[str, str | Sequence[str]]) -> None:
        self._table = {name: [v] if isinstance(v, str) else list(v) for name, v in table.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        if host not in self._table:
            raise FetchError(f"The name {host} could not be found.")
        return [ip_address(value) for value in self._table[host]]
