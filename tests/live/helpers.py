"""Shared helpers for the Live News tests: articles stored through the real action, and a web server
(granian serving newsdesk.live.server, as `newsdesk run` does) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from itertools import count

from django.utils import timezone

from newsdesk.articles.actions import do_store_article
from newsdesk.articles.models import Article
from newsdesk.cli.run import web_server_command
from newsdesk.sources.models import Source
from newsdesk.types import ArticleDraft
from tests.support.cli import cli_env
from tests.support.net import answers, free_port, wait_for

_serial = count(1)


def make_source(name: str = "Harbour Gazette") -> Source:
    return Source.objects.create(url=f"http://127.0.0.1:9/{name.lower().replace(' ', '-')}.xml", name=name)


def draft(
    source: Source,
    title: str,
    *,
    status: str = "published",
    published: datetime | None = None,
    categories: list[str] | None = None,
) -> ArticleDraft:
    n = next(_serial)
    return ArticleDraft(
        source_id=source.pk, url=f"http://127.0.0.1:9/story/{n}", link="", guid=f"g{n}", fingerprint=f"f{n}",
        content_hash=f"h{n}", title=title, published=published or timezone.now(), authors=["Ana Ruiz"],
        excerpt=f"What happened in “{title}”, in a few words…", text="Body.", categories=categories or [],
        status=status, flags=[],
    )  # fmt: skip


def store(source: Source, title: str, **kwargs) -> Article:
    """Store an article the way the pipeline does (one transaction, article_stored on commit)."""
    _outcome, article_id = do_store_article(draft(source, title, **kwargs))
    assert article_id is not None
    return Article.objects.get(pk=article_id)


class WebServer:
    """`newsdesk run`'s web server alone, against the test database."""

    def __init__(self, *, max_streams: int = 50, extra_env: dict[str, str] | None = None, **env: str) -> None:
        env.update(extra_env or {})
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        env.setdefault("NEWSDESK_LIVE_MAX_STREAMS", str(max_streams))
        # Test readers all come from loopback: one address may hold all but one slot.
        env.setdefault("NEWSDESK_LIVE_MAX_STREAMS_PER_ADDRESS", "0")
        self.process = subprocess.Popen(
            web_server_command("127.0.0.1", self.port, max_streams),
            env=cli_env(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_for(lambda: answers(self.base + "/robots.txt"), timeout=30):
            self.stop()
            raise RuntimeError(f"the web server did not come up:\n{self.output()}")

    def url(self, path: str) -> str:
        return self.base + path

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> float:
        """SIGTERM to the server's process group; returns how long it took to exit."""
        started = time.monotonic()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return time.monotonic() - started

    def __enter__(self) -> WebServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.close()


@contextlib.contextmanager
def web_server(**kwargs) -> Iterator[WebServer]:
    with WebServer(**kwargs) as server:
        yield server
