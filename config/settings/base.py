"""Newsdesk settings: the only module that reads os.environ.

Every knob a deployment may turn is read here, once, and documented in README.md
(tests/test_docs.py fails when one is not).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from exc


BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("NEWSDESK_DATA_DIR") or BASE_DIR / "var").resolve()

DEBUG = _env_bool("NEWSDESK_DEBUG", False)
SITE_URL = (os.environ.get("NEWSDESK_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("NEWSDESK_SITE_NAME") or "Newsdesk"


def _secret_key() -> str:
    """NEWSDESK_SECRET_KEY, or a random key kept in the data directory."""
    key = os.environ.get("NEWSDESK_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h.strip() for h in (os.environ.get("NEWSDESK_ALLOWED_HOSTS") or "*").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "newsdesk.core",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.topics",
    "newsdesk.search",
    "newsdesk.live",
    "newsdesk.newsletter",
    "newsdesk.consent",
    "newsdesk.api",
    "newsdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database --------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "newsdesk.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids the
        # upgrade deadlock when two processes write.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=15000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 15,
    }
# Test runs in parallel checkouts pick their own database name.
if os.environ.get("NEWSDESK_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["NEWSDESK_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work (django.tasks API) ------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("NEWSDESK_TASK_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("NEWSDESK_TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

# --- logging ----------------------------------------------------------------
LOG_LEVEL = (os.environ.get("NEWSDESK_LOG_LEVEL") or "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "newsdesk": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# --- Newsdesk ----------------------------------------------------------------
NEWSDESK: dict[str, Any] = {
    # Sources on loopback or private addresses are refused (SSRF) unless this is on.
    "ALLOW_PRIVATE_NETWORKS": _env_bool("NEWSDESK_ALLOW_PRIVATE_NETWORKS", False),
    # Words in an excerpt before it is cut with "…".
    "EXCERPT_WORDS": _env_int("NEWSDESK_EXCERPT_WORDS", 60),
    # How often (seconds) the scheduler looks for due sources.
    "SCHEDULER_TICK": _env_int("NEWSDESK_SCHEDULER_TICK", 15),
    # Fetching limits.
    "FETCH_TIMEOUT": _env_int("NEWSDESK_FETCH_TIMEOUT", 20),
    "FETCH_MAX_BYTES": _env_int("NEWSDESK_FETCH_MAX_BYTES", 10 * 1024 * 1024),
    "FETCH_PER_HOST": _env_int("NEWSDESK_FETCH_PER_HOST", 2),
    "FETCH_WORKERS": _env_int("NEWSDESK_FETCH_WORKERS", 8),
    # At most this many entries of one feed are processed per fetch.
    "MAX_ENTRIES_PER_FEED": _env_int("NEWSDESK_MAX_ENTRIES_PER_FEED", 200),
}

# --- the public site (issue 3) ------------------------------------------------
INSTALLED_APPS += ["django.contrib.sitemaps", "django.contrib.humanize"]
# Static files are served by us (whitenoise), straight from the apps' static folders: no collectstatic
# step, and every URL carries a content hash, so browsers may keep them for a year (docs/decisions).
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsdesk.web.staticfiles.VersionedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# collectstatic is optional (for a front server that serves the files itself); whitenoise warns when
# STATIC_ROOT names a folder that does not exist, so it is only set once someone has collected.
STATIC_ROOT = STATIC_ROOT if STATIC_ROOT.is_dir() else None  # type: ignore[assignment]
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 365 * 24 * 3600
TEMPLATES[0]["OPTIONS"]["context_processors"].append("newsdesk.web.context.site")  # type: ignore[index]
# The interface language (gettext) and the date formats; English ships.
LANGUAGE_CODE = os.environ.get("NEWSDESK_LANGUAGE") or LANGUAGE_CODE
NEWSDESK.update(
    {
        # Public pages and feeds may be kept this long (seconds) by browsers, CDNs and proxies.
        "PAGE_MAX_AGE": _env_int("NEWSDESK_PAGE_MAX_AGE", 60),
        # Articles per page on the home, source, topic and search pages, and items per outgoing feed.
        "PAGE_SIZE": _env_int("NEWSDESK_PAGE_SIZE", 20),
        "FEED_ITEMS": _env_int("NEWSDESK_FEED_ITEMS", 30),
        # The image proxy: outlets' images and icons are fetched by us, kept under DATA_DIR/images.
        "IMAGE_MAX_BYTES": _env_int("NEWSDESK_IMAGE_MAX_BYTES", 5 * 1024 * 1024),
        "IMAGE_TIMEOUT": _env_int("NEWSDESK_IMAGE_TIMEOUT", 8),
    }
)

# --- search (issue 3) -----------------------------------------------------------
NEWSDESK.update(
    {
        # auto (the database's own), sqlite (FTS5) or postgres (tsvector + GIN).
        "SEARCH_BACKEND": (os.environ.get("NEWSDESK_SEARCH_BACKEND") or "auto").strip().lower(),
        # The page cache in front of Django (config/wsgi.py): seconds an anonymous page is reused
        # (0 turns it off), and how many pages it keeps.
        "PAGE_CACHE_SECONDS": _env_int("NEWSDESK_PAGE_CACHE_SECONDS", 5),
        "PAGE_CACHE_ENTRIES": _env_int("NEWSDESK_PAGE_CACHE_ENTRIES", 2000),
    }
)

# --- cookie consent and security headers (issue 4) --------------------------------
# Consent cookie, privacy pages, security headers: README "Privacy and cookies", docs/decisions/0012, 0013.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

# Listed before CSRF; CSP's response hook runs after consent's, which adds its rendered snippets' origins.
_at = MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware")
MIDDLEWARE[_at:_at] = [
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsdesk.consent.middleware.ConsentMiddleware",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("newsdesk.consent.context_processors.consent")  # type: ignore[index]
# An operator's own templates (e.g. consent/privacy_body.html) override the built-in ones.
TEMPLATES[0]["DIRS"] = [Path(os.environ.get("NEWSDESK_TEMPLATES_DIR") or DATA_DIR / "templates")]

NEWSDESK_CONSENT = {
    # Bump to ask every reader again (the registry's own changes already do; see README).
    "POLICY_VERSION": os.environ.get("NEWSDESK_CONSENT_POLICY_VERSION") or "1",
    "COOKIE_NAME": "newsdesk_consent",
    "PRIVACY_CONTACT": os.environ.get("NEWSDESK_PRIVACY_CONTACT") or "",
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # a nonce only on pages that render an inline script (snippets)
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb",
    )
}  # fmt: skip
# Outlets see that a reader came from us (the origin), never which page or search.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"


def https_settings(on: bool) -> dict[str, object]:
    """What NEWSDESK_HTTPS=1 turns on: Secure cookies and HSTS (sent by Django only on HTTPS requests).

    TLS is ended by a proxy in front, which must set X-Forwarded-Proto (and strip a client's own).
    """
    return {
        "HTTPS": on,
        "SESSION_COOKIE_SECURE": on,
        "CSRF_COOKIE_SECURE": on,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if on else None,
        "SECURE_HSTS_SECONDS": _env_int("NEWSDESK_HSTS_SECONDS", 31536000) if on else 0,
    }


globals().update(https_settings(_env_bool("NEWSDESK_HTTPS", False)))


# --- newsletter (issue 5) -----------------------------------------------------------
# Outgoing mail: EMAIL_URL (smtp://user:pass@host:587?tls=True, smtps://..., console://, file:///dir).
# SMTP goes through our subclass of Django's SMTP backend, which records each digest as handed over
# just before the message's final dot (newsdesk/newsletter/mailer.py, docs/decisions/0004).
import dj_email_url  # noqa: E402

_email = dj_email_url.parse(os.environ.get("EMAIL_URL") or "console://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _email["EMAIL_BACKEND"] = "newsdesk.newsletter.mailer.EmailBackend"
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 30
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("NEWSDESK_NEWSLETTER_FROM") or f"{SITE_NAME} <newsletter@localhost>"
NEWSLETTER = {
    # A List-Id (RFC 2919); by default built from the site's host name.
    "LIST_ID": os.environ.get("NEWSDESK_NEWSLETTER_LIST_ID") or "",
    # Messages per second while sending digests (0 = as fast as the server takes them).
    "RATE": float(os.environ.get("NEWSDESK_NEWSLETTER_RATE") or 10),
    # Tries per message on a transient (4xx) failure, and the first wait between them (doubles each time).
    "RETRIES": _env_int("NEWSDESK_NEWSLETTER_RETRIES", 4),
    "RETRY_BACKOFF": float(os.environ.get("NEWSDESK_NEWSLETTER_RETRY_BACKOFF") or 2),
    # Most stories in one digest (the rest are counted, with a link to the site).
    "MAX_ITEMS": _env_int("NEWSDESK_NEWSLETTER_MAX_ITEMS", 20),
    # How often (seconds) `newsdesk run` looks for due digests and purges stale signups.
    "CHECK_SECONDS": _env_int("NEWSDESK_NEWSLETTER_CHECK_SECONDS", 300),
    # Sign-up limits: per network address and per mail address, each per hour.
    "SIGNUPS_PER_IP": _env_int("NEWSDESK_NEWSLETTER_SIGNUPS_PER_IP", 10),
    "SIGNUPS_PER_ADDRESS": _env_int("NEWSDESK_NEWSLETTER_SIGNUPS_PER_ADDRESS", 3),
    # Ask DNS whether the address's domain takes mail (off in tests: no packet leaves the machine).
    "CHECK_DELIVERABILITY": _env_bool("NEWSDESK_NEWSLETTER_CHECK_DELIVERABILITY", True),
    # Proxies in front of us that append to X-Forwarded-For (0: use the connection's address).
    "TRUSTED_PROXIES": _env_int("NEWSDESK_TRUSTED_PROXIES", 0),
}

# --- live news (issue 6) --------------------------------------------------------------
# Redis, when a deployment has one: Live News fans out through its pub/sub (and other apps may use it).
REDIS_URL = os.environ.get("NEWSDESK_REDIS_URL") or ""
LIVE: dict[str, Any] = {
    # How events reach the web processes: "database" (the embedded default: each web process polls the
    # event table), "redis" (pub/sub; the default when NEWSDESK_REDIS_URL is set), "memory" (tests), or
    # a dotted path to a transport class.
    "TRANSPORT": os.environ.get("NEWSDESK_LIVE_TRANSPORT") or ("redis" if REDIS_URL else "database"),
    # Redis channel names start with this, so that several sites (or test runs) can share one Redis.
    "CHANNEL_PREFIX": os.environ.get("NEWSDESK_LIVE_CHANNEL_PREFIX") or "newsdesk",
    # How often (milliseconds) a web process looks for new events in the database: the embedded
    # transport's delay, and the other transports' safety net.
    "POLL_MS": _env_int("NEWSDESK_LIVE_POLL_MS", 250),
    # Concurrent stream connections one web process accepts; beyond it, 503 with Retry-After.
    "MAX_STREAMS": _env_int("NEWSDESK_LIVE_MAX_STREAMS", 2000),
    # Seconds between heartbeats (an SSE comment) on an idle stream; a dead reader is noticed then.
    "HEARTBEAT_SECONDS": _env_int("NEWSDESK_LIVE_HEARTBEAT_SECONDS", 15),
    # A stream is closed after this many seconds and the browser reconnects where it left off.
    "MAX_STREAM_SECONDS": _env_int("NEWSDESK_LIVE_MAX_STREAM_SECONDS", 3600),
    # At most this many missed events are replayed to a reconnecting client.
    "REPLAY_LIMIT": _env_int("NEWSDESK_LIVE_REPLAY_LIMIT", 200),
    # Events older than this many days lose their payload (the row stays, so a story is announced once).
    "KEEP_DAYS": _env_int("NEWSDESK_LIVE_KEEP_DAYS", 7),
    # A story whose publication date is older than this many hours when we store it is not live news
    # (a new source's back catalogue); 0 streams every story.
    "MAX_AGE_HOURS": _env_int("NEWSDESK_LIVE_MAX_AGE_HOURS", 48),
}
# Threads of the web process that run Django (pages); `newsdesk run --web-threads` sets it.
WEB_THREADS = _env_int("NEWSDESK_WEB_THREADS", 16)

# --- integrity: spam and hostile sources (issue 7) -----------------------------------
# A source from which this many spam items (or articles with planted spam) arrive within the window
# is marked possibly compromised: its new items wait in the admin's review queue. 0 never holds.
NEWSDESK["SPAM_HOLD_AFTER"] = _env_int("NEWSDESK_SPAM_HOLD_AFTER", 3)
NEWSDESK["SPAM_WINDOW_DAYS"] = _env_int("NEWSDESK_SPAM_WINDOW_DAYS", 30)
