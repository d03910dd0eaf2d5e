"""One active scheduler: of two candidates, one leads; when it resigns (or dies), the other takes over.
On PostgreSQL an advisory lock, on SQLite a file lock (the database the suite runs on decides)."""

from __future__ import annotations

import pytest

from newsdesk.ingest.election import election

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_leads_the_other_takes_over() -> None:
    first, second = election(), election()
    try:
        assert first.lead()
        assert first.lead()  # still leading on the next check
        assert not second.lead()
        first.resign()
        assert second.lead()
        assert not first.lead()
    finally:
        first.resign()
        second.resign()
