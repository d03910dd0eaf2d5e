"""Which view each address reaches, written down from the URLconf's order before the public site's patterns
moved to the front of config/urls.py (decision 0029, h11d). Moving them must reach the same view with the
same arguments for every address, and the addresses that matched nothing still match nothing."""

from __future__ import annotations

import functools

import pytest
from django.urls import Resolver404, resolve

# address -> (view name, the view function's module and name, keyword arguments), or None for no match
EXPECTED: dict[str, tuple[str, str, dict[str, object]] | None] = {
    "/": ("web:home", "newsdesk.web.views.pages.home", {}),
    "/article/12-a-slug/": ("web:article", "newsdesk.web.views.pages.article", {"pk": 12, "slug": "a-slug"}),
    "/article/12/": ("web:article-bare", "newsdesk.web.views.pages.article", {"pk": 12}),
    "/sources/": ("web:sources", "newsdesk.web.views.browse.source_index", {}),
    "/source/3-the-outlet/": (
        "web:source",
        "newsdesk.web.views.browse.source",
        {"pk": 3, "slug": "the-outlet"},
    ),
    "/source/3/": ("web:source-bare", "newsdesk.web.views.browse.source", {"pk": 3}),
    "/topics/": ("web:topics", "newsdesk.web.views.browse.topic_index", {}),
    "/topic/politics/": ("web:topic", "newsdesk.web.views.browse.topic", {"slug": "politics"}),
    "/story/7/": ("web:story", "newsdesk.web.views.stories.story", {"pk": 7}),
    "/search": ("web:search", "newsdesk.web.views.search.search_page", {}),
    "/live/": ("web:live", "newsdesk.web.views.live.live_page", {}),
    "/live/stream": ("live:stream", "newsdesk.live.views.stream_fallback", {}),
    "/feeds/latest.rss": ("web:feed-latest", "newsdesk.web.views.feeds.latest", {"fmt": "rss"}),
    "/feeds/latest.atom": ("web:feed-latest", "newsdesk.web.views.feeds.latest", {"fmt": "atom"}),
    "/feeds/source/3.json": (
        "web:feed-source",
        "newsdesk.web.views.feeds.source",
        {"pk": "3", "fmt": "json"},
    ),
    "/feeds/topic/politics.rss": (
        "web:feed-topic",
        "newsdesk.web.views.feeds.topic",
        {"slug": "politics", "fmt": "rss"},
    ),
    "/feeds/search.atom": ("web:feed-search", "newsdesk.web.views.feeds.search_feed", {"fmt": "atom"}),
    "/img/a/12/0123456789abcdef0123/": (
        "web:image",
        "newsdesk.web.views.images.image",
        {"kind": "a", "pk": "12", "key": "0123456789abcdef0123"},
    ),
    "/robots.txt": ("web:robots", "newsdesk.web.views.meta.robots_txt", {}),
    "/healthz": ("web:healthz", "newsdesk.web.views.health.healthz", {}),
    "/readyz": ("web:readyz", "newsdesk.web.views.health.readyz", {}),
    "/sitemap.xml": ("web:sitemap-index", "newsdesk.web.views.meta.sitemap_index", {}),
    "/sitemap-articles-1.xml": (
        "web:sitemap",
        "newsdesk.web.views.meta.sitemap_section",
        {"section": "articles-1"},
    ),
    "/sitemap-news.xml": ("web:sitemap", "newsdesk.web.views.meta.sitemap_section", {"section": "news"}),
    "/metrics": ("metrics", "newsdesk.core.views.metrics", {}),
    "/admin/console/": ("console:dashboard", "newsdesk.console.views.dashboard", {}),
    "/admin/": ("admin:index", "django.contrib.admin.sites.index", {}),
    "/admin/login/": ("admin:login", "django.contrib.admin.sites.login", {}),
    "/newsletter/subscribe/": ("newsletter:subscribe", "newsdesk.newsletter.views.subscribe", {}),
    "/newsletter/confirm/tok/": ("newsletter:confirm", "newsdesk.newsletter.views.confirm", {"token": "tok"}),
    "/newsletter/unsubscribe/tok/": (
        "newsletter:unsubscribe",
        "newsdesk.newsletter.views.unsubscribe",
        {"token": "tok"},
    ),
    "/newsletter/preferences/tok/": (
        "newsletter:preferences",
        "newsdesk.newsletter.views.preferences",
        {"token": "tok"},
    ),
    "/newsletter/export/tok/": ("newsletter:export", "newsdesk.newsletter.views.export", {"token": "tok"}),
    "/newsletter/delete/tok/": ("newsletter:delete", "newsdesk.newsletter.views.delete", {"token": "tok"}),
    "/newsletter/link/tok/": (
        "newsletter:fresh-link",
        "newsdesk.newsletter.views.fresh_link",
        {"token": "tok"},
    ),
    "/privacy/": ("consent:privacy", "newsdesk.consent.views.privacy", {}),
    "/privacy/cookies/": ("consent:cookies", "newsdesk.consent.views.cookies", {}),
    "/privacy/consent/": ("consent:settings", "newsdesk.consent.views.consent_settings", {}),
    "/websub/tok123/": ("websub:callback", "newsdesk.websub.views.callback", {"token": "tok123"}),
    # no match anywhere (404s), including near misses of every prefix
    "/article/": None,
    "/article/x-slug/": None,
    "/article/12-a-slug": None,
    "/topic/": None,
    "/story/x/": None,
    "/feeds/latest.xml": None,
    "/feeds/source/x.rss": None,
    "/img/a/12/short/": None,
    "/sitemap-.xml": None,
    "/live/other": None,
    "/newsletter/": None,
    "/newsletter/confirm/": None,
    "/privacy/other/": None,
    "/websub/": None,
    "/metrics/": None,
    "/static/css/site.css": None,
    "/media/x.jpg": None,
    "/nothing/here/": None,
}


def _resolved(address: str) -> tuple[str, str, dict[str, object]] | None:
    try:
        match = resolve(address)
    except Resolver404:
        return None
    func = match.func.func if isinstance(match.func, functools.partial) else match.func
    return match.view_name, f"{func.__module__}.{func.__name__}", dict(match.kwargs)


@pytest.mark.parametrize("address", list(EXPECTED))
def test_each_address_reaches_the_same_view(address: str) -> None:
    assert _resolved(address) == EXPECTED[address]


def test_the_api_and_the_admin_keep_their_routes() -> None:
    assert resolve("/api/articles").route == "api/articles"
    assert resolve("/api/articles").view_name == "api:list_articles"
    assert resolve("/api/").view_name == "api:api-root"
    assert resolve("/api/openapi.json").view_name == "api:openapi-json"
    assert resolve("/admin/newsdesk_core/article/").view_name.startswith("admin:")
    with pytest.raises(Resolver404):
        resolve("/api/docs")
