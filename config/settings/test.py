"""Settings for the test suite: the base settings plus fast, local choices.

The data directory is a fresh temporary one per test session (shared with the CLI subprocesses the
tests start, through the environment), and the SQLite test database is a file in it, so that a
`newsdesk` subprocess sees what the test wrote.
"""

import logging
import os
import sys
import tempfile
from typing import TextIO

if not os.environ.get("NEWSDESK_TEST_DATA_DIR"):
    os.environ["NEWSDESK_TEST_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-test-")
os.environ["NEWSDESK_DATA_DIR"] = os.environ["NEWSDESK_TEST_DATA_DIR"]
os.environ.setdefault("NEWSDESK_SECRET_KEY", "insecure-key-for-tests-only")

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES, LOGGING, NEWSDESK_INGEST, NEWSDESK_NEWSLETTER, NEWSDESK_SITE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEWSDESK_INGEST["ALLOW_PRIVATE_NETWORKS"] = True
# The immediate task backend would fetch every stored story's image during ingest tests; the image
# tests turn it on.
NEWSDESK_SITE["IMAGE_PREFETCH"] = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NEWSDESK_NEWSLETTER["CHECK_DELIVERABILITY"] = False
NEWSDESK_NEWSLETTER["RETRY_BACKOFF"] = 0.01
NEWSDESK_NEWSLETTER["RATE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].setdefault("NAME", str(DATA_DIR / "test.sqlite3"))


class CurrentStderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record is emitted. pytest swaps sys.stderr for each test
    (and capsys for each call); base.py's StreamHandler keeps the stream that was current when logging
    was configured, and once pytest closed that stream every record printed "--- Logging error ---
    ValueError: I/O operation on closed file" into other tests' output."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """StreamHandler assigns its stream; the current sys.stderr is the one used all the same."""


# Production (base.py, prod.py) keeps its plain StreamHandler.
LOGGING = {**LOGGING, "handlers": {"stderr": {"()": CurrentStderrHandler, "formatter": "plain"}}}
