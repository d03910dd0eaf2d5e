"""Which database engine the suite runs on, read the way the settings read DATABASE_URL (dj_database_url),
so every scheme that gives Django PostgreSQL counts: postgres://, postgresql://, pgsql://, postgis://."""

from __future__ import annotations

import os

import dj_database_url


def on_postgres(url: str | None = None) -> bool:
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    if not url:
        return False  # the settings' default: SQLite
    engine = dj_database_url.parse(url)["ENGINE"]
    return engine.endswith((".postgresql", ".postgis"))
