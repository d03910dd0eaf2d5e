"""A real demo server on loopback, shared by the tests of one module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from newsdesk.core.clock import FrozenClock
from newsdesk_demo.server import DemoServer

START = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="module")
def client(demo: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def frozen(clock: FrozenClock) -> Iterator[tuple[DemoServer, httpx.Client]]:
    """A server whose clock the test moves by hand, dripping one story a minute."""
    with DemoServer(drip_seconds=60, clock=clock) as server, httpx.Client(base_url=server.base_url) as http:
        yield server, http
