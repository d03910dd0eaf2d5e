"""/healthz (the process answers) and /readyz (what it needs can be reached), for load balancers and
orchestrators. Neither is cached, and neither needs a session or a consent choice."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

CHECK_TIMEOUT = 2.0


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()


def _queue() -> None:
    from django_tasks import task_backends

    backend = task_backends["default"]
    if type(backend).__module__.startswith("django_tasks_rq"):
        import django_rq

        django_rq.get_queue("default").count  # noqa: B018 - asks Redis for the queue's length
    elif type(backend).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


def checks() -> list[tuple[str, Callable[[], None]]]:
    parts: list[tuple[str, Callable[[], None]]] = [("database", _database)]
    if settings.REDIS_URL:
        parts.append(("redis", _redis))
    parts.append(("queue", _queue))
    return parts


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every part answers; 503 naming the parts that do not."""
    report: dict[str, str] = {}
    failing: list[str] = []
    for name, check in checks():
        try:
            check()
        except Exception as exc:
            report[name] = f"unreachable: {type(exc).__name__}"
            failing.append(name)
        else:
            report[name] = "ok"
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing, **report}, status=503)
    return JsonResponse({"status": "ok", **report})
