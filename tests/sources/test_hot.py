"""The refresh's hot statements (newsdesk/sources/hot.py) against what the ORM path writes, (the sources
table's free space on PostgreSQL is in test_hot_postgres.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.sources import actions, hot
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_304_statement_sets_the_columns_of_checked_and_only_those_with_the_lease() -> None:
    now = timezone.now()
    fields = set(actions._checked(now, "e", "m", 600))
    columns = {getattr(Source._meta.get_field(name), "column", name) for name in fields}
    for leased in (False, True):
        sql = hot.not_modified_sql(leased)
        assigned = set(re.findall(r"(\w+) = ", sql.split(" WHERE ")[0]))
        lease = {"lease_owner", "lease_until"} if leased else set()
        assert assigned == columns | lease, sql


def test_a_304_recorded_by_sql_writes_what_the_orm_record_writes() -> None:
    now = timezone.now().replace(microsecond=123456)
    published = [now - timedelta(hours=h) for h in (1, 5, 9, 30)]
    hints = Hints(900, None, None)
    old = Source.objects.create(
        url="http://127.0.0.1:9/a.xml", name="A", error_count=3, failing_since=now, last_error="down"
    )
    new = Source.objects.create(
        url="http://127.0.0.1:9/b.xml",
        name="B",
        error_count=3,
        failing_since=now,
        last_error="down",
        queued_at=now,
        lease_owner="me/job",
        lease_until=now + timedelta(minutes=1),
    )
    Source.objects.filter(pk=old.pk).update(queued_at=now)
    actions.do_record_success(
        old.pk, now=now, etag='"v2"', last_modified="Sun, 06 Dec 2026", published=published, hints=hints
    )
    assert actions.do_record_not_modified(
        new.pk,
        now=now,
        etag='"v2"',
        last_modified="Sun, 06 Dec 2026",
        published=published,
        hints=hints,
        lease_owner="me/job",
    )
    names = [*actions._checked(now, "", "", 0)]
    a = Source.objects.values(*names).get(pk=old.pk)
    b = Source.objects.values(*names, "lease_owner", "lease_until").get(pk=new.pk)
    assert (b.pop("lease_owner"), b.pop("lease_until")) == ("", None)
    assert a == b
