"""The newsletter's settings (settings.NEWSDESK_NEWSLETTER), typed, read when used (never at import time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Conf:
    list_id: str
    rate: float
    retries: int
    retry_backoff: float
    max_items: int
    check_seconds: float
    senders: int
    claim_batch: int
    claim_lease: float
    signups_per_ip: int
    signups_per_address: int
    check_deliverability: bool
    trusted_proxies: int
    manage_link_days: float


def conf() -> Conf:
    raw: dict[str, Any] = settings.NEWSDESK_NEWSLETTER
    return Conf(
        list_id=str(raw["LIST_ID"]),
        rate=float(raw["RATE"]),
        retries=int(raw["RETRIES"]),
        retry_backoff=float(raw["RETRY_BACKOFF"]),
        max_items=int(raw["MAX_ITEMS"]),
        check_seconds=float(raw["CHECK_SECONDS"]),
        senders=max(1, int(raw["SENDERS"])),
        claim_batch=max(1, int(raw["CLAIM_BATCH"])),
        claim_lease=max(1.0, float(raw["CLAIM_LEASE"])),
        signups_per_ip=int(raw["SIGNUPS_PER_IP"]),
        signups_per_address=int(raw["SIGNUPS_PER_ADDRESS"]),
        check_deliverability=bool(raw["CHECK_DELIVERABILITY"]),
        trusted_proxies=int(settings.NEWSDESK_SITE["TRUSTED_PROXIES"]),
        manage_link_days=float(raw["MANAGE_LINK_DAYS"]),
    )
