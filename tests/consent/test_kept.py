"""The cookie banner and the footer's consent links are kept per consent state and language
(newsdesk/consent/kept.py): readers asked for pages in turn each get their own state's banner, their own
page's address in it, and nothing of another reader's."""

from __future__ import annotations

import re
from typing import cast
from urllib.parse import quote

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from newsdesk.consent import kept
from newsdesk.consent.current import load_registry, snippet_cache
from newsdesk.consent.models import Snippet
from newsdesk.core.middleware import LazyMessageMiddleware

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    kept.forget()


def consent_cookie(action: str, **switches: str) -> str:
    answer = Client().post("/privacy/consent/", {"action": action, **switches}, headers=SAME_ORIGIN)
    name = settings.NEWSDESK_CONSENT["COOKIE_NAME"]
    return f"{name}={answer.cookies[name].value}"


def banner_of(html: str) -> str:
    found = re.search(r'<div class="consent-banner".*?</form>\s*</details>', html, re.S)
    return found.group(0) if found else ""


def nexts(html: str) -> set[str]:
    return set(re.findall(r'name="next" value="([^"]*)"', banner_of(html)))


def settings_link(html: str) -> str:
    return re.findall(r'href="/privacy/consent/\?next=([^"]*)"', html.split('class="site-footer"')[1])[0]


def test_readers_in_turn_each_get_their_own_state(analytics_snippet: Snippet) -> None:
    """No choice: the banner, with this page's address. GPC: the GPC banner. Accepted or rejected: no
    banner, and an accepted reader's snippet. Asked in turn, three times, after the banner is kept."""
    accepted = consent_cookie("accept_all")
    rejected = consent_cookie("reject_all")
    readers = [
        ("new", {}, "/topics/"),
        ("gpc", {"Sec-GPC": "1"}, "/sources/"),
        ("accepted", {"Cookie": accepted}, "/topics/?x=1"),
        ("rejected", {"Cookie": rejected}, "/sources/?y=2"),
        ("new", {}, "/search?q=a%22b%3Cc"),
    ]
    for _ in range(3):
        for kind, headers, path in readers:
            html = Client().get(path, headers=headers).content.decode()
            banner = banner_of(html)
            if kind in ("new", "gpc"):
                assert banner, (kind, path)
                assert ("Global Privacy Control" in banner) == (kind == "gpc"), (kind, path)
                # The page's own address, escaped, in each of the banner's forms; no other reader's.
                escaped = path.replace("&", "&amp;").replace('"', "&quot;")
                assert nexts(html) == {escaped}, (kind, path)
                switched_on = "checked>" in banner.replace("checked disabled", "")
                assert not switched_on, "an optional switch is on for a reader who never chose"
            else:
                assert "data-consent-banner" not in html, (kind, path)
            assert ("stats.example.org/count.js" in html) == (kind == "accepted"), (kind, path)
            assert settings_link(html) == quote(path, safe="/").replace("&", "&amp;"), (kind, path)


def test_a_reader_with_a_choice_is_not_shown_a_kept_banner(analytics_snippet: Snippet) -> None:
    """The banner is kept once a new reader has seen it; a reader who chose still gets none, and the
    response of a reader whose consent was read varies on Cookie and Sec-GPC."""
    Client().get("/topics/")
    cookie = consent_cookie("reject_all")
    answer = Client().get("/topics/", headers={"Cookie": cookie})
    assert "data-consent-banner" not in answer.content.decode()
    assert {"cookie", "sec-gpc"} <= {v.strip().lower() for v in answer["Vary"].split(",")}
    fresh = Client().get("/topics/")
    assert "data-consent-banner" in fresh.content.decode()
    assert {"cookie", "sec-gpc"} <= {v.strip().lower() for v in fresh["Vary"].split(",")}


def test_nothing_to_ask_means_no_banner_and_a_new_snippet_brings_it() -> None:
    """With only necessary items there is no banner; enabling a snippet asks again (a new registry, so a
    new kept banner), at once in this process."""
    assert "data-consent-banner" not in Client().get("/topics/").content.decode()
    Snippet.objects.create(
        name="Late Stats", category="analytics", html="<script src='https://late.example.org/a.js'></script>",
        provider="Late", purpose="Counts.", csp_sources="https://late.example.org",
    )  # fmt: skip
    snippet_cache.forget()
    html = Client().get("/topics/").content.decode()
    assert "data-consent-banner" in html
    assert "Late" in banner_of(html)


def test_the_banner_is_kept_per_language(analytics_snippet: Snippet) -> None:
    """One kept banner per active language: a page in another language does not get the first one's copy."""
    english = Client().get("/topics/").content.decode()
    with translation.override("de"):
        german = Client().get("/sources/").content.decode()
    assert "Your choice about cookies" in banner_of(english)
    languages = sorted(str(key[1]) for key in kept._kept if key[0] == "banner")
    assert languages == ["de", "en"]
    assert nexts(english) == {"/topics/"}
    assert nexts(german) == {"/sources/"}


def test_the_registry_is_built_once_per_reading_of_the_snippets(analytics_snippet: Snippet) -> None:
    first, _ = load_registry()
    assert load_registry()[0] is first
    analytics_snippet.purpose = "Counts page views, differently."
    analytics_snippet.save()
    snippet_cache.forget()
    second, _ = load_registry()
    assert second is not first
    assert second.version != first.version


def test_messages_still_reach_the_admin(admin_client) -> None:
    """The message storage is made only when used; a message added in one admin request is shown on the
    next, as Django's own middleware does."""
    assert "newsdesk.core.middleware.LazyMessageMiddleware" in settings.MIDDLEWARE
    from newsdesk.sources.models import Source

    source = Source.objects.create(url="http://outlet.invalid/feed.xml", name="Message Courier")
    answer = admin_client.post(
        f"/admin/sources/source/{source.pk}/change/",
        {"url": source.url, "name": "Message Courier Two", "_save": "1"},
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(message) for message in answer.context["messages"]]
    assert shown, "no message after a save in the admin"


def test_the_message_storage_is_made_only_when_used() -> None:
    """A request that adds no message gets no storage and no cookie; one that adds a message gets Django's
    storage, which keeps the message in its cookie."""
    from django.contrib import messages
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory
    from django.utils.functional import empty

    def quiet(request):
        return HttpResponse("read only")

    def noisy(request):
        messages.info(request, "Saved.")
        return HttpResponse("saved")

    for view, wants_message in ((quiet, False), (noisy, True)):
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
        response = cast(HttpResponse, LazyMessageMiddleware(view)(request))
        storage = request._messages  # type: ignore[attr-defined]
        assert (storage._wrapped is not empty) == wants_message
        assert ("messages" in response.cookies) == wants_message
