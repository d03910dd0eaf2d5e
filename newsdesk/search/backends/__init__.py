"""Search backends, one per database, chosen by settings.NEWSDESK_SITE["SEARCH_BACKEND"].

"auto" (the default) picks the backend matching the default database's vendor.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .base import Backend

NAMES = {"sqlite": "sqlite", "fts5": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}


def backend_for_vendor(vendor: str) -> Backend:
    if vendor == "sqlite":
        from .sqlite_fts5 import SqliteFts5Backend

        return SqliteFts5Backend()
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    raise ImproperlyConfigured(f"There is no search backend for the {vendor} database.")


def get_backend() -> Backend:
    choice = str(settings.NEWSDESK_SITE.get("SEARCH_BACKEND") or "auto").lower()
    if choice == "auto":
        return backend_for_vendor(connection.vendor)
    if choice not in NAMES:
        raise ImproperlyConfigured(
            f"NEWSDESK_SEARCH_BACKEND must be auto, sqlite or postgres, not {choice!r}."
        )
    vendor = NAMES[choice]
    if vendor != connection.vendor:
        raise ImproperlyConfigured(
            f"NEWSDESK_SEARCH_BACKEND={choice} needs a {vendor} database,"
            f" but the database is {connection.vendor}."
        )
    return backend_for_vendor(vendor)
