"""The console in Chromium: a staff member logs in through the admin, finds the failing source first
with its error, charts drawn as SVG with a point per bucket, nothing for axe to report, no request to
another host and nothing refused by the Content Security Policy; photographed at phone and desktop widths."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from bench.console.seed import Seeded, seed
from tests.support.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long staff password"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def site(live_server) -> tuple[str, Seeded]:
    room = seed(sources=60, articles=400, now=datetime.now(UTC))
    User.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)
    return live_server.url, room


@pytest.fixture
def screens() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _logged_in(browser, base: str, *, dark: bool = False) -> Any:
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="dark" if dark else "light"
    )
    page = ctx.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.close()
    return ctx


def _watch(page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"requests": [], "csp": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on(
        "console",
        lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_staff_see_the_failing_source_first_and_svg_charts(browser, site, screens: Path) -> None:
    base, room = site
    ctx = _logged_in(browser, base)
    try:
        page = ctx.new_page()
        page.goto(f"{base}/admin/")
        with page.expect_navigation():
            page.get_by_role("link", name="Open the operator console").click()
        assert urlsplit(page.url).path == "/admin/console/"

        first = page.locator(".attention-list > li").first
        assert first.locator(".a-title").inner_text() == "The Failing Herald has been failing for 3 days"
        assert "The server answered 503 Service Unavailable." in first.locator(".a-detail").inner_text()
        with page.expect_navigation():
            first.get_by_role("link").click()
        assert urlsplit(page.url).path == f"/admin/sources/source/{room.failing_id}/change/"
        page.go_back()

        charts = page.locator("figure.chart svg")
        assert charts.count() == 9
        counts = page.eval_on_selector_all(
            "figure.chart svg polyline",
            "lines => lines.map(l => l.points.numberOfItems)",
        )
        assert len(counts) >= 9
        assert set(counts) == {24}
        sparks = page.eval_on_selector_all(
            "table.sources svg.spark polyline", "lines => lines.map(l => l.points.numberOfItems)"
        )
        assert len(sparks) == 100  # 50 rows, two lines each
        assert set(sparks) == {30}
        with page.expect_navigation():
            page.get_by_role("link", name="Last 30 days").click()
        counts = page.eval_on_selector_all(
            "figure.chart svg polyline", "lines => lines.map(l => l.points.numberOfItems)"
        )
        assert set(counts) == {30}
        # Sorting by a heading is a link; the sorted column says so.
        with page.expect_navigation():
            page.get_by_role("link", name="Articles a day").click()
        assert page.locator('th[aria-sort="ascending"]').text_content().strip() == "Articles a day"
    finally:
        ctx.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_finds_nothing_and_the_page_stays_on_our_origin(browser, site, screens: Path, dark: bool) -> None:
    base, _room = site
    ctx = _logged_in(browser, base, dark=dark)
    problems = []
    try:
        for label, width in WIDTHS.items():
            page = ctx.new_page()
            seen = _watch(page)
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/admin/console/", wait_until="networkidle")
            name = f"console-{label}{'-dark' if dark else ''}.png"
            page.screenshot(path=str(screens / name), full_page=True)
            if width < 500 and not dark:  # a phone's page is too long to judge whole: each part too
                for part in ("attention", "sources", "charts-part"):
                    page.locator(f"#console > section.{part}").screenshot(
                        path=str(screens / f"console-phone-{part}.png")
                    )
            results = Axe().run(page)
            if results.violations_count:
                problems.append(f"at {width}px:\n{results.generate_report()}")
            foreign = [u for u in seen["requests"] if urlsplit(u).netloc != urlsplit(base).netloc]
            if foreign:
                problems.append(f"asked other hosts: {foreign}")
            if seen["csp"]:
                problems.append(f"refused by the CSP: {seen['csp']}")
            # The page itself never scrolls sideways; only the table's own box may.
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                problems.append(f"the page scrolls sideways at {width}px")
            page.close()
    finally:
        ctx.close()
    assert not problems, "\n\n".join(problems)


def test_someone_not_logged_in_is_sent_to_the_login(browser, site) -> None:
    base, _room = site
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"{base}/admin/console/")
        assert urlsplit(page.url).path == "/admin/login/"
        assert page.locator("#id_username").count() == 1
        assert page.locator(".attention-list").count() == 0
    finally:
        ctx.close()
