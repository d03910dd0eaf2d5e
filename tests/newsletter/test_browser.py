"""The signup box and the digest mail in a real browser (Chromium through Playwright).

Screenshots go to test-output/newsletter/ for a person to look at.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from newsdesk.newsletter.digest import Digest, Story
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.render import Recipient, digest_message

from .conftest import make_article, make_source, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUT = Path(__file__).resolve().parents[2] / "test-output" / "newsletter"


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    # The real topic set (transactional tests flush what the data migration seeded).
    data = json.loads((Path(__file__).resolve().parents[2] / "newsdesk/topics/data/topics.json").read_text())
    for topic in data["topics"]:
        make_topic(topic["slug"], topic["name"])
    transport, science = make_topic("transport"), make_topic("science")
    gazette = make_source("Harbour Gazette")
    courier = make_source("Valley Courier")
    story = make_article(gazette, "Night ferries return to the east quay", topics=[transport])
    make_article(courier, "Observatory opens its dome to visitors", topics=[science])
    OUT.mkdir(parents=True, exist_ok=True)
    return {"url": live_server.url, "story": story, "transport": transport, "gazette": gazette}


def _no_horizontal_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_signup_box_with_javascript_answers_in_place(browser, site) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(site["url"] + "/")
    box = page.locator(".nl-box")
    box.scroll_into_view_if_needed()
    assert box.locator("h2").inner_text() == "Get more stuff like this in your inbox"
    page.screenshot(path=OUT / "home-375.png", full_page=True)
    box.locator("input[name=email]").fill("not an address")
    box.locator("button[type=submit]").click()
    error = box.locator("[data-newsletter-error]")
    error.wait_for(state="visible")
    assert "@-sign" in error.inner_text()
    assert box.locator("input[name=email]").input_value() == "not an address"  # kept
    box.screenshot(path=OUT / "box-error-375.png")
    box.locator("input[name=email]").fill("reader@example.org")
    box.locator("button[type=submit]").click()
    done = box.locator(".nl-done")
    done.wait_for()
    assert done.inner_text() == "Thank you for subscribing — check your inbox to confirm."
    assert page.url == site["url"] + "/"  # no navigation
    assert Subscriber.objects.filter(email="reader@example.org").exists()
    assert page.context.cookies() == []
    box.screenshot(path=OUT / "box-done-375.png")
    assert _no_horizontal_scroll(page)
    page.close()


def test_article_page_prefills_the_article_topics_and_source(browser, site) -> None:
    from newsdesk.core import links

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site["url"] + links.article_path(site["story"].pk, site["story"].title))
    box = page.locator(".nl-box")
    assert box.locator("details").get_attribute("open") is not None
    assert box.locator("input[name=topics][value=transport]").is_checked()
    assert not box.locator("input[name=topics][value=science]").is_checked()
    assert box.locator(f"input[name=sources][value='{site['gazette'].pk}']").is_checked()
    assert "Transport" in box.locator(".nl-lede").inner_text()
    box.scroll_into_view_if_needed()
    box.screenshot(path=OUT / "box-article-1280.png")
    page.close()


def test_signup_box_without_javascript_is_a_plain_form(browser, site) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site["url"] + "/newsletter/subscribe/?topic=transport")
    page.fill("input[name=email]", "reader@example")
    page.check("input[name=frequency][value=weekly]")
    page.click(".nl-box button[type=submit]")
    assert page.url.endswith("/newsletter/subscribe/")
    assert "It should have a period" in page.locator("#nl-email-error").inner_text()
    assert page.locator("input[name=email]").input_value() == "reader@example"
    assert page.locator("input[name=frequency][value=weekly]").is_checked()
    assert page.locator("input[name=topics][value=transport]").is_checked()
    page.screenshot(path=OUT / "nojs-error-375.png", full_page=True)
    page.fill("input[name=email]", "reader@example.org")
    page.click(".nl-box button[type=submit]")
    assert "Thank you for subscribing — check your inbox to confirm." in page.locator("main").inner_text()
    page.screenshot(path=OUT / "nojs-thanks-375.png", full_page=True)
    assert context.cookies() == []
    context.close()


def _sample_digest(n: int) -> Digest:
    now = timezone.now()
    titles = [
        "Night ferries return to the east quay after a two-year pause",
        "Observatory opens its dome to visitors on clear evenings",
        "Council agrees a plan for safer cycle lanes on the ring road",
        "Choir from the valley wins the regional prize with a new piece",
        "Harbour crane restored and lit up for the winter festival",
    ]
    stories = tuple(
        Story(
            id=i,
            title=titles[i % len(titles)],
            excerpt="A short synthetic summary of the story, written for this test, long enough to wrap over "
            "several lines on a phone and end with the ellipsis the site uses…",
            url=f"https://news.example/story-{i}",
            source_id=1,
            source_name=["Harbour Gazette", "Valley Courier"][i % 2],
            stored_at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )
    return Digest(stories, more=7)


@pytest.mark.parametrize("width", [375, 800])
def test_digest_mail_reads_well_at_phone_and_desktop_widths(browser, site, width: int) -> None:
    links = {
        k: f"https://news.example/newsletter/{k}/token/"
        for k in ("unsubscribe", "preferences", "export", "delete")
    }
    recipient = Recipient("reader@example.org", "daily", links, ("Transport",), ("Harbour Gazette",))
    message = digest_message(_sample_digest(5), recipient, message_id="<x@news.example>")
    html = str(message.alternatives[0][0])
    assert "<style" in html
    assert 'class="headline"' in html
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_content(str(html))
    page.screenshot(path=OUT / f"digest-{width}.png", full_page=True)
    assert _no_horizontal_scroll(page)
    headline = page.locator("h2.headline").first
    size = float(headline.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 18
    excerpt_size = float(
        page.locator("p.excerpt").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    )
    assert excerpt_size >= 14
    sheet = page.locator("table.sheet").bounding_box()
    assert sheet is not None
    assert sheet["width"] <= min(600, width)
    assert page.get_by_role("link", name="Unsubscribe").is_visible()
    assert page.get_by_role("link", name="Change topics, frequency or pause").is_visible()
    page.close()


@pytest.mark.parametrize("path", ["/", "/newsletter/subscribe/?topic=transport"])
def test_signup_box_has_no_accessibility_violations(browser, site, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site["url"] + path)
    page.locator(".nl-box details").evaluate("d => d.open = true")
    results = Axe().run(page, context=".nl-box")
    assert results.violations_count == 0, results.generate_report()
    page.close()


def test_confirmation_and_preferences_pages_have_no_accessibility_violations(browser, site) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from newsdesk.newsletter.links import confirm_url, manage_urls

    pending = Subscriber.objects.create(email="pending@example.org", confirm_nonce="n0nce")
    confirmed = Subscriber.objects.create(
        email="ada@example.org", status="confirmed", confirmed_at=timezone.now()
    )
    pages = {
        "confirm": confirm_url(pending.pk, "n0nce"),
        "preferences": manage_urls(confirmed.key, confirmed.manage_key)["preferences"],
        "unsubscribe": manage_urls(confirmed.key, confirmed.manage_key)["unsubscribe"],
        "delete": manage_urls(confirmed.key, confirmed.manage_key)["delete"],
    }
    page = browser.new_page(viewport={"width": 375, "height": 800})
    for name, url in pages.items():
        page.goto(url)
        page.screenshot(path=OUT / f"page-{name}-375.png", full_page=True)
        results = Axe().run(page, context="main")
        assert results.violations_count == 0, (name, results.generate_report())
    assert Subscriber.objects.get(pk=pending.pk).status == "pending"  # looking changed nothing
    assert Subscriber.objects.get(pk=confirmed.pk).status == "confirmed"
    page.close()
