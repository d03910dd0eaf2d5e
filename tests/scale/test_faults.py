"""Faults, each its own test, each showing that nothing is lost and nothing is stored twice: a worker
killed mid-job (RQ, and the database backend), the active scheduler killed, a web process killed,
Redis restarted empty, and PostgreSQL's connections dropped."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from rq import Queue

from newsdesk.articles.models import Article
from newsdesk.core import counters
from newsdesk.core.models import Heartbeat
from newsdesk.ingest.scheduler import chunks
from newsdesk.sources.models import Source
from tests.support.sse import SSEClient

from .cluster import Cluster, Proc, add_sources, drain, wait_until
from .farm import Farm

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def stored_once(farm: Farm) -> None:
    titles = list(Article.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)), "an item was stored twice"
    assert set(titles) == farm.titles(), "an item is missing"


def all_stored(farm: Farm) -> bool:
    return Article.objects.count() >= sum(farm.items.values())


def settled(farm: Farm) -> bool:
    """Every item stored and every check finished: no source leased or waiting in the queue. A worker
    stores a source's items before it finishes the check (live events, the check's record, the lease)."""
    busy = Source.objects.filter(Q(lease_until__isnull=False) | Q(queued_at__isnull=False))
    return all_stored(farm) and not busy.exists()


def make_due() -> None:
    Source.objects.update(next_check_at=timezone.now())


def holder_of(source_id: int, procs: list[Proc]) -> Proc:
    """The process (group) whose worker holds the source's lease: its owner is host:pid:thread/job."""
    owner = Source.objects.values_list("lease_owner", flat=True).get(pk=source_id)
    pid = int(owner.split(":")[1])  # host:pid:thread/job; RQ's work-horse is a child of its worker
    while pid > 1:
        for proc in procs:
            if pid == proc.pid:
                return proc
        pid = parent_of(pid)
    raise AssertionError(f"no worker holds source {source_id} ({owner!r})")


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def in_the_middle(farm: Farm, slow_source: int) -> None:
    """Wait until the slow source is being fetched and some (not all) of its items are stored."""
    wait_until(
        lambda: (
            0 < Article.objects.filter(source_id=slow_source).count() < farm.items[0]
            and Source.objects.get(pk=slow_source).lease_until is not None
        ),
        60,
        "the slow source half-way",
    )


@pytest.mark.parametrize("backend", ["rq", "database"])
def test_a_worker_killed_mid_job(backend: str) -> None:
    with Farm(8, 2) as farm, Cluster(NEWSDESK_TASK_BACKEND=backend) as cluster:
        farm.items[0] = 8
        farm.slow[0] = 0.6  # outlet 0's refresh takes about 5 s: long enough to be cut off
        ids = add_sources(farm)
        workers = [cluster.worker(), cluster.worker()]
        cluster.scheduler()
        in_the_middle(farm, ids[0])
        victim = holder_of(ids[0], workers)
        victim.kill(signal.SIGKILL)
        killed_at = time.monotonic()
        assert Source.objects.get(pk=ids[0]).state(timezone.now()) == "fetching"

        wait_until(lambda: all_stored(farm), 90, "the killed worker's source refreshed again", cluster)
        # Within the lease (6 s here) and a tick: not the 15 minutes of a stale mark.
        assert time.monotonic() - killed_at < 60
        stored_once(farm)
        # Once the refresh has recorded its success, the source looks healthy again.
        try:
            wait_until(
                lambda: Source.objects.get(pk=ids[0]).state(timezone.now()) == "ok",
                30,
                "the source ok",
                cluster,
            )
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}\nits row: {Source.objects.filter(pk=ids[0]).values().get()!r}, now {timezone.now()}"
            ) from None
        # The page in flight was read again at most; the stored ones were not.
        assert max(farm.page_reads().values()) <= 2
        if backend == "database":
            from django_tasks_db.models import DBTaskResult

            # The dead worker's row went back to the queue; no row is left RUNNING.
            wait_until(
                lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(), 30, "no RUNNING row"
            )
            assert counters.value("tasks.requeued") >= 1
        else:
            assert counters.value("sources.requeued_after_lease") + counters.value("tasks.requeued") >= 1


def test_a_killed_work_horse_is_retried_by_rq() -> None:
    """RQ's own path: only the work-horse dies; RQ fails the job and retries it (our queue gives every
    job retries), while the worker lives on."""
    with Farm(4, 2) as farm, Cluster(NEWSDESK_LEASE_SECONDS="60") as cluster:
        farm.items[0] = 8
        farm.slow[0] = 0.6
        ids = add_sources(farm)
        worker = cluster.worker()
        cluster.scheduler()
        in_the_middle(farm, ids[0])
        owner = Source.objects.values_list("lease_owner", flat=True).get(pk=ids[0])
        horse = int(owner.split(":")[1])
        assert horse != worker.pid
        os.kill(horse, signal.SIGKILL)
        killed_at = time.monotonic()
        # The dead horse's lease (60 s here) names its job: RQ's retry (5 s later) is that job, and takes
        # the lease over at once instead of waiting for it to run out.
        wait_until(lambda: all_stored(farm), 60, "the source refreshed by the retry", cluster)
        assert time.monotonic() - killed_at < 40
        stored_once(farm)
        assert worker.process.poll() is None, "the worker itself survived"


def test_the_active_scheduler_killed_the_standby_takes_over() -> None:
    with Farm(30, 2) as farm, Cluster() as cluster:
        add_sources(farm)
        Source.objects.update(next_check_at=timezone.now() + timedelta(days=1))
        first, second = cluster.scheduler(), cluster.scheduler()
        wait_until(
            lambda: "now the active one" in first.output() + second.output(),
            30,
            "an active scheduler",
            cluster,
        )
        active, standby = (first, second) if "now the active one" in first.output() else (second, first)
        active.kill(signal.SIGKILL)
        killed_at = time.monotonic()
        wait_until(lambda: "now the active one" in standby.output(), 10, "the standby taking over", cluster)
        assert time.monotonic() - killed_at < 3  # the tick is 1 s here
        cluster.worker()
        make_due()
        wait_until(lambda: all_stored(farm), 90, "every item stored", cluster)
        stored_once(farm)
        assert set(farm.feed_reads().values()) == {1}
        # Enqueued once each: RQ ran exactly one job per chunk of sources, none failed.
        jobs = len(chunks(list(range(30)), 25))
        queue = Queue("default", connection=redis.Redis.from_url(cluster.redis_url))
        wait_until(lambda: queue.finished_job_registry.count >= jobs, 10, "the jobs finished")
        assert queue.finished_job_registry.count == jobs
        assert queue.failed_job_registry.count == 0


def test_a_web_process_killed_nginx_serves_from_the_other() -> None:
    with Cluster() as cluster:
        (one, _), (_two, _) = cluster.web(), cluster.web()
        cluster.wait_for_webs()
        base = cluster.start_nginx()
        assert {get(base + "/readyz") for _ in range(10)} == {200}
        one.kill(signal.SIGKILL)
        statuses = [get(base + path) for _ in range(15) for path in ("/readyz", "/", "/sources/")]
        assert set(statuses) == {200}, f"{statuses}\n{cluster.logs()}"


def test_redis_restarted_empty_everything_recovers() -> None:
    with Farm(20, 1) as farm, Cluster(private_redis=True, NEWSDESK_QUEUED_STALE_SECONDS="8") as cluster:
        assert cluster.private_redis is not None
        ids = add_sources(farm)
        _, port = cluster.web()
        cluster.wait_for_webs()
        stream = f"http://127.0.0.1:{port}/live/stream"
        with SSEClient(stream) as reader:
            cluster.scheduler()
            worker = cluster.worker()
            wait_until(lambda: all_stored(farm), 60, "the first round", cluster)
            first = drain(reader, 20, 15)
            assert len(first) == 20
            last_seen_id = first[-1].id

            # No worker for a moment: the next round waits in Redis, and Redis dies with it.
            worker.stop()
            for outlet in farm.items:
                farm.items[outlet] = 2
            make_due()
            queue = Queue("default", connection=redis.Redis.from_url(cluster.redis_url))
            jobs = len(chunks(ids, 25))  # the 20 sources in chunks
            wait_until(lambda: queue.count >= jobs, 20, "the round queued in Redis", cluster)
            cluster.private_redis.kill()
            time.sleep(2)  # the scheduler, the web process and Live News see Redis gone
            cluster.private_redis.start()  # empty: the queued round is lost
            assert queue.count == 0
            cluster.worker()
            # The sources still marked queued are queued again, and every story arrives, once.
            wait_until(lambda: all_stored(farm), 90, "the lost round queued again", cluster)
            stored_once(farm)
            assert sorted(Source.objects.values_list("pk", flat=True)) == ids
            # The reader that stayed connected gets the new stories.
            later = drain(reader, 20, 30)
            assert {json.loads(e.data)["title"] for e in later} == farm.titles() - {
                json.loads(e.data)["title"] for e in first
            }
        # A reader that was away during the gap gets it replayed from the database's event log.
        with SSEClient(stream, last_event_id=last_seen_id) as returning:
            replay = drain(returning, 20, 15)
            assert [json.loads(e.data)["title"] for e in replay] == [
                json.loads(e.data)["title"] for e in later
            ]


def test_dropped_database_connections_every_process_reconnects() -> None:
    with Farm(10, 1) as farm, Cluster() as cluster:
        add_sources(farm)
        _, port = cluster.web()
        cluster.wait_for_webs()
        cluster.worker()
        cluster.scheduler()
        cluster.scheduler()
        # The drop comes between rounds: a check it cut short would be recorded as failed, its next
        # check put off by the error's back-off, after make_due() below.
        wait_until(lambda: settled(farm), 60, "the first round", cluster)
        wait_until(
            lambda: set(Heartbeat.objects.values_list("role", flat=True)) == {"web", "worker", "scheduler"},
            20,
            "a heartbeat from each role",
        )

        dropped_at = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            (terminated,) = cursor.fetchone()
        assert terminated >= 3  # the scheduler's lock, at least, and the heartbeats of the others

        for outlet in farm.items:
            farm.items[outlet] = 2
        make_due()
        # Settled, not only stored: a worker still publishing holds the live events' advisory lock,
        # which the count of the scheduler's lock below would see.
        wait_until(lambda: settled(farm), 60, "a round after the drop", cluster)
        stored_once(farm)
        assert get(f"http://127.0.0.1:{port}/readyz") == 200
        wait_until(
            lambda: (
                set(
                    Heartbeat.objects.filter(seen_at__gt=dropped_at + timedelta(seconds=1)).values_list(
                        "role", flat=True
                    )
                )
                == {"web", "worker", "scheduler"}
            ),
            20,
            "each role beating again",
            cluster,
        )
        # One of the two schedulers holds the lock again.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            assert cursor.fetchone()[0] == 1
