"""Newsdesk settings: with its two siblings, the only code that reads os.environ.

Every knob a deployment may turn is read here or in a sibling, once, and documented in README.md
(tests/test_docs.py fails when one is not). The siblings: env.py holds the helpers that read a variable
(`_env_int` and the others); paths.py the base and data directories and the Redis address; security.py
the HTTPS, cookie and security-header settings; newsdesk_app.py Newsdesk's own dicts. This module
imports security.py and newsdesk_app.py whole (so prod.py and test.py, which start from this module,
have them too). The settings are laid out by concern, each declared once and whole:

- Django itself: paths and secrets, apps, middleware, templates, database, tasks, language, static
  files, logging, mail, cookies and security headers (security.py);
- Newsdesk, one dict per concern, named NEWSDESK_<CONCERN> and read by that concern's code only:
  NEWSDESK_QUEUE (here, beside the task backend) and, in newsdesk_app.py, NEWSDESK_INGEST, NEWSDESK_SITE,
  NEWSDESK_INTEGRITY, NEWSDESK_LIVE, NEWSDESK_NEWSLETTER, NEWSDESK_WEBSUB, NEWSDESK_STORIES,
  NEWSDESK_CONSENT and NEWSDESK_OPS (metrics, retention). A key is named after its environment variable
  without the concern's prefix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url

from .env import _env_bool, _env_float, _env_int, _env_str
from .newsdesk_app import *  # noqa: F403  (NEWSDESK_INGEST, NEWSDESK_SITE and the other concerns' dicts)
from .newsdesk_app import _WEB_THREADS  # noqa: F401  (upper case, so Django lists it: kept as it was)
from .paths import BASE_DIR as BASE_DIR  # re-exported: settings of base, prod and test
from .paths import DATA_DIR as DATA_DIR
from .paths import REDIS_URL as REDIS_URL
from .security import *  # noqa: F403  (HTTPS, cookies and security headers)

# ---- paths, secrets, the public address -------------------------------------------------------
# BASE_DIR, DATA_DIR and REDIS_URL: in paths.py, which newsdesk_app.py reads too.

DEBUG = _env_bool("NEWSDESK_DEBUG", False)
SITE_URL = _env_str("NEWSDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = _env_str("NEWSDESK_SITE_NAME", "Newsdesk")
ALLOWED_HOSTS = [h.strip() for h in _env_str("NEWSDESK_ALLOWED_HOSTS", "*").split(",") if h.strip()]


def _secret_key() -> str:
    """NEWSDESK_SECRET_KEY, or a random key kept in the data directory (readable by its owner only)."""
    key = _env_str("NEWSDESK_SECRET_KEY")
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
# The file the key was read from (None when it came from the environment): `newsdesk doctor` checks
# that only its owner can read it.
SECRET_KEY_FILE = None if _env_str("NEWSDESK_SECRET_KEY") else DATA_DIR / "secret_key"

# ---- applications and the request path --------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "newsdesk.core",
    "newsdesk.sources",
    "newsdesk.articles",
    "newsdesk.topics",
    "newsdesk.stories",
    "newsdesk.search",
    "newsdesk.live",
    "newsdesk.newsletter",
    "newsdesk.websub",
    "newsdesk.consent",
    "newsdesk.api",
    "newsdesk.console",
    "newsdesk.web",
    "axes",  # the admin login's brute-force limit (after our apps: its templates do not override ours)
]

# Consent sits before CSRF; CSP's response hook runs after consent's, which adds the origins of the
# operator snippets it rendered. whitenoise answers /static/ before everything but the security headers.
MIDDLEWARE = [
    "newsdesk.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "newsdesk.core.middleware.KeptPolicyCSPMiddleware",  # django-csp's, each header built once
    "newsdesk.consent.middleware.ConsentMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newsdesk.core.middleware.LazyMessageMiddleware",  # Django's, its storage made only when used
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# An operator's own templates (e.g. consent/privacy_body.html) override the built-in ones.
OPERATOR_TEMPLATES = Path(_env_str("NEWSDESK_TEMPLATES_DIR") or DATA_DIR / "templates")
TEMPLATES = [
    {
        # The public site (each app's jinja2/ folder): Jinja2 through Django's own backend
        # (docs/decisions/0029-jinja2-public-templates.md; the environment is newsdesk/web/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [OPERATOR_TEMPLATES],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "newsdesk.web.jinja.environment",
            # `request` is the backend's own; the public templates use no user, perms or messages.
            "context_processors": [
                "newsdesk.web.context.public",
                "newsdesk.consent.context_processors.consent",
            ],
        },
    },
    {
        # The admin, the operator console and the mails (each app's templates/ folder): Django's engine.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [OPERATOR_TEMPLATES],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} with its answers remembered (newsdesk/web/templatetags/remembered_url.py).
            "builtins": ["newsdesk.web.templatetags.remembered_url"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.web.context.site",
                "newsdesk.consent.context_processors.consent",
            ],
        },
    },
]

# ---- the admin login: a brute-force limit (django-axes) ----------------------------------------
# Failed logins are counted per account and, separately, per client address (NEWSDESK_TRUSTED_PROXIES
# decides which address that is), in Django's cache, so the count holds across web processes when
# CACHES is shared (Redis). After NEWSDESK_ADMIN_LOGIN_FAILURES failures the account (or the address)
# is refused, even with the right password, for NEWSDESK_ADMIN_LOGIN_COOLOFF seconds; each lockout is
# logged (logger "axes", WARNING).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = _env_int("NEWSDESK_ADMIN_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = _env_float("NEWSDESK_ADMIN_LOGIN_COOLOFF", 900) / 3600  # hours, as axes counts
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsdesk.core.http.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = True

# ---- database ----------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "newsdesk.sqlite3"
DATABASE_URL = _env_str("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}"
# Web requests keep their thread's connection this many seconds (0: a new one per request, which costs
# a connection set-up per page: on PostgreSQL a server process, on SQLite the PRAGMAs below).
DB_CONN_MAX_AGE = _env_int("NEWSDESK_DB_CONN_MAX_AGE", 300)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True)
}
# SQLite reads the database file through a memory map of this many MiB (0: through read() calls into its
# own 2 MB page cache per connection). A story placement at 100,000 articles probes a few hundred story
# rows and index pages spread over the file; mapped, a page already in the OS cache costs no system call.
SQLITE_MMAP_MB = _env_int("NEWSDESK_SQLITE_MMAP_MB", 1024)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids the
        # upgrade deadlock when two processes write.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            f" PRAGMA busy_timeout=15000; PRAGMA mmap_size={max(SQLITE_MMAP_MB, 0) * 1024 * 1024};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 15,
    }
# PostgreSQL: statements a connection runs this many times are prepared on the server (psycopg's
# prepare_threshold, with server-side parameter binding, which preparing needs), so PostgreSQL parses and
# plans a page's statements once per connection instead of on every page (docs/decisions/0017, 2026-12-06
# "PostgreSQL's side"). -1 turns both off (Django's defaults), as a pooler in transaction mode such as
# PgBouncer before 1.21 needs.
DB_PREPARE_THRESHOLD = _env_int("NEWSDESK_DB_PREPARE_THRESHOLD", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARE_THRESHOLD >= 0:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD}
    )
# Test runs in parallel checkouts pick their own database name.
if _env_str("NEWSDESK_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": _env_str("NEWSDESK_TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- background work (the django.tasks API) ----------------------------------------------------
# NEWSDESK_TASK_BACKEND: "database" (the embedded default: the task table), "rq" (RQ on
# NEWSDESK_REDIS_URL, through django-tasks-rq; `newsdesk worker` then runs an RQ worker), or a dotted path.
_TASK_BACKEND_ALIASES = {
    "database": "django_tasks_db.DatabaseBackend",
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASK_BACKEND = _env_str("NEWSDESK_TASK_BACKEND", "database").strip()
TASK_BACKEND = _TASK_BACKEND_ALIASES.get(TASK_BACKEND.lower(), TASK_BACKEND)
TASKS = {"default": {"BACKEND": TASK_BACKEND, "QUEUES": ["default"]}}
if TASK_BACKEND == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("NEWSDESK_TASK_BACKEND=rq needs NEWSDESK_REDIS_URL (redis://host:6379/0).")
    INSTALLED_APPS.append("django_rq")
    # One queue, on the same Redis; a job whose work-horse dies is retried (newsdesk/core/queue.py).
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": _env_int("NEWSDESK_TASK_TIMEOUT", 600),
            "QUEUE_CLASS": "newsdesk.core.queue.RetryingQueue",
        }
    }

# Leases and the queue's clean-up (newsdesk/ingest/leases.py, docs/decisions/0018-scale-out.md).
NEWSDESK_QUEUE: dict[str, Any] = {
    # A worker holds a source while refreshing it for this many seconds, renewing it as it goes; a
    # killed worker's source is free again (and queued again) once it runs out.
    "LEASE_SECONDS": _env_int("NEWSDESK_LEASE_SECONDS", 60),
    # A source marked queued whose task has not started within this many seconds is looked up in the
    # queue, and queued again if its task is gone (e.g. with a Redis that restarted empty).
    "QUEUED_STALE_SECONDS": _env_int("NEWSDESK_QUEUED_STALE_SECONDS", 60),
    # Seconds between heartbeats of web, worker and scheduler processes; a process not seen for
    # three of them is taken for dead (its running tasks are queued again).
    "HEARTBEAT_SECONDS": _env_int("NEWSDESK_HEARTBEAT_SECONDS", 5),
    # Due sources go to the queue in chunks of up to this many, one task each (fewer when few are due,
    # so that every worker gets some); a task checks BATCH_THREADS of its sources at once.
    "BATCH_SOURCES": _env_int("NEWSDESK_QUEUE_BATCH", 25),
    "BATCH_THREADS": _env_int("NEWSDESK_QUEUE_BATCH_THREADS", 8),
}

# ---- the shared cache ------------------------------------------------------------------------
# With Redis, rate limits and throttles agree across every web process; without, each process keeps its own.
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _env_str("NEWSDESK_CACHE_PREFIX", "newsdesk"),
        }
    }
else:
    # django-axes warns that a per-process cache does not share its counts. Without Redis there is one
    # web process (`newsdesk run`), so the count it keeps is the whole count.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

# ---- language and time -------------------------------------------------------------------------
# The interface language (gettext) and the date formats; English ships.
LANGUAGE_CODE = _env_str("NEWSDESK_LANGUAGE", "en")
TIME_ZONE = _env_str("NEWSDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# ---- static files ------------------------------------------------------------------------------
# Served by us (whitenoise), straight from the apps' static folders: no collectstatic step, and every
# URL carries a content hash, so browsers may keep them for a year (docs/decisions/0010).
STATIC_URL = "/static/"
# collectstatic is optional (for a front server that serves the files itself); whitenoise warns when
# STATIC_ROOT names a folder that does not exist, so it is only set once someone has collected.
STATIC_ROOT = DATA_DIR / "static" if (DATA_DIR / "static").is_dir() else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsdesk.web.staticfiles.VersionedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 365 * 24 * 3600


# whitenoise answers before the CSP and Permissions-Policy middleware: it adds the pages' headers itself.
def _static_headers(headers: Any, path: str, url: str) -> None:
    from newsdesk.consent.headers import add_static_headers

    add_static_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers

# ---- logging -----------------------------------------------------------------------------------
LOG_LEVEL = _env_str("NEWSDESK_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "newsdesk": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# ---- outgoing mail -----------------------------------------------------------------------------
# EMAIL_URL: smtp://user:pass@host:587?tls=True, smtps://..., console://, file:///dir. SMTP goes through
# our subclass of Django's SMTP backend, which records each digest as handed over just before the
# message's final dot (newsdesk/newsletter/mailer.py, docs/decisions/0004).
_email = dj_email_url.parse(_env_str("EMAIL_URL", "console://"))
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
DEFAULT_FROM_EMAIL = _env_str("NEWSDESK_NEWSLETTER_FROM", f"{SITE_NAME} <newsletter@localhost>")

# ---- HTTPS, cookies and security headers (docs/decisions/0012, 0013) ---------------------------
# In config/settings/security.py, imported whole at the top of this module.

# ---- Newsdesk: one dict per concern (NEWSDESK_INGEST ... NEWSDESK_OPS) --------------------------
# In config/settings/newsdesk_app.py, imported whole at the top of this module.
