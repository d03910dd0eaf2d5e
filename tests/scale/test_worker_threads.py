"""`newsdesk worker --threads N` on the database backend: one worker process runs tasks at once, and
each task row is run by one thread only."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from newsdesk.articles.models import Article
from newsdesk.sources.models import Source

from .cluster import Cluster, add_sources, wait_until
from .farm import Farm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_one_worker_with_two_threads_runs_two_refreshes_at_once() -> None:
    with Farm(4, 4) as farm, Cluster(NEWSDESK_TASK_BACKEND="database") as cluster:
        for outlet in farm.items:
            farm.slow[outlet] = 0.5  # each refresh takes about 2 s: long enough to overlap
        ids = add_sources(farm)
        worker = cluster.worker(threads=2)
        cluster.scheduler()

        # Two sources' leases held at the same moment, both by this one worker process, by two threads.
        owners: set[str] = set()

        def two_at_once() -> bool:
            held = list(
                Source.objects.filter(pk__in=ids, lease_until__isnull=False).values_list(
                    "lease_owner", flat=True
                )
            )
            if len(held) >= 2:
                owners.update(held)
                return True
            return False

        wait_until(two_at_once, 60, "two refreshes at once", cluster)
        pids = {owner.split(":")[1] for owner in owners}
        assert pids == {str(worker.pid)}, owners
        threads = {owner.split(":")[2].split("/")[0] for owner in owners}
        assert len(threads) >= 2, owners

        wait_until(lambda: Article.objects.count() >= sum(farm.items.values()), 90, "every item", cluster)
        titles = list(Article.objects.values_list("title", flat=True))
        assert len(titles) == len(set(titles)), "an item was stored twice"
        assert set(titles) == farm.titles()
        assert max(farm.page_reads().values()) == 1, "a page was fetched twice"
        # Every task row ran once and finished; none is left running.
        wait_until(lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(), 30, "no RUNNING row")
        assert not DBTaskResult.objects.filter(status="FAILED").exists()
