"""Signing up a new address and signing up one that is already confirmed do the same work in the request:
the same queries and the same one task queued. What differs happens behind the queue, so the answer's
timing tells nobody who is subscribed. (This compares the work, not a stopwatch.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.newsletter.models import Subscriber

from .conftest import confirmed_subscriber

pytestmark = pytest.mark.django_db
SAME_SITE: dict[str, Any] = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def _shape(sql: str) -> str:
    """A query without its literal values (quoted strings and numbers)."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _signup(email: str) -> tuple[list[str], list[tuple[str, tuple[type, ...]]], bytes, int]:
    from django_tasks import default_task_backend

    cache.clear()  # the same rate-limit state for both
    default_task_backend.clear()  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as queries:
        answer = Client().post(
            "/newsletter/subscribe/", {"email": email, "frequency": "daily", "fv": "signup-v1"}, **SAME_SITE
        )
    tasks = [
        (result.task.name, tuple(type(arg) for arg in result.args))
        for result in default_task_backend.results  # type: ignore[attr-defined]
    ]
    return [_shape(q["sql"]) for q in queries.captured_queries], tasks, answer.content, answer.status_code


def test_a_new_and_a_confirmed_address_cost_the_request_the_same_work(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    confirmed_subscriber("known@example.org")
    _signup("warm-up@example.org")  # per-process caches (the consent snippets) are filled once
    new = _signup("stranger@example.org")
    known = _signup("known@example.org")
    assert new[3] == known[3] == 200
    assert new[2].replace(b"stranger", b"known") == known[2]  # the same page
    assert new[0] == known[0]  # the same queries, in the same order
    assert new[1] == known[1] == [("record_signup", (str, str, list, list, str, str, str))]
    # Nothing about either address was decided in the request.
    assert not Subscriber.objects.filter(email="stranger@example.org").exists()


def test_the_queued_signup_does_what_the_form_asked() -> None:
    known = confirmed_subscriber("known@example.org")
    client = Client()
    for email in ("stranger@example.org", "known@example.org"):
        client.post(
            "/newsletter/subscribe/", {"email": email, "frequency": "weekly", "fv": "signup-v1"}, **SAME_SITE
        )
    stranger = Subscriber.objects.get(email="stranger@example.org")
    assert stranger.status == Subscriber.Status.PENDING
    assert stranger.frequency == "weekly"
    known.refresh_from_db()
    assert known.status == Subscriber.Status.CONFIRMED
    assert known.frequency == "daily"  # a signup does not change a confirmed subscriber's choices
