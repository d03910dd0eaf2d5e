"""The refresh's hot statements (newsdesk/sources/hot.py) against the ORM path's columns. The whole row a 304
leaves, compared with the ORM path's, is in test_hot_not_modified.py; the sources table's free space on
PostgreSQL is in test_hot_postgres.py."""

from __future__ import annotations

import re

from django.utils import timezone

from newsdesk.sources import actions, hot
from newsdesk.sources.models import Source


def test_the_304_statement_sets_the_columns_of_checked_and_only_those_with_the_lease() -> None:
    now = timezone.now()
    fields = set(actions._checked(now, "e", "m", 600))
    columns = {getattr(Source._meta.get_field(name), "column", name) for name in fields}
    for leased in (False, True):
        sql = hot.not_modified_sql(leased)
        assigned = set(re.findall(r"(\w+) = ", sql.split(" WHERE ")[0]))
        lease = {"lease_owner", "lease_until"} if leased else set()
        assert assigned == columns | lease, sql
