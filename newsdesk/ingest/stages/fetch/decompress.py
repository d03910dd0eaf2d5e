"""Reading a body with output limits: gzip, deflate and brotli are decompressed here, step by step, so a
compression bomb is stopped after about the size limit, never inflated in memory."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli
import httpx

from newsdesk.types import FetchError

CHUNK = 64 * 1024


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
