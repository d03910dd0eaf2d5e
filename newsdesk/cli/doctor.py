"""`newsdesk doctor`: checks the installation, one line per check, and exits non-zero on a problem.

Each check says ok, warning (works, but look at it) or problem (something is broken or unsafe), and for
the last two how to fix it. Nothing is changed: the database is not migrated, no mail is sent.
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

OK, WARNING, PROBLEM = "ok", "warning", "problem"
# A worker or the scheduler not seen for this long is reported.
HEARTBEAT_STALE = timedelta(minutes=5)
# Free space in the data dir: below the first a problem, below the second a warning.
DISK_PROBLEM_BYTES = 500 * 1024 * 1024
DISK_WARNING_BYTES = 2 * 1024 * 1024 * 1024
# The difference between our clock and the database server's: a warning, then a problem.
CLOCK_WARNING_SECONDS = 5.0
CLOCK_PROBLEM_SECONDS = 60.0


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.level:<8} {self.check}: {self.message}"
        return f"{text} — fix: {self.fix}" if self.fix and self.level != OK else text


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("doctor", help="check the installation: database, queue, mail, disk, safety")
    parser.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from newsdesk.core.bootstrap import setup_django

    try:
        setup_django()
    except Exception as exc:  # a malformed setting read from the environment
        print(Finding(PROBLEM, "settings", _first_line(exc), "correct the environment variable").line())
        return 1
    problems = 0
    for finding in run_checks():
        print(finding.line(), flush=True)
        problems += finding.level == PROBLEM
    return 1 if problems else 0


def run_checks() -> Iterator[Finding]:
    database_ok = False
    for finding in check_database():
        database_ok = finding.level != PROBLEM
        yield finding
    yield from check_redis()
    if database_ok:
        yield from check_queue()
        yield from check_heartbeats()
    yield from check_smtp()
    yield from check_disk()
    yield from check_secret_key()
    yield from check_production()
    yield from check_site_url()
    if database_ok:
        yield from check_clock()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# ---- the database ---------------------------------------------------------------------------------


def check_database() -> Iterator[Finding]:
    from django.db import connection

    from newsdesk.core.bootstrap import pending_migrations

    try:
        connection.ensure_connection()
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "database",
            f"cannot connect ({_first_line(exc)})",
            "check DATABASE_URL, and that the database server runs and lets us in",
        )
        return
    try:
        behind = pending_migrations()
    except Exception as exc:
        yield Finding(PROBLEM, "database", f"cannot read the migrations ({_first_line(exc)})", "")
        return
    if behind:
        yield Finding(
            PROBLEM,
            "database",
            f"reachable ({connection.vendor}), but migrations are not applied",
            "run any newsdesk command that uses the database (e.g. `newsdesk sources list`); it migrates",
        )
    else:
        yield Finding(OK, "database", f"reachable ({connection.vendor}), migrations applied")


# ---- Redis, the queue, the background processes --------------------------------------------------


def check_redis() -> Iterator[Finding]:
    from django.conf import settings

    url: str = settings.REDIS_URL
    if not url:
        yield Finding(OK, "redis", "not configured (Live News goes through the database)")
        return
    import redis

    where = urlsplit(url).netloc.rpartition("@")[2] or url
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "redis",
            f"cannot reach {where} ({_first_line(exc)})",
            "start Redis, or correct NEWSDESK_REDIS_URL (unset it to go without Redis)",
        )
        return
    yield Finding(OK, "redis", f"answers at {where}")


def check_queue() -> Iterator[Finding]:
    from django.utils import timezone
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    try:
        backend = task_backends["default"]
    except Exception as exc:
        yield Finding(
            PROBLEM,
            "queue",
            f"the task backend cannot be loaded ({_first_line(exc)})",
            "correct NEWSDESK_TASK_BACKEND",
        )
        return
    if not isinstance(backend, DatabaseBackend):
        yield Finding(OK, "queue", f"{type(backend).__name__} (its own workers run the tasks)")
        return
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception as exc:
        yield Finding(PROBLEM, "queue", f"cannot read the task queue ({_first_line(exc)})", "")
        return
    if oldest is not None and timezone.now() - oldest > HEARTBEAT_STALE:
        minutes = int((timezone.now() - oldest).total_seconds() // 60)
        yield Finding(
            WARNING,
            "queue",
            f"{waiting} task(s) waiting, the oldest for {minutes} min",
            "make sure a worker runs (`newsdesk run` or `newsdesk worker`)",
        )
    else:
        yield Finding(OK, "queue", f"{waiting} task(s) waiting")


def check_heartbeats() -> Iterator[Finding]:
    from django.utils import timezone

    from newsdesk.core.heartbeats import last_seen

    fixes = {
        "worker": "start one (`newsdesk run`, or `newsdesk worker`)",
        "scheduler": "start one (`newsdesk run`, or `newsdesk worker` without --no-scheduler)",
    }
    for role, fix in fixes.items():
        try:
            seen = last_seen(role)
        except Exception as exc:
            yield Finding(WARNING, role, f"cannot tell ({_first_line(exc)})", fix)
            continue
        if seen is None:
            yield Finding(WARNING, role, "never seen", fix)
            continue
        age = timezone.now() - seen
        if age > HEARTBEAT_STALE:
            yield Finding(WARNING, role, f"last seen {int(age.total_seconds() // 60)} min ago", fix)
        else:
            yield Finding(OK, role, f"seen {int(age.total_seconds())} s ago")


# ---- mail -----------------------------------------------------------------------------------------

_SMTP_BACKENDS = {"newsdesk.newsletter.mailer.EmailBackend", "django.core.mail.backends.smtp.EmailBackend"}


def check_smtp() -> Iterator[Finding]:
    from django.conf import settings

    if settings.EMAIL_BACKEND not in _SMTP_BACKENDS:
        kind = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        yield Finding(
            WARNING,
            "smtp",
            f"mail is not sent ({kind} backend): digests and confirmations go nowhere",
            "set EMAIL_URL to your mail server (smtp://user:password@host:587?tls=True)",
        )
        return
    host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
    timeout = min(float(settings.EMAIL_TIMEOUT or 10), 10.0)
    from django.core.mail.utils import DNS_NAME

    try:
        client: smtplib.SMTP
        # The name we give in EHLO, as Django's SMTP backend gives it.
        name = DNS_NAME.get_fqdn()
        if settings.EMAIL_USE_SSL:
            client = smtplib.SMTP_SSL(host, port, local_hostname=name, timeout=timeout)
        else:
            client = smtplib.SMTP(host, port, local_hostname=name, timeout=timeout)
        try:
            code, _ = client.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"EHLO refused")
            if settings.EMAIL_USE_TLS:
                client.starttls()
                client.ehlo()
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except (smtplib.SMTPException, OSError) as exc:
        reason = getattr(exc, "strerror", None) or _first_line(exc)
        yield Finding(
            PROBLEM,
            "smtp",
            f"{host}:{port} does not take our EHLO ({reason})",
            "start the mail server or correct EMAIL_URL",
        )
        return
    yield Finding(
        OK, "smtp", f"{host}:{port} answers EHLO" + (" and STARTTLS" if settings.EMAIL_USE_TLS else "")
    )


# ---- the machine ------------------------------------------------------------------------------------


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def check_disk() -> Iterator[Finding]:
    from django.conf import settings

    path = settings.DATA_DIR
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        yield Finding(
            PROBLEM,
            "disk",
            f"cannot read the data dir {path} ({exc.strerror})",
            "create it, or set NEWSDESK_DATA_DIR",
        )
        return
    message = f"{_size(usage.free)} free in {path}"
    fix = "free some space, or lower NEWSDESK_KEEP_FULL_TEXT_DAYS and run `newsdesk prune`"
    if usage.free < DISK_PROBLEM_BYTES:
        yield Finding(PROBLEM, "disk", message, fix)
    elif usage.free < DISK_WARNING_BYTES:
        yield Finding(WARNING, "disk", message, fix)
    else:
        yield Finding(OK, "disk", message)


def check_secret_key() -> Iterator[Finding]:
    from django.conf import settings

    path = settings.SECRET_KEY_FILE
    if len(settings.SECRET_KEY) < 32:
        yield Finding(
            PROBLEM,
            "secret key",
            "shorter than 32 characters",
            "set NEWSDESK_SECRET_KEY to a long random value, or unset it to use a generated one",
        )
        return
    if path is None:
        yield Finding(OK, "secret key", "from NEWSDESK_SECRET_KEY")
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        yield Finding(PROBLEM, "secret key", f"cannot read {path} ({exc.strerror})", "")
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        yield Finding(
            PROBLEM,
            "secret key",
            f"{path} can be read by others (mode {stat.S_IMODE(mode):o})",
            f"chmod 600 {path}",
        )
    else:
        yield Finding(OK, "secret key", f"{path} is readable by its owner only")


# ---- production safety --------------------------------------------------------------------------------


def check_production() -> Iterator[Finding]:
    from django.conf import settings

    https_site = settings.SITE_URL.lower().startswith("https://")
    public = https_site or settings.HTTPS
    if settings.DEBUG:
        yield Finding(
            PROBLEM if public else WARNING,
            "debug",
            "DEBUG is on" + (" on a public (HTTPS) site: error pages show settings" if public else ""),
            "unset NEWSDESK_DEBUG",
        )
    else:
        yield Finding(OK, "debug", "off")
    if https_site and not settings.HTTPS:
        yield Finding(
            PROBLEM,
            "https",
            "the site URL is https:// but NEWSDESK_HTTPS is off (no Secure cookies, no HSTS)",
            "set NEWSDESK_HTTPS=1 (or use config.settings.prod)",
        )
    elif settings.HTTPS and not https_site:
        yield Finding(
            WARNING,
            "https",
            "NEWSDESK_HTTPS is on but the site URL is http://",
            "make NEWSDESK_SITE_URL start with https://",
        )
    elif settings.HTTPS:
        yield Finding(OK, "https", f"Secure cookies, HSTS {settings.SECURE_HSTS_SECONDS} s")
    else:
        yield Finding(
            WARNING,
            "https",
            "off (fine on a private network or for trying Newsdesk out)",
            "put a TLS proxy in front and set NEWSDESK_HTTPS=1",
        )
    yield from _check_hosts(settings.ALLOWED_HOSTS, settings.SITE_URL, public)


def _check_hosts(allowed: list[str], site_url: str, public: bool) -> Iterator[Finding]:
    from django.http.request import validate_host

    host = (urlsplit(site_url).hostname or "").lower()
    if not allowed:
        yield Finding(
            PROBLEM,
            "allowed hosts",
            "empty: every request is refused",
            "set NEWSDESK_ALLOWED_HOSTS to the site's host name",
        )
    elif "*" in allowed:
        yield Finding(
            PROBLEM if public else WARNING,
            "allowed hosts",
            "any Host header is accepted",
            f"set NEWSDESK_ALLOWED_HOSTS={host or 'your.host.name'}",
        )
    elif host and not validate_host(host, allowed):
        yield Finding(
            PROBLEM,
            "allowed hosts",
            f"{host} (the site URL's host) is not in {', '.join(allowed)}",
            f"add {host} to NEWSDESK_ALLOWED_HOSTS",
        )
    else:
        yield Finding(OK, "allowed hosts", ", ".join(allowed))


def check_site_url() -> Iterator[Finding]:
    from django.conf import settings

    url = settings.SITE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        yield Finding(
            PROBLEM,
            "site url",
            f"{url!r} is not an absolute http(s) address",
            "set NEWSDESK_SITE_URL=https://your.host.name",
        )
    elif parts.hostname in ("localhost", "127.0.0.1", "::1"):
        yield Finding(
            WARNING,
            "site url",
            f"{url} points at this machine: links in mail and feeds fail elsewhere",
            "set NEWSDESK_SITE_URL to the public address",
        )
    else:
        yield Finding(OK, "site url", url)


def check_clock(now: Callable[[], float] = time.time) -> Iterator[Finding]:
    from django.db import connection

    if connection.vendor == "sqlite":
        yield Finding(OK, "clock", "the database is a file on this machine (one clock)")
        return
    try:
        with connection.cursor() as cursor:
            before = now()
            cursor.execute("SELECT CURRENT_TIMESTAMP")
            after = now()
            (server,) = cursor.fetchone()
    except Exception as exc:
        yield Finding(WARNING, "clock", f"cannot read the database's clock ({_first_line(exc)})", "")
        return
    ours = datetime.fromtimestamp((before + after) / 2, tz=UTC)
    skew = (ours - server).total_seconds()
    message = f"{abs(skew):.1f} s {'ahead of' if skew > 0 else 'behind'} the database server"
    fix = "synchronise both machines' clocks (NTP: systemd-timesyncd or chrony)"
    if abs(skew) > CLOCK_PROBLEM_SECONDS:
        yield Finding(PROBLEM, "clock", message, fix)
    elif abs(skew) > CLOCK_WARNING_SECONDS:
        yield Finding(WARNING, "clock", message, fix)
    else:
        yield Finding(OK, "clock", message)
