"""Small factories for sources, articles and topics (synthetic content, our own words)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source

_counter = itertools.count(1)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def make_source(name: str = "", **fields: Any) -> Source:
    n = next(_counter)
    fields.setdefault("url", f"http://outlet-{n}.test/feed.xml")
    fields.setdefault("site_url", f"http://outlet-{n}.test/")
    return Source.objects.create(name=name or f"Outlet {n}", **fields)


def make_article(source: Source | None = None, **fields: Any) -> Article:
    n = next(_counter)
    source = source or make_source()
    fields.setdefault("url", f"{source.site_url}story/{n}")
    fields.setdefault("title", f"Story number {n}")
    fields.setdefault("published", NOW - timedelta(hours=n % 48))
    fields.setdefault("text", "A quiet day in a small town, told in a few plain sentences.")
    fields.setdefault("excerpt", fields["text"][:120])
    return Article.objects.create(source=source, **fields)
