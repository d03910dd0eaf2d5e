"""SQLite reads its file through a memory map (`NEWSDESK_SQLITE_MMAP_MB`): every connection sets it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_every_sqlite_connection_maps_the_file() -> None:
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor != "sqlite":
        assert "mmap_size" not in str(options.get("init_command", ""))  # a SQLite PRAGMA only
        return
    assert settings.SQLITE_MMAP_MB == 1024
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        assert cursor.fetchone()[0] == 1024 * 1024 * 1024
