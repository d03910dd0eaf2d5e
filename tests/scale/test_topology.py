"""nginx in front of two web processes, two workers, two schedulers (one active), PostgreSQL and Redis,
and a loopback farm of a few hundred feeds: every item is stored once, no source is refreshed twice
(let alone twice at once), and a Live News reader on each web process gets every event."""

from __future__ import annotations

import json
import os

import pytest

from newsdesk.articles.models import Article
from tests.support.sse import SSEClient

from .cluster import Cluster, add_sources, drain, wait_until
from .farm import Farm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

OUTLETS = int(os.environ.get("NEWSDESK_TEST_FARM_OUTLETS", "200"))
ITEMS = 2


def test_two_of_everything_behind_nginx() -> None:
    with Farm(OUTLETS, ITEMS) as farm, Cluster() as cluster:
        cluster.web()
        cluster.web()
        cluster.wait_for_webs()
        base = cluster.start_nginx()
        readers = [SSEClient(f"http://127.0.0.1:{port}/live/stream") for _, port in cluster.webs]
        try:
            add_sources(farm)
            for _ in range(2):
                cluster.worker()
                cluster.scheduler()
            expected = OUTLETS * ITEMS
            wait_until(lambda: Article.objects.count() >= expected, 400, "every item stored", cluster)

            # Every item once; no duplicate in the table.
            titles = list(Article.objects.values_list("title", flat=True))
            assert len(titles) == expected
            assert set(titles) == farm.titles()
            # Each feed read once, each page fetched once: no source refreshed twice, so never twice at once.
            assert set(farm.feed_reads().values()) == {1}
            assert set(farm.page_reads().values()) == {1}
            assert len(farm.page_reads()) == expected
            # A Live News reader on each web process got every story, once.
            for reader in readers:
                got = [json.loads(e.data)["title"] for e in drain(reader, expected, 20.0)]
                assert len(got) == expected
                assert set(got) == farm.titles()
            # The site answers through nginx.
            import urllib.request

            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                assert json.loads(response.read())["status"] == "ok"
            # Exactly one scheduler was active.
            active = [p for p in cluster.procs if "now the active one" in p.output()]
            assert len(active) == 1, cluster.logs()
        finally:
            for reader in readers:
                reader.close()
