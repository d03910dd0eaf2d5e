"""The web server keeps the objects that live as long as the process out of the garbage collector's
sight (newsdesk.live.server.app): once Django is set up, and again after its first pages."""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, field

import pytest

from newsdesk.live.server import app as server_app

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Scope:
    """What granian's RSGI scope gives the bridge for a plain GET."""

    path: str
    method: str = "GET"
    query_string: str = ""
    server: str = "127.0.0.1:8000"
    client: str = "127.0.0.1:50000"
    scheme: str = "http"
    http_version: str = "1.1"
    headers: dict[str, str] = field(default_factory=lambda: {"host": "127.0.0.1:8000"})


class Answer:
    def __init__(self) -> None:
        self.status = 0
        self.body = b""

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.body = status, body


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_setting_up_freezes_the_heap(unfrozen) -> None:
    assert gc.get_freeze_count() == 0
    application = server_app.Application(threads=1)
    application.setup()
    try:
        assert gc.get_freeze_count() > 10_000  # Django and our modules, at least
    finally:
        application._django.close()


def test_the_first_pages_freeze_it_again(unfrozen, monkeypatch) -> None:
    monkeypatch.setattr(server_app, "FREEZE_AGAIN_AFTER", 3)
    application = server_app.Application(threads=1)
    application.setup()
    gc.unfreeze()
    try:
        counts = []
        for _ in range(5):
            answer = Answer()
            asyncio.run(application.__rsgi__(Scope("/robots.txt"), answer))
            assert answer.status == 200
            assert b"Sitemap" in answer.body
            counts.append(gc.get_freeze_count())
            gc.unfreeze()  # so that each count shows what that request froze, if anything
        assert [count > 0 for count in counts] == [False, False, True, False, False]
    finally:
        application._django.close()
