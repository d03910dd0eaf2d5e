"""The consent banner in Chromium: what a reader's browser actually stores, loads and shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Cookie, Page, expect

from newsdesk.consent.models import ConsentRecord
from newsdesk.consent.state import Choice, decode

from .browser import origin, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COOKIE = "newsdesk_consent"
STYLE_PROPS = [
    "font-family", "font-size", "font-weight", "line-height", "color", "background-color",
    "border-top-width", "border-top-style", "border-top-color", "border-radius", "padding-top",
    "padding-left", "text-decoration-line", "text-transform", "letter-spacing", "opacity", "box-shadow",
]  # fmt: skip
COMPUTED = """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
  return {style: Object.fromEntries(PROPS.map(p => [p, s.getPropertyValue(p)])),
          width: r.width, height: r.height, top: r.top}; }""".replace("PROPS", str(STYLE_PROPS))


@dataclass
class Seen:
    """What the browser did: every request it made, and every CSP complaint on the console."""

    requests: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)

    def foreign(self, ours: str) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in {"http", "https"} and origin(u) != ours]


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def context(browser, seen: Seen) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.on("request", lambda request: seen.requests.append(request.url))
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, seen: Seen) -> Page:
    page = context.new_page()

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.csp_errors.append(message.text)

    page.on("console", console)
    return page


def read_like_a_reader(page: Page, base: str) -> None:
    """Home, the first article on it, and a search."""
    page.goto(base + "/")
    expect(page.locator("[data-consent-banner]")).to_be_visible()
    page.goto(base + first_article(page))
    page.goto(base + "/search?q=harbour")
    page.wait_for_load_state("networkidle")


def first_article(page: Page) -> str:
    href = page.locator('main a[href^="/article/"]').first.get_attribute("href")
    assert href, "the page lists no article"
    return href


def stored_choice(context: BrowserContext, only: bool = True) -> Choice:
    choice = decode(consent_cookie(context, only)["value"])
    assert choice is not None, "the consent cookie cannot be read"
    return choice


def consent_cookie(context: BrowserContext, only: bool = True) -> Cookie:
    cookies = context.cookies()
    if only:
        assert [c["name"] for c in cookies] == [COOKIE], cookies
    found = [c for c in cookies if c["name"] == COOKIE]
    assert len(found) == 1, cookies
    return found[0]


def test_a_reader_who_only_reads_leaves_no_trace(live_server, context, page, seen, tracker_snippets,
                                                   demo_articles, third_party):  # fmt: skip
    read_like_a_reader(page, live_server.url)
    assert context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0
    assert seen.foreign(live_server.url) == []
    assert len(seen.requests) > 3
    assert third_party.requests == []
    assert page.locator("script[src*='127.0.0.2']").count() == 0  # absent, not hidden
    assert page.evaluate("typeof window.statsQueue") == "undefined"
    assert seen.csp_errors == []


def test_accept_and_reject_look_the_same(live_server, page, tracker_snippets):
    for width, path in ((1280, "/"), (375, "/"), (1280, "/privacy/cookies/")):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + path)
        accept = page.locator("[data-consent-accept]").evaluate(COMPUTED)
        reject = page.locator("[data-consent-reject]").evaluate(COMPUTED)
        assert accept["style"] == reject["style"]
        assert (accept["width"], accept["height"]) == (reject["width"], reject["height"])
        assert accept["width"] > 80
        assert accept["height"] >= 44  # a comfortable target, WCAG 2.5.8 and more
        assert accept["top"] == reject["top"]  # the same level, side by side
        screenshot(page, f"consent-banner{path.replace('/', '-').rstrip('-')}-{width}")


def test_reject_all_sets_only_the_consent_cookie(live_server, context, page, tracker_snippets, third_party,
                                                 demo_articles):  # fmt: skip
    page.goto(live_server.url + "/")
    article = live_server.url + first_article(page)
    page.goto(article)
    page.get_by_role("button", name="Reject all").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    assert page.url == article
    cookie = consent_cookie(context)
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert stored_choice(context).granted == frozenset()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("script[src*='count.js']").count() == 0
    assert page.evaluate("localStorage.length") == 0
    assert third_party.requests == []
    assert ConsentRecord.objects.get().action == "reject_all"


def test_accept_all_brings_the_snippet_on_the_next_page(live_server, context, page, seen, tracker_snippets,
                                                        third_party, demo_articles):  # fmt: skip
    page.goto(live_server.url + "/")  # a cacheable page (ETag, max-age): the browser must not reuse it
    assert page.locator("script[src*='count.js']").count() == 0
    page.get_by_role("button", name="Accept all").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    assert page.url == live_server.url + "/"
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.exampleStatsLoaded") is True
    assert page.evaluate("window.statsQueue") == ["pageview"]  # the inline part ran: its nonce was right
    assert "/count.js" in third_party.paths
    assert page.locator("img.ad-pixel").count() == 1
    assert seen.csp_errors == []
    record = ConsentRecord.objects.get()
    assert (record.analytics, record.marketing, record.preferences) == (True, True, True)


def test_change_of_mind_from_cookie_settings(live_server, context, page, tracker_snippets):
    page.goto(live_server.url + "/privacy/cookies/")
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.exampleStatsLoaded") is True
    assert {c["name"] for c in context.cookies()} == {COOKIE, "_es_id"}  # the tracker, now allowed
    assert page.evaluate("localStorage.getItem('_es_seen')") == "1"
    first = stored_choice(context, only=False)
    page.locator("footer").get_by_role("link", name="Cookie settings").click()
    expect(page.get_by_role("heading", name="Cookie settings")).to_be_visible()
    expect(page.get_by_role("switch", name="Analytics")).to_be_checked()
    page.get_by_role("switch", name="Analytics").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    second = stored_choice(context)  # the tracker's cookie went with the withdrawal
    assert page.evaluate("localStorage.length") == 0  # and so did its storage
    assert second.granted == {c for c in first.granted if c.value != "analytics"}
    assert second.subject == first.subject
    records = list(ConsentRecord.objects.order_by("id"))
    assert [(r.action, r.analytics, r.marketing) for r in records] == [("accept_all", True, True),
                                                                      ("custom", False, True)]  # fmt: skip
    assert records[0].subject == records[1].subject
    page.get_by_role("link", name="Back to where you were").click()
    page.wait_for_load_state("networkidle")  # the page's scripts have run: what is absent stays absent
    assert page.url == live_server.url + "/privacy/cookies/"
    assert page.locator("script[src*='count.js']").count() == 0
    expect(page.locator("img.ad-pixel")).to_have_count(1)


def test_the_banner_works_without_javascript(live_server, browser, tracker_snippets):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/privacy/")
        page.get_by_text("Customize").click()  # <details> opens without script
        page.get_by_role("switch", name="Marketing").check()
        page.get_by_role("button", name="Save my choices").click()
        expect(page.locator("[data-consent-banner]")).to_have_count(0)
        choice = stored_choice(context)
        assert {c.value for c in choice.granted} == {"marketing"}
        assert page.locator("img.ad-pixel").count() == 1
        page.goto(live_server.url + "/privacy/consent/")
        page.get_by_role("button", name="Reject all").click()
        assert stored_choice(context).granted == frozenset()
        assert ConsentRecord.objects.count() == 2
    finally:
        context.close()


def test_gpc_counts_as_reject_and_the_banner_says_so(live_server, browser, tracker_snippets, third_party):
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/privacy/cookies/")
        banner = page.locator("[data-consent-banner]")
        expect(banner).to_contain_text("Global Privacy Control")
        expect(banner.get_by_role("button", name="Accept all")).to_have_count(0)
        screenshot(page, "consent-banner-gpc")
        banner.get_by_role("button", name="OK, only necessary cookies").click()
        assert stored_choice(context).granted == frozenset()
        assert ConsentRecord.objects.get().gpc is True
        assert third_party.requests == []
    finally:
        context.close()


def test_a_policy_version_bump_brings_the_banner_back(live_server, page, settings, tracker_snippets):
    page.goto(live_server.url + "/privacy/")
    page.get_by_role("button", name="Accept all").click()
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    settings.NEWSDESK_CONSENT = {**settings.NEWSDESK_CONSENT, "POLICY_VERSION": "2"}
    page.reload()
    expect(page.locator("[data-consent-banner]")).to_be_visible()
    assert page.locator("script[src*='count.js']").count() == 0


def test_keyboard_focus_moves_into_the_banner_and_customize(live_server, page, tracker_snippets):
    page.goto(live_server.url + "/privacy/cookies/")
    assert page.evaluate("document.activeElement.hasAttribute('data-consent-banner')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Accept all"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Reject all"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # opens Customize; focus goes to the first switch
    expect(page.get_by_role("switch", name="Preferences")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # analytics on
    page.keyboard.press("Escape")  # closes Customize, focus back on its summary
    expect(page.locator("[data-consent-banner] summary")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Save my choices"
    expect(page.locator("[data-consent-banner]")).to_have_count(0)
    assert ConsentRecord.objects.get().analytics is True


def test_axe_finds_nothing_with_the_banner_open(live_server, page, tracker_snippets, demo_articles):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for path in ("/", "/privacy/cookies/", "/privacy/consent/", "/privacy/"):
        page.goto(live_server.url + path)
        if page.locator("[data-consent-banner] details").count():
            page.locator("[data-consent-banner] summary").click()
        results = axe.run(page)
        assert results.violations_count == 0, f"{path}: {results.generate_report()}"
    page.goto(live_server.url + "/privacy/consent/")
    screenshot(page, "consent-settings-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/privacy/cookies/")
    page.locator("[data-consent-banner] summary").click()
    screenshot(page, "consent-customize-375")


def test_the_admin_works_under_the_csp(live_server, page, seen, tracker_snippets):
    from django.contrib.auth.models import User

    User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    for path in ("/admin/consent/snippet/add/", "/admin/consent/consentrecord/", "/admin/consent/snippet/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/admin/consent/snippet/add/")
    page.get_by_role("button", name="Add another Cookie or storage item").click()  # admin JavaScript runs
    assert page.locator("tr.dynamic-storage").count() == 2
    assert seen.csp_errors == []
