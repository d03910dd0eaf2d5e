"""URL checks before any request: the scheme, the host's form, literal private addresses, and each
redirect's target, checked like a fresh URL. The real SSRF guard runs at connect time (guard.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from newsdesk.ingest.stages.fetch.netguard import describe_refusal, parse_host_address
from newsdesk.ingest.stages.fetch.policy import FetchPolicy
from newsdesk.types import BlockedAddress, FetchError


def checked_url(url: str, policy: FetchPolicy) -> httpx.URL:
    """Parse `url` and refuse what we never fetch: other schemes, odd hosts, literal private IPs.

    The literal check here only gives a clear sentence early (and covers forms such as
    "0177.0.0.1" that httpx rejects outright); the real guard runs at connect time.
    """
    text = url.strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError as exc:
        raise FetchError("The address is not a valid web address.", permanent=True) from exc
    if not scheme:
        raise FetchError("The address must start with http:// or https://.", permanent=True)
    if scheme not in ("http", "https"):
        raise FetchError(f"Only http and https addresses can be fetched, not {scheme}: ones.", permanent=True)
    host = _authority_host(text)
    literal = parse_host_address(host) if host else None
    if literal is not None and not policy.allow_private_networks:
        refusal = describe_refusal(host, literal)
        if refusal is not None and (str(literal), _port_of(text, scheme)) not in policy.allowed_endpoints:
            raise BlockedAddress(refusal)
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("The address is not a valid web address.", permanent=True) from exc
    if not parsed.host or not _plain_host(parsed):
        raise FetchError("The address is not a valid web address.", permanent=True)
    return parsed.copy_with(fragment=None)


def _authority_host(url: str) -> str:
    """The host part of an http(s) URL, taken from the text before any parser normalises it."""
    authority = url.partition("//")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        return hostport.partition("]")[0] + "]"
    return hostport.partition(":")[0]


def _port_of(url: str, scheme: str) -> int:
    authority = url.partition("//")[2].split("/", 1)[0].rpartition("@")[2]
    port = authority.rpartition("]")[2] if authority.startswith("[") else authority
    digits = port.rpartition(":")[2] if ":" in port else ""
    return int(digits) if digits.isdigit() else (443 if scheme == "https" else 80)


def _plain_host(url: httpx.URL) -> bool:
    """Hosts we pass to the resolver: IP literals or letters, digits, '-', '_' and '.'."""
    host = url.raw_host.decode("ascii", errors="replace")
    if ":" in host:
        return parse_host_address(host) is not None
    return all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in host)


def redirect_target(current: httpx.URL, location: str, policy: FetchPolicy) -> httpx.URL:
    """Resolve a Location header against the URL that sent it, checked like a fresh URL."""
    try:
        target = current.join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("The server redirected to an address that is not valid.") from exc
    if target.scheme not in ("http", "https"):
        raise FetchError("The server redirected to an address that is not http or https.", permanent=True)
    return checked_url(str(target), policy)
