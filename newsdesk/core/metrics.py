"""Prometheus metrics: every metric Newsdesk records, defined once, in multi-process mode.

Every process of a site (web servers, workers, the scheduler, a `newsdesk fetch` run from cron) writes
its samples to memory-mapped files in one directory, `NEWSDESK_OPS["METRICS_DIR"]` (by default
`DATA_DIR/metrics`); `/metrics` reads them all and adds them up (docs/decisions/0023-metrics.md).

Import this module to record; it sets `PROMETHEUS_MULTIPROC_DIR` before prometheus_client is imported
(the client picks its storage at import), and folds the files of processes that have exited into one
archive file per kind, so the directory does not grow with every process ever started.

Metrics never break what they measure: recording is a few memory writes, and a failure to set the
directory up leaves the client in its in-memory mode rather than raising.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def _metrics_dir() -> Path:
    from django.conf import settings

    return Path(settings.NEWSDESK_OPS["METRICS_DIR"])


def _prepare() -> Path | None:
    """Make the directory and point prometheus_client at it (before the client is imported)."""
    try:
        path = _metrics_dir()
        path.mkdir(parents=True, exist_ok=True)
    except Exception as exc:  # settings not configured, or an unwritable data dir
        log.warning("Metrics stay in this process only: %s", exc)
        return None
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


METRICS_DIR = _prepare()

from prometheus_client import Counter, Gauge, Histogram  # noqa: E402
from prometheus_client.mmap_dict import MmapedDict  # noqa: E402

# ---- the metrics ----------------------------------------------------------------------------------
# Label values come from small fixed sets (outcomes, statuses, URL names): never a URL, an id or a host.

FETCH_OUTCOMES = ("new", "unchanged", "not_modified", "error")
fetches = Counter("newsdesk_fetches", "Feed checks, by outcome.", ["outcome"])
fetch_duration = Histogram(
    "newsdesk_fetch_duration_seconds",
    "Time to download a feed (the fetch stage only).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60),
)
articles_stored = Counter("newsdesk_articles_stored", "Articles created, by their status.", ["status"])
quarantined = Counter("newsdesk_quarantined", "Articles put in the review queue (spam or a held source).")
task_duration = Histogram(
    "newsdesk_task_duration_seconds",
    "Time a background task ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
http_request_duration = Histogram(
    "newsdesk_http_request_duration_seconds",
    "Time Django took to answer, by URL name.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
page_cache_hits = Counter("newsdesk_page_cache_hits", "Pages answered from the page cache.")
page_cache_misses = Counter("newsdesk_page_cache_misses", "Cacheable pages that Django had to render.")
live_streams = Gauge(
    "newsdesk_live_streams", "Open Live News streams (all web processes).", multiprocess_mode="livesum"
)
MAIL_RESULTS = ("sent", "bounced", "failed", "deferred")
mail_sent = Counter("newsdesk_mail_sent", "Newsletter messages, by result.", ["result"])


ARTICLE_STATUSES = ("published", "quarantined")
# Every known label value is there from the start at 0, so a rate() sees the first increase.
for _outcome in FETCH_OUTCOMES:
    fetches.labels(outcome=_outcome)
for _status in ARTICLE_STATUSES:
    articles_stored.labels(status=_status)
for _result in MAIL_RESULTS:
    mail_sent.labels(result=_result)


def observe_fetch(outcome: str, seconds: float | None = None) -> None:
    fetches.labels(outcome=outcome).inc()
    if seconds is not None:
        fetch_duration.observe(seconds)


@contextlib.contextmanager
def timed(histogram: Any) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - start)


# ---- the request middleware -------------------------------------------------------------------------


class RequestMetricsMiddleware:
    """newsdesk_http_request_duration_seconds{route}: the route is the URL's name (`home`,
    `admin:index`), "static" for files whitenoise serves, or "unmatched" (a 404 before any view)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        # Each route's histogram child, looked up once (`labels()` takes a lock and checks its values).
        self.routes: dict[str, Any] = {}

    def __call__(self, request: Any) -> Any:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = match.view_name or "unnamed"
        elif request.path_info.startswith("/static/"):
            route = "static"
        else:
            route = "unmatched"
        child = self.routes.get(route)
        if child is None:
            child = self.routes[route] = http_request_duration.labels(route=route)
        child.observe(time.perf_counter() - start)
        return response


# ---- tasks ----------------------------------------------------------------------------------------


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started, finished = getattr(task_result, "started_at", None), getattr(task_result, "finished_at", None)
    if started is None or finished is None:
        return
    name = getattr(task_result.task, "name", None) or "unknown"
    task_duration.labels(task=name).observe(max(0.0, (finished - started).total_seconds()))


def connect_task_signals() -> None:
    from django_tasks.signals import task_finished

    task_finished.connect(_task_finished, dispatch_uid="newsdesk.core.metrics.task_finished")


class QueueCollector:
    """newsdesk_tasks_queued: tasks waiting in the database queue, counted when scraped (one indexed
    count), so it is right however many workers there are."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("newsdesk_tasks_queued", "Background tasks waiting to run.")
        try:
            from django_tasks import task_backends
            from django_tasks_db.backend import DatabaseBackend
            from django_tasks_db.models import DBTaskResult

            if isinstance(task_backends["default"], DatabaseBackend):
                family.add_metric([], DBTaskResult.objects.ready().count())
        except Exception as exc:  # the scrape still answers with everything else
            log.warning("Cannot count queued tasks: %s", exc)
        yield family


def exposition() -> tuple[bytes, str]:
    """The text format of every process's samples, added up, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    if METRICS_DIR is not None:
        compact(METRICS_DIR)
        MultiProcessCollector(registry, path=str(METRICS_DIR))
    else:  # pragma: no cover - only when the data dir is unwritable
        from prometheus_client import REGISTRY

        registry = REGISTRY
    registry.register(QueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


# ---- the files of processes that have exited ---------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _pid_of(path: str) -> int | None:
    stem = os.path.basename(path)[: -len(".db")]
    tail = stem.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def compact(path: Path) -> int:
    """Fold the counter and histogram files of exited processes into `counter_archive.db` and
    `histogram_archive.db` (the values add up, which is what a scrape does anyway), and drop their
    gauge files (a gone process has no open streams). Returns how many files went.

    Under a lock: two processes compacting at once would count a file twice. A busy lock means
    another process is at it, so this one skips."""
    from prometheus_client.multiprocess import mark_process_dead

    removed = 0
    try:
        lock = open(path / ".compact.lock", "w")  # noqa: SIM115 - held for the block below
    except OSError:
        return 0
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0
        dead: dict[int, list[str]] = {}
        for file in glob.glob(str(path / "*.db")):
            pid = _pid_of(file)
            if pid is not None and pid != os.getpid() and not _alive(pid):
                dead.setdefault(pid, []).append(file)
        for pid, files in dead.items():
            for kind in ("counter", "histogram"):
                for file in files:
                    if os.path.basename(file) == f"{kind}_{pid}.db":
                        _fold(file, str(path / f"{kind}_archive.db"))
                        os.remove(file)
                        removed += 1
            mark_process_dead(pid, str(path))
            for file in files:  # gauges of other modes, and anything else left of it
                if os.path.exists(file):
                    os.remove(file)
                    removed += 1
    return removed


def _fold(source: str, archive: str) -> None:
    values = MmapedDict.read_all_values_from_file(source)
    target = MmapedDict(archive)
    try:
        for key, value, _timestamp, _pos in values:
            json.loads(key)  # a torn key would poison every later scrape; let it raise here instead
            current, timestamp = target.read_value(key)
            target.write_value(key, current + value, timestamp)
    finally:
        target.close()
