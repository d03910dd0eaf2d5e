"""Absolute links for mail, built from NEWSDESK_SITE_URL (mail has no request to build them from)."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from .conf import conf
from .tokens import confirm_token, manage_token, unsubscribe_token


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscriber_id: int, nonce: str) -> str:
    return absolute(reverse("newsletter:confirm", args=[confirm_token(subscriber_id, nonce)]))


_MANAGE_PAGES = ("unsubscribe", "preferences", "export", "delete")
_SLOT = "NEWSDESK-SLOT"  # a stand-in for the token


@cache
def _manage_patterns(site_url: str) -> tuple[tuple[str, str], ...]:
    """Each page's absolute URL with a stand-in token: reverse() once, not four times per mail."""
    return tuple((name, absolute(reverse(f"newsletter:{name}", args=[_SLOT]))) for name in _MANAGE_PAGES)


def manage_urls(key: str, manage_key: str) -> dict[str, str]:
    """The subscriber's own links: unsubscribe with the unsubscribe token (List-Unsubscribe), the other
    pages with a fresh manage token."""
    tokens = {"unsubscribe": unsubscribe_token(key)}
    manage = manage_token(manage_key)
    return {
        name: pattern.replace(_SLOT, tokens.get(name, manage))
        for name, pattern in _manage_patterns(settings.SITE_URL)
    }


def manage_url(manage_key: str, page: str = "preferences") -> str:
    return absolute(reverse(f"newsletter:{page}", args=[manage_token(manage_key)]))


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def list_id() -> str:
    """RFC 2919 List-Id: a phrase and a dotted identifier under a domain we name."""
    configured = conf().list_id
    if configured:
        return configured
    return f"{settings.SITE_NAME} digest <digest.{site_host()}>"
