"""`newsdesk doctor`'s checks of the configuration and the machine: mail (an EHLO to the SMTP server),
free disk space, the secret key, and production safety (DEBUG, HTTPS, allowed hosts, the site URL)."""

from __future__ import annotations

import os
import shutil
import smtplib
import stat
from collections.abc import Iterator
from urllib.parse import urlsplit

from .doctor_findings import OK, PROBLEM, WARNING, Finding, first_line

# Free space in the data dir: below the first a problem, below the second a warning.
DISK_PROBLEM_BYTES = 500 * 1024 * 1024
DISK_WARNING_BYTES = 2 * 1024 * 1024 * 1024


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
        reason = getattr(exc, "strerror", None) or first_line(exc)
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
