"""Asking a hub to subscribe or unsubscribe: one form POST through the ingest fetcher's SSRF guard.

The hub's address comes from a feed, so from a stranger: it is checked like any URL we fetch, and the
connection goes to the very address the guard approved. No redirects are followed.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx

from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch.checks import checked_url
from newsdesk.ingest.stages.fetch.deadline import request_deadline
from newsdesk.ingest.stages.fetch.guard import GuardedTransport
from newsdesk.ingest.stages.fetch.netguard import is_local_name, is_public_address, parse_host_address
from newsdesk.types import FetchError

MAX_ANSWER = 2000  # bytes of a hub's answer kept, for the error message


def post_form(url: str, data: dict[str, str]) -> tuple[int, str]:
    """POST `data` form-encoded to `url`; (status, the start of the answer's text). FetchError with
    one plain sentence when the hub cannot be reached."""
    policy = fetch_policy()
    target = checked_url(url, policy)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=0)
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    transport = GuardedTransport(policy, limits, None)
    with httpx.Client(
        transport=transport, follow_redirects=False, trust_env=False, timeout=timeout,
        headers={"User-Agent": policy.user_agent},
    ) as client:  # fmt: skip
        token = request_deadline.set(time.monotonic() + policy.total_timeout)
        try:
            with client.stream("POST", target, data=data) as response:
                head = b""
                for chunk in response.iter_bytes():
                    head += chunk
                    if len(head) >= MAX_ANSWER:
                        break
                return response.status_code, head[:MAX_ANSWER].decode("utf-8", errors="replace")
        except httpx.HTTPError as exc:
            raise FetchError(f"Could not reach the hub at {target.host} ({type(exc).__name__}).") from exc
        finally:
            request_deadline.reset(token)


def unreachable_callback(site_url: str, hub_url: str) -> str | None:
    """A sentence when the hub cannot possibly call us back: our address (NEWSDESK_SITE_URL) is on this
    machine or a private network and the hub is not. None when it may."""
    if _is_local(site_url) and not _is_local(hub_url):
        return (
            f"NEWSDESK_SITE_URL ({site_url}) is not reachable from the hub: set it to the site's public "
            "address to receive pushes."
        )
    return None


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    literal = parse_host_address(host)
    return is_local_name(host) if literal is None else not is_public_address(literal)
