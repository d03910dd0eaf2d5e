"""Settings for the test suite: the base settings plus fast, local choices."""

from .base import *  # noqa: F403
from .base import NEWSDESK, NEWSLETTER

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEWSDESK["ALLOW_PRIVATE_NETWORKS"] = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NEWSLETTER["CHECK_DELIVERABILITY"] = False
NEWSLETTER["RETRY_BACKOFF"] = 0.01
NEWSLETTER["RATE"] = 0
