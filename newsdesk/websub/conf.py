"""The WebSub settings (NEWSDESK_WEBSUB), read when called, and the fixed limits beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

# A hub that accepted a request but has not verified it within this long is taken to have dropped it.
VERIFY_TIMEOUT = timedelta(minutes=15)
# Pushed bodies kept per source while its push task is busy; past this the oldest goes (the source is
# then polled once the task is done, so what it held is not lost).
MAX_WAITING = 20
# A push task queued longer than this ago without finishing is taken to be lost (a killed worker).
STALE_PUSH = timedelta(minutes=15)
# A failed subscription is tried again after 5 minutes, doubling up to a day.
RETRY_FIRST = timedelta(minutes=5)
RETRY_MAX = timedelta(days=1)
# The lease a hub grants is clamped to this range; renewal starts when a fifth of it is left.
LEASE_MIN, LEASE_MAX = 60, 365 * 24 * 3600
RENEW_AT = 0.8


@dataclass(frozen=True)
class WebSubConf:
    enabled: bool
    lease_seconds: int
    safety_poll_seconds: int
    max_bytes: int


def conf() -> WebSubConf:
    values = settings.NEWSDESK_WEBSUB
    return WebSubConf(
        enabled=bool(values["ENABLED"]),
        lease_seconds=int(values["LEASE_SECONDS"]),
        safety_poll_seconds=int(values["SAFETY_POLL_SECONDS"]),
        max_bytes=int(values["MAX_BYTES"]),
    )


def retry_delay(failures: int) -> timedelta:
    """How long after its `failures`-th failure a subscription is tried again."""
    doubled: timedelta = RETRY_FIRST * (1 << max(0, min(failures - 1, 20)))
    return min(RETRY_MAX, doubled)


def callback_url(token: str) -> str:
    """The subscription's callback: NEWSDESK_SITE_URL/websub/<token>/."""
    from django.urls import reverse

    return settings.SITE_URL + reverse("websub:callback", args=[token])
