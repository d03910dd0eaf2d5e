"""The site's security headers as plain (name, value) pairs, for the answers that Django's middleware
does not make: static files (whitenoise answers them before the CSP and Permissions-Policy middleware)
and the live stream (served on the event loop, without Django's request cycle).

The values are built from the same settings as the pages' headers (CONTENT_SECURITY_POLICY,
PERMISSIONS_POLICY, SECURE_REFERRER_POLICY, X_FRAME_OPTIONS, SECURE_CROSS_ORIGIN_OPENER_POLICY), so the
two cannot drift apart. What cannot apply is documented in docs/decisions/0013-security-headers.md.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@lru_cache(maxsize=1)
def site_headers() -> tuple[tuple[str, str], ...]:
    """The pages' security headers, without a nonce (these answers carry no inline content)."""
    from csp.utils import build_policy
    from django_permissions_policy import PermissionsPolicyMiddleware

    headers = [
        ("Content-Security-Policy", build_policy()),
        ("Permissions-Policy", PermissionsPolicyMiddleware.compute_header_value(
            dict(settings.PERMISSIONS_POLICY), name="PERMISSIONS_POLICY"
        )),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
    ]  # fmt: skip
    return tuple((name, value) for name, value in headers if value)


def hsts_header() -> tuple[str, str] | None:
    """HSTS as Django sends it: only when NEWSDESK_HTTPS is on (and only on an HTTPS answer)."""
    seconds = int(settings.SECURE_HSTS_SECONDS or 0)
    return ("Strict-Transport-Security", f"max-age={seconds}") if seconds > 0 else None


def add_static_headers(headers: Any, path: str, url: str) -> None:
    """whitenoise's WHITENOISE_ADD_HEADERS_FUNCTION: the pages' security headers on every static file.

    Django's SecurityMiddleware still runs around whitenoise (nosniff, Referrer-Policy, COOP, and HSTS on
    HTTPS); the rest is added here, once per file when whitenoise indexes it.
    """
    for name, value in site_headers():
        if name not in headers:
            headers[name] = value


@receiver(setting_changed)
def _forget(setting: str, **kwargs: object) -> None:
    if setting in {
        "CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    }:  # fmt: skip
        site_headers.cache_clear()
