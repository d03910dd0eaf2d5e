"""Fixtures for the consent tests: operator snippets as an operator would enter them."""

from __future__ import annotations

import pytest

from newsdesk.consent.models import Snippet, StorageItem

ANALYTICS_HTML = (
    '<script src="https://stats.example.org/count.js" data-site="news"></script>\n'
    "<script>window.statsQueue = window.statsQueue || []; statsQueue.push('pageview');</script>"
)
MARKETING_HTML = '<img src="https://ads.example.net/pixel.gif" alt="" width="1" height="1">'


@pytest.fixture
def analytics_snippet(db) -> Snippet:
    snippet = Snippet.objects.create(
        name="Example Stats",
        category="analytics",
        html=ANALYTICS_HTML,
        provider="Example Stats Ltd (stats.example.org)",
        purpose="Counts page views.",
        csp_sources="https://stats.example.org",
    )
    StorageItem.objects.create(
        snippet=snippet,
        name="_es_id",
        kind="cookie",
        purpose="Tells repeat visits apart.",
        duration="13 months",
    )
    return snippet


@pytest.fixture
def marketing_snippet(db) -> Snippet:
    return Snippet.objects.create(
        name="Example Ads",
        category="marketing",
        html=MARKETING_HTML,
        provider="Example Ads plc",
        purpose="Measures campaigns.",
        csp_sources="https://ads.example.net",
    )
