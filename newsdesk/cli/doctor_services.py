"""`newsdesk doctor`'s checks of the services: the database, Redis, the task queue, the worker's and the
scheduler's heartbeats, and the clock against the database server's."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from .doctor_findings import OK, PROBLEM, WARNING, Finding, first_line

# A worker or the scheduler not seen for this long is reported.
HEARTBEAT_STALE = timedelta(minutes=5)
# The difference between our clock and the database server's: a warning, then a problem.
CLOCK_WARNING_SECONDS = 5.0
CLOCK_PROBLEM_SECONDS = 60.0


# ---- the database ---------------------------------------------------------------------------------


def check_database() -> Iterator[Finding]:
    from django.db import connection

    from newsdesk.core.bootstrap import pending_migrations

    try:
        connection.ensure_connection()
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "database",
            f"cannot connect ({first_line(exc)})",
            "check DATABASE_URL, and that the database server runs and lets us in",
        )
        return
    try:
        behind = pending_migrations()
    except Exception as exc:
        yield Finding(PROBLEM, "database", f"cannot read the migrations ({first_line(exc)})", "")
        return
    if behind:
        yield Finding(
            PROBLEM,
            "database",
            f"reachable ({connection.vendor}), but migrations are not applied",
            "run any newsdesk command that uses the database (e.g. `newsdesk sources list`); it migrates",
        )
    else:
        yield Finding(OK, "database", f"reachable ({connection.vendor}), migrations applied")


# ---- Redis, the queue, the background processes --------------------------------------------------


def check_redis() -> Iterator[Finding]:
    from django.conf import settings

    url: str = settings.REDIS_URL
    if not url:
        yield Finding(OK, "redis", "not configured (Live News goes through the database)")
        return
    import redis

    where = urlsplit(url).netloc.rpartition("@")[2] or url
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "redis",
            f"cannot reach {where} ({first_line(exc)})",
            "start Redis, or correct NEWSDESK_REDIS_URL (unset it to go without Redis)",
        )
        return
    yield Finding(OK, "redis", f"answers at {where}")


def check_queue() -> Iterator[Finding]:
    from django.utils import timezone
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    try:
        backend = task_backends["default"]
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "queue",
            f"the task backend cannot be loaded ({first_line(exc)})",
            "correct NEWSDESK_TASK_BACKEND",
        )
        return
    if not isinstance(backend, DatabaseBackend):
        yield Finding(OK, "queue", f"{type(backend).__name__} (its own workers run the tasks)")
        return
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception as exc:
        yield Finding(PROBLEM, "queue", f"cannot read the task queue ({first_line(exc)})", "")
        return
    if oldest is not None and timezone.now() - oldest > HEARTBEAT_STALE:
        minutes = int((timezone.now() - oldest).total_seconds() // 60)
        yield Finding(
            WARNING,
            "queue",
            f"{waiting} task(s) waiting, the oldest for {minutes} min",
            "make sure a worker runs (`newsdesk run` or `newsdesk worker`)",
        )
    else:
        yield Finding(OK, "queue", f"{waiting} task(s) waiting")


def check_heartbeats() -> Iterator[Finding]:
    from django.utils import timezone

    from newsdesk.core.heartbeats import last_seen

    fixes = {
        "worker": "start one (`newsdesk run`, or `newsdesk worker`)",
        "scheduler": "start one (`newsdesk run`, or `newsdesk worker` without --no-scheduler)",
    }
    for role, fix in fixes.items():
        try:
            seen = last_seen(role)
        except Exception as exc:
            yield Finding(WARNING, role, f"cannot tell ({first_line(exc)})", fix)
            continue
        if seen is None:
            yield Finding(WARNING, role, "never seen", fix)
            continue
        age = timezone.now() - seen
        if age > HEARTBEAT_STALE:
            yield Finding(WARNING, role, f"last seen {int(age.total_seconds() // 60)} min ago", fix)
        else:
            yield Finding(OK, role, f"seen {int(age.total_seconds())} s ago")


# ---- the clock ------------------------------------------------------------------------------------


def check_clock(now: Callable[[], float] = time.time) -> Iterator[Finding]:
    from django.db import connection

    if connection.vendor == "sqlite":
        yield Finding(OK, "clock", "the database is a file on this machine (one clock)")
        return
    try:
        with connection.cursor() as cursor:
            before = now()
            cursor.execute("SELECT CURRENT_TIMESTAMP")
            after = now()
            (server,) = cursor.fetchone()
    except Exception as exc:
        yield Finding(WARNING, "clock", f"cannot read the database's clock ({first_line(exc)})", "")
        return
    ours = datetime.fromtimestamp((before + after) / 2, tz=UTC)
    skew = (ours - server).total_seconds()
    message = f"{abs(skew):.1f} s {'ahead of' if skew > 0 else 'behind'} the database server"
    fix = "synchronise both machines' clocks (NTP: systemd-timesyncd or chrony)"
    if abs(skew) > CLOCK_PROBLEM_SECONDS:
        yield Finding(PROBLEM, "clock", message, fix)
    elif abs(skew) > CLOCK_WARNING_SECONDS:
        yield Finding(WARNING, "clock", message, fix)
    else:
        yield Finding(OK, "clock", message)
