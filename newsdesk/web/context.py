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


def public(request: HttpRequest) -> dict[str, Any]:
    """`site()` for the public site's Jinja2 templates. Django's Jinja2 backend lays the context processors'
    values over the view's, so the latest feeds are `site_feeds` here: a page's own `feeds` stay its own."""
    from newsdesk.web.metadata import latest_feeds

    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_feeds": SimpleLazyObject(latest_feeds),
    }
