"""PostgreSQL: timestamps read by psycopg's own C loader when Django's time zone is UTC.

Django's psycopg backend reads every `timestamptz` value through `BaseTzLoader`, a Python subclass of
psycopg's Python loader (`django.db.backends.postgresql.psycopg_any`): it parses the text in Python and then
replaces the time zone with the connection's (`DatabaseWrapper.timezone`). That is 2.6 µs a value, where
psycopg's C loader takes 0.14: a list page reads 40-66 of them (published and modified times), a feed 60.

When Django's time zone is UTC (`USE_TZ` on, no `TIME_ZONE` of the database's own: the usual case and ours),
Django also sets the session's `TimeZone` to UTC, and psycopg's C loader gives the very same values: the
instant in `datetime.timezone.utc` (psycopg maps the session zone "UTC" to that object). Then this module
puts psycopg's C loader on each new connection, behind `UTCTimestampLoader`, a class that only carries the
`timezone` attribute Django's `create_cursor` compares (it puts its own loader on a cursor whenever the
connection's time zone has changed since, as a test's settings can) and makes psycopg's C loader. Any other
time zone (or `USE_TZ` off: naive values) keeps Django's loader.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.backends.signals import connection_created
from psycopg.pq import Format

TIMESTAMPTZ = "timestamptz"


class UTCTimestampLoader:
    """Stands in the adapters map for psycopg's own (C, if installed) text `timestamptz` loader: psycopg
    calls the class to make a loader, and gets psycopg's. `timezone` is what Django's cursor set-up reads."""

    format = Format.TEXT
    timezone = datetime.UTC
    native: Any = None  # psycopg's loader class, found on first use

    def __new__(cls, oid: int, context: Any = None) -> Any:
        return cls.native(oid, context)


def _native_loader() -> Any:
    import psycopg

    return psycopg.adapters.get_loader(psycopg.adapters.types[TIMESTAMPTZ].oid, Format.TEXT)


def use_native_loader(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created`: on a psycopg 3 connection whose Django time zone and session time zone are both
    UTC, psycopg's own loader reads `timestamptz`."""
    if connection.vendor != "postgresql" or connection.timezone is not datetime.UTC:
        return
    raw = connection.connection
    adapters = getattr(raw, "adapters", None)  # psycopg 3 (psycopg2 has none)
    if adapters is None or raw.info.parameter_status("TimeZone") != "UTC":
        return
    if UTCTimestampLoader.native is None:
        UTCTimestampLoader.native = _native_loader()
    loader = adapters.get_loader(adapters.types[TIMESTAMPTZ].oid, Format.TEXT)
    if getattr(loader, "timezone", None) is datetime.UTC:  # Django's UTC loader (not a custom one)
        adapters.register_loader(TIMESTAMPTZ, UTCTimestampLoader)


def connect() -> None:
    connection_created.connect(use_native_loader, dispatch_uid="newsdesk.core.pgtime")
