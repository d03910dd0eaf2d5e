"""The /live page: the newest headlines, which update by themselves while the page is open.

The updating is the live app's (newsdesk/live: the event stream and its script); this page is the
ordinary, cacheable page that the script enhances, and it works without JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsdesk.web import queries
from newsdesk.web.caching import public_page

# How many headlines the /live page lists.
PAGE_ITEMS = 50


@public_page
def live_page(request: HttpRequest) -> HttpResponse:
    context = {
        "live_news": queries.live_news(limit=PAGE_ITEMS),
        "live_stream_url": "/live/stream",
        "nav": "live",
    }
    return render(request, "web/live.html", context)
