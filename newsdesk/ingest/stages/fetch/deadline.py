"""The deadline: one per request, read by every socket operation, so that a server dripping one byte a
second cannot hold a worker beyond the policy's total time."""

from __future__ import annotations

import ssl
import time
from contextvars import ContextVar
from typing import Any

import httpcore

request_deadline: ContextVar[float | None] = ContextVar("newsdesk_fetch_deadline", default=None)


def bounded(timeout: float | None) -> float | None:
    """Shorten a socket timeout so that it ends by the current request's deadline."""
    deadline = request_deadline.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpcore.ReadTimeout("The request's total time ran out.")
    return remaining if timeout is None else min(timeout, remaining)


def deadline_passed() -> bool:
    deadline = request_deadline.get()
    return deadline is not None and time.monotonic() >= deadline - 0.01


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
