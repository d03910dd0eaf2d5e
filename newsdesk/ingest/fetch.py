"""The fetch stage: one guarded HTTP GET of a feed or an article page, with hard limits.

Why it is built this way:
- Every TCP connection goes through `GuardedBackend`, plugged into httpcore's pool. It resolves
  the name itself, refuses private addresses (netguard.py) and connects to the very address it
  checked, so DNS rebinding and redirects to internal hosts are stopped where it matters.
- Redirects are followed by hand, so each hop is counted, loop-checked and (for pages) checked
  against that origin's robots.txt.
- The body is read raw and decompressed here with output limits, so a gzip or brotli bomb is
  stopped after about `max_body_bytes`, never inflated in memory.
- A deadline per request bounds every socket operation, so a server that drips one byte a
  second cannot hold a worker beyond `total_timeout`.
"""

from __future__ import annotations

import contextlib
import math
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from ipaddress import ip_address
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import brotli
import httpcore
import httpx

from newsdesk import __version__
from newsdesk.core.clock import Clock, utcnow
from newsdesk.ingest.netguard import (
    IPAddress,
    describe_refusal,
    is_local_name,
    is_public_address,
    parse_host_address,
)
from newsdesk.ingest.robots import RobotsCache, RobotsRules, rules_from_response
from newsdesk.ingest.types import BlockedAddress, FetchError, FetchResult, Validators

FetchKind = Literal["feed", "page"]
# Name -> addresses. The system resolver by default; tests pass a table, as no test may use DNS.
Resolver = Callable[[str, int], list[IPAddress]]

ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
    "robots": "text/plain, */*;q=0.8",
}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_STATUSES = frozenset({404, 410})
CHUNK = 64 * 1024


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
    per_host_concurrency: int = 2
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


# ---- the deadline: one per request, read by every socket operation ------------------------

_deadline: ContextVar[float | None] = ContextVar("newsdesk_fetch_deadline", default=None)


def _bounded(timeout: float | None) -> float | None:
    """Shorten a socket timeout so that it ends by the current request's deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("The request's total time ran out.")
    return remaining if timeout is None else min(timeout, remaining)


def _deadline_passed() -> bool:
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline - 0.01


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# ---- the SSRF guard at connect time ------------------------------------------------------


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
                    str(ip), port, _bounded(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
                continue
            return _DeadlineStream(stream)
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


class _GuardedTransport(httpx.HTTPTransport):
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


# ---- decompression with output limits ----------------------------------------------------


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data


class _Zlib:
    """gzip or deflate, never producing more than CHUNK bytes per step.

    For deflate we try the zlib wrapper first and fall back to a raw stream, as browsers do,
    because servers send both under that name.
    """

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._obj = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the output of `data`, asking again while zlib may hold some back."""
        pending = data
        while not self._obj.eof:
            out = self._step(pending)
            pending = self._obj.unconsumed_tail
            yield out
            if not pending and len(out) < CHUNK:
                return

    def _step(self, data: bytes) -> bytes:
        try:
            return self._obj.decompress(data, CHUNK)
        except zlib.error:
            if self._started or not self._raw_fallback:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._obj.decompress(data, CHUNK)
        finally:
            self._started = True


class _Brotli:
    """brotli >= 1.2 can stop at an output limit and hand out the rest on later calls."""

    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj.is_finished():
            return
        yield self._obj.process(data, output_buffer_limit=CHUNK)
        while not self._obj.can_accept_more_data():
            yield self._obj.process(b"", output_buffer_limit=CHUNK)


def _decoders(content_encoding: str | None) -> list[_Decoder]:
    """The decoders to apply, in order, for a Content-Encoding header (e.g. "gzip", "gzip, br")."""
    names = [name.strip().lower() for name in (content_encoding or "").split(",") if name.strip()]
    chain: list[_Decoder] = []
    for name in reversed(names):
        if name in ("gzip", "x-gzip"):
            chain.append(_Zlib(16 + zlib.MAX_WBITS))
        elif name == "deflate":
            chain.append(_Zlib(zlib.MAX_WBITS, raw_fallback=True))
        elif name == "br":
            chain.append(_Brotli())
        elif name != "identity":
            raise FetchError(f"The server used a compression we did not ask for ({name}).")
    return chain or [_Identity()]


def _decode(chain: list[_Decoder], data: bytes) -> Iterator[bytes]:
    pieces: Iterable[bytes] = [data]
    for decoder in chain:
        pieces = _through(decoder, pieces)
    return iter(pieces)


def _through(decoder: _Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


def human_size(n: int) -> str:
    """10_000_000 -> "10 MB"; decimal units, as people read them."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def seconds(n: float) -> str:
    """1 -> "1 second", 20 -> "20 seconds", 0.5 -> "0.5 seconds"."""
    return f"{n:g} second" if n == 1 else f"{n:g} seconds"


def read_body(response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
    """The decoded body, at most `limit` bytes both on the wire and after decompression.

    Over the limit we raise, or with `truncate` return the first `limit` bytes (robots.txt).
    """
    too_large = FetchError(f"The response is larger than {human_size(limit)}.", status=response.status_code)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise too_large
    chain = _decoders(response.headers.get("content-encoding"))
    body = bytearray()
    wire = 0
    try:
        for raw in response.iter_raw(CHUNK):
            wire += len(raw)
            if wire > limit and not truncate:
                raise too_large
            for piece in _decode(chain, raw):
                body += piece
                if len(body) > limit or wire > limit:
                    if truncate:
                        return bytes(body[:limit])
                    raise too_large
    except (zlib.error, brotli.error) as exc:
        raise FetchError("The server sent damaged compressed data.", status=response.status_code) from exc
    return bytes(body)


# ---- headers -----------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Retry-After as seconds from `now`: either delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - now).total_seconds()))


def parse_max_age(cache_control: str | None) -> int | None:
    """The max-age directive of a Cache-Control header, in seconds."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        value = value.strip().strip('"')
        if name.strip().lower() == "max-age" and value.isascii() and value.isdigit():
            return int(value)
    return None


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type in lower case, charset) from a Content-Type header."""
    if not value:
        return None, None
    media_type = value.split(";", 1)[0].strip().lower()
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return (media_type if "/" in media_type else None), (charset if isinstance(charset, str) else None)


def _status_error(status: int, retry_after: int | None) -> FetchError:
    try:
        sentence = f"The server answered {status} {HTTPStatus(status).phrase}."
    except ValueError:
        sentence = f"The server answered with status {status}."
    return FetchError(
        sentence, status=status, retry_after=retry_after, permanent=status in PERMANENT_STATUSES
    )


# ---- the fetcher -------------------------------------------------------------------------


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
    def hold(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._semaphores.setdefault(host, threading.BoundedSemaphore(self._limit))
        with semaphore:
            yield


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
            transport=_GuardedTransport(self.policy, limits, resolve),
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
        self, url: str, *, validators: Validators | None = None, kind: FetchKind = "feed"
    ) -> FetchResult:
        """GET `url`, following redirects. Raises FetchError with one plain sentence.

        `kind="page"` obeys robots.txt; feeds do not, as their outlets publish them for readers.
        """
        if kind not in ("feed", "page"):
            raise ValueError(f"kind must be 'feed' or 'page', not {kind!r}")
        return self._follow(url, validators, kind, self.policy.max_body_bytes)

    def _follow(self, url: str, validators: Validators | None, kind: str, limit: int) -> FetchResult:
        current = _checked_url(url, self.policy)
        seen = {str(current)}
        for _ in range(self.policy.max_redirects + 1):
            if kind == "page":
                self._check_robots(current)
            hop = self._request(current, validators, kind, limit)
            if hop.result is not None:
                return hop.result
            current = _redirect_target(current, hop.location or "", self.policy)
            if str(current) in seen:
                raise FetchError("The address redirects in a loop.")
            seen.add(str(current))
        raise FetchError("Too many redirects.")

    def _request(self, url: httpx.URL, validators: Validators | None, kind: str, limit: int) -> _Hop:
        headers = _request_headers(validators, kind)
        with self._slots.hold(url.host):
            token = _deadline.set(time.monotonic() + self.policy.total_timeout)
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    return self._answer(url, response, validators, limit, truncate=kind == "robots")
            except httpx.HTTPError as exc:
                raise _transport_error(exc, url, self.policy) from exc
            finally:
                _deadline.reset(token)

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
            raise _status_error(status, retry_after)
        content = b"" if status == 304 else read_body(response, limit, truncate=truncate)
        media_type, charset = parse_content_type(headers.get("content-type"))
        return _Hop(
            result=FetchResult(
                url=str(url),
                status=status,
                content=content,
                headers=headers,
                not_modified=status == 304,
                validators=_new_validators(headers, sent if status == 304 else None),
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


def _request_headers(validators: Validators | None, kind: str) -> dict[str, str]:
    headers = {"Accept": ACCEPT[kind], "Accept-Encoding": "gzip, deflate, br"}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _new_validators(headers: dict[str, str], previous: Validators | None) -> Validators:
    """The validators to send next time; a 304 may omit them, then the old ones still hold."""
    old = previous or Validators()
    return Validators(
        etag=headers.get("etag") or old.etag,
        last_modified=headers.get("last-modified") or old.last_modified,
    )


def _checked_url(url: str, policy: FetchPolicy) -> httpx.URL:
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


def _redirect_target(current: httpx.URL, location: str, policy: FetchPolicy) -> httpx.URL:
    """Resolve a Location header against the URL that sent it, checked like a fresh URL."""
    try:
        target = current.join(location.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("The server redirected to an address that is not valid.") from exc
    if target.scheme not in ("http", "https"):
        raise FetchError("The server redirected to an address that is not http or https.", permanent=True)
    return _checked_url(str(target), policy)


def _transport_error(exc: httpx.HTTPError, url: httpx.URL, policy: FetchPolicy) -> FetchError:
    """One plain sentence for what went wrong below HTTP."""
    host = url.host
    if isinstance(exc, httpx.TimeoutException) and _deadline_passed():
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
