"""What every template may use. Touches neither the session nor the user, so no page sets a cookie."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict[str, Any]:
    from newsdesk.web.metadata import latest_feeds

    # Pages with feeds of their own pass `feeds`; every other page (404 included) advertises the latest.
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "feeds": SimpleLazyObject(latest_feeds),
    }
