"""The Fetcher: one guarded HTTP GET of a feed or an article page, with hard limits.

Redirects are followed by hand, so each hop is counted, loop-checked and (for pages) checked against
that origin's robots.txt.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import httpx

from newsdesk.core.clock import Clock, utcnow
from newsdesk.ingest.stages.fetch.checks import checked_url, redirect_target
from newsdesk.ingest.stages.fetch.deadline import deadline_passed, request_deadline
from newsdesk.ingest.stages.fetch.decompress import read_body
from newsdesk.ingest.stages.fetch.guard import GuardedTransport, Resolver
from newsdesk.ingest.stages.fetch.headers import (
    new_validators,
    parse_content_type,
    parse_max_age,
    parse_retry_after,
    request_headers,
    status_error,
)
from newsdesk.ingest.stages.fetch.policy import FetchPolicy
from newsdesk.ingest.stages.fetch.robots import RobotsCache, RobotsRules, rules_from_response
from newsdesk.types import FetchError, FetchResult, Validators

FetchKind = Literal["feed", "page"]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class _Hop:
    """One answered request: a result, or where the server redirected us."""

    result: FetchResult | None = None
    location: str | None = None


class _HostSlots:
    """A semaphore per host, shared by every thread using one Fetcher."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}

    @contextlib.contextmanager
    def hold(self, host: str, deadline: float | None = None) -> Iterator[None]:
        """Hold one of `host`'s slots; with a deadline (time.monotonic()), wait for one no longer."""
        with self._lock:
            semaphore = self._semaphores.setdefault(host, threading.BoundedSemaphore(self._limit))
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not semaphore.acquire(timeout=timeout):
            raise FetchError(f"{host} is busy with our other requests; gave up waiting for a turn.")
        try:
            yield
        finally:
            semaphore.release()


class Fetcher:
    """Fetches feeds and pages under a FetchPolicy. Thread-safe; use one per worker process.

    Use as a context manager, so the connection pool is closed at the end. `resolve` replaces
    the system resolver (tests map made-up names to loopback); the SSRF guard still judges
    every address it returns.
    """

    def __init__(
        self, policy: FetchPolicy | None = None, *, clock: Clock = utcnow, resolve: Resolver | None = None
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._clock = clock
        self._slots = _HostSlots(self.policy.per_host_concurrency)
        self._robots = RobotsCache(
            self._load_robots, ttl=self.policy.robots_ttl, retry_ttl=self.policy.robots_retry_ttl
        )
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)
        timeout = httpx.Timeout(
            connect=self.policy.connect_timeout,
            read=self.policy.read_timeout,
            write=self.policy.read_timeout,
            pool=self.policy.total_timeout,
        )
        self._client = httpx.Client(
            transport=GuardedTransport(self.policy, limits, resolve),
            follow_redirects=False,
            trust_env=False,
            timeout=timeout,
            headers={"User-Agent": self.policy.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        kind: FetchKind = "feed",
        deadline: float | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects. Raises FetchError with one plain sentence.

        `kind="page"` obeys robots.txt; feeds do not, as their outlets publish them for readers.
        `deadline` (a time.monotonic() value) bounds the whole fetch: the waits for a turn at the host
        as well as every hop. Without it, each hop has the policy's total timeout once it has its turn.
        """
        if kind not in ("feed", "page"):
            raise ValueError(f"kind must be 'feed' or 'page', not {kind!r}")
        return self._follow(url, validators, kind, self.policy.max_body_bytes, deadline)

    def _follow(
        self, url: str, validators: Validators | None, kind: str, limit: int, deadline: float | None = None
    ) -> FetchResult:
        current = checked_url(url, self.policy)
        seen = {str(current)}
        for _ in range(self.policy.max_redirects + 1):
            if kind == "page":
                self._check_robots(current)
            hop = self._request(current, validators, kind, limit, deadline)
            if hop.result is not None:
                return hop.result
            current = redirect_target(current, hop.location or "", self.policy)
            if str(current) in seen:
                raise FetchError("The address redirects in a loop.")
            seen.add(str(current))
        raise FetchError("Too many redirects.")

    def _request(
        self, url: httpx.URL, validators: Validators | None, kind: str, limit: int, deadline: float | None
    ) -> _Hop:
        headers = request_headers(validators, kind)
        with self._slots.hold(url.host, deadline):
            own = time.monotonic() + self.policy.total_timeout
            token = request_deadline.set(own if deadline is None else min(own, deadline))
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    return self._answer(url, response, validators, limit, truncate=kind == "robots")
            except httpx.HTTPError as exc:
                raise _transport_error(exc, url, self.policy) from exc
            finally:
                request_deadline.reset(token)

    def _answer(
        self,
        url: httpx.URL,
        response: httpx.Response,
        sent: Validators | None,
        limit: int,
        *,
        truncate: bool,
    ) -> _Hop:
        status = response.status_code
        headers = {name.lower(): value for name, value in response.headers.items()}
        retry_after = parse_retry_after(headers.get("retry-after"), self._clock())
        if status in REDIRECT_STATUSES and headers.get("location"):
            return _Hop(location=headers["location"])
        if status != 304 and status >= 300:
            raise status_error(status, retry_after)
        content = b"" if status == 304 else read_body(response, limit, truncate=truncate)
        media_type, charset = parse_content_type(headers.get("content-type"))
        return _Hop(
            result=FetchResult(
                url=str(url),
                status=status,
                content=content,
                headers=headers,
                not_modified=status == 304,
                validators=new_validators(headers, sent if status == 304 else None),
                max_age=parse_max_age(headers.get("cache-control")),
                retry_after=retry_after,
                content_type=media_type,
                charset=charset,
            )
        )

    def _check_robots(self, url: httpx.URL) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        rules = self._robots.rules_for(origin)
        if rules.allows(str(url)):
            return
        if rules.temporary:
            raise FetchError(
                f"robots.txt could not be read (the server answered {rules.status}), "
                "so pages of this site are not fetched for now."
            )
        raise FetchError("robots.txt disallows fetching this page.", permanent=True)

    def _load_robots(self, origin: str) -> RobotsRules:
        """Fetch robots.txt through the same guarded client; no answer at all means "allow"."""
        try:
            result = self._follow(f"{origin}/robots.txt", None, "robots", self.policy.robots_max_bytes)
        except FetchError as exc:
            return rules_from_response(exc.status)
        return rules_from_response(result.status, result.content)


def seconds(n: float) -> str:
    """1 -> "1 second", 20 -> "20 seconds", 0.5 -> "0.5 seconds"."""
    return f"{n:g} second" if n == 1 else f"{n:g} seconds"


def _transport_error(exc: httpx.HTTPError, url: httpx.URL, policy: FetchPolicy) -> FetchError:
    """One plain sentence for what went wrong below HTTP."""
    host = url.host
    if isinstance(exc, httpx.TimeoutException) and deadline_passed():
        return FetchError(f"The server took longer than {seconds(policy.total_timeout)} to answer.")
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(f"Could not connect to {host} within {seconds(policy.connect_timeout)}.")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"The connection timed out after {seconds(policy.read_timeout)}.")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"Could not connect to {host}{_os_reason(exc)}.")
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(f"{host} sent a response that is not valid HTTP.")
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return FetchError(f"The connection to {host} broke off{_os_reason(exc)}.")
    return FetchError(f"The request to {host} failed ({type(exc).__name__}).")


def _os_reason(exc: BaseException) -> str:
    """ ": connection refused" from the OSError under an httpx error, if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return ": its TLS certificate could not be verified"
        if isinstance(seen, OSError) and seen.strerror:
            return f": {seen.strerror.lower()}"
        seen = seen.__cause__ or seen.__context__
    return ""
