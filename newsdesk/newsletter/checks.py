"""`manage.py check --deploy`: one-click unsubscribe needs an https List-Unsubscribe URL (RFC 8058)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"NEWSDESK_SITE_URL is {settings.SITE_URL!r}, not https.",
            hint="Mail providers offer one-click unsubscribe (RFC 8058) only with an https URL.",
            id="newsletter.W001",
        )
    ]
