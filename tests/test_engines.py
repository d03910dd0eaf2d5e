"""The PostgreSQL-only collection switch (tests/scale, tests/sources) knows every PostgreSQL scheme."""

from __future__ import annotations

import pytest

from tests.engines import on_postgres


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://postgres@127.0.0.1:5432/test", True),
        ("postgresql://postgres@127.0.0.1:5432/test", True),
        ("pgsql://postgres@127.0.0.1:5432/test", True),
        ("postgis://postgres@127.0.0.1:5432/test", True),
        ("sqlite:////tmp/newsdesk.sqlite3", False),
        ("", False),
    ],
)
def test_on_postgres_reads_the_scheme_as_the_settings_do(url: str, expected: bool) -> None:
    assert on_postgres(url) is expected
