"""FetchPolicy: how the fetcher behaves. Built once from settings by the caller (newsdesk.ingest.policy);
the stage itself never reads settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk import __version__
from newsdesk.ingest.stages.fetch.netguard import IPAddress, is_public_address


@dataclass(frozen=True)
class FetchPolicy:
    """How the fetcher behaves. Built once from settings by the caller; stages never read settings.

    `allowed_endpoints` lists exact (ip, port) pairs let through the SSRF guard even though they
    are private: for tests on loopback and for one trusted local source, nothing broader.
    """

    site_url: str = "http://localhost:8000/"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 4
    allow_private_networks: bool = False
    allowed_endpoints: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    robots_max_bytes: int = 500_000
    robots_ttl: float = 24 * 3600.0
    robots_retry_ttl: float = 600.0

    def __post_init__(self) -> None:
        numbers = (self.connect_timeout, self.read_timeout, self.total_timeout, self.max_body_bytes)
        if min(numbers) <= 0 or self.per_host_concurrency < 1 or self.max_redirects < 0:
            raise ValueError("FetchPolicy needs positive timeouts, sizes and concurrency.")

    @property
    def user_agent(self) -> str:
        return f"Newsdesk/{__version__} (+{self.site_url}; self-hosted news aggregator)"

    def allows(self, ip: IPAddress, port: int) -> bool:
        """The SSRF decision for one address we are about to connect to."""
        if self.allow_private_networks or is_public_address(ip):
            return True
        return (str(ip), port) in self.allowed_endpoints
