"""The console's page, through Django's test client: what needs attention, the sources table, the charts,
and who may see it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from bench.console.seed import FAILING_ERROR, Seeded

pytestmark = pytest.mark.django_db

URL = "/admin/console/"


def attention_titles(page: str) -> list[str]:
    return re.findall(r'<p class="a-title">([^<]+)</p>', page)


def test_the_failing_source_comes_first_with_its_error_in_one_sentence(
    admin_client: Client, newsroom: Seeded
) -> None:
    page = admin_client.get(URL).content.decode()
    titles = attention_titles(page)
    assert titles[0] == "The Failing Herald has been failing for 3 days"
    first = page.split('<li class="a-item', 2)[1]
    assert "The server answered 503 Service Unavailable. (9 failed checks in a row)" in first
    assert FAILING_ERROR not in page  # only the first sentence
    assert f'href="/admin/sources/source/{newsroom.failing_id}/change/"' in first
    # Then the held source, the review queue, the bounce, the quiet scheduler (the worker is fresh).
    kinds = re.findall(r'<li class="a-item a-(\w+)">', page)
    assert kinds == ["failing", "held", "review", "bounced", "process"]
    assert f"{newsroom.quarantined} items in the review queue" in titles
    assert 'href="/admin/articles/quarantinedarticle/"' in page
    assert any("gone@example.org bounced" in t for t in titles)
    assert titles[-1] == "The scheduler was last seen 2 hours ago"


def test_sources_table_pages_and_sorts(admin_client: Client, newsroom: Seeded) -> None:
    page = admin_client.get(URL).content.decode()
    rows = re.findall(r'<tr class="st-(\w+)">', page)
    assert len(rows) == 50  # a page of them
    assert rows[:2] == ["failing", "held"]  # the default order puts trouble first
    assert "Page 1 of 2" in page
    by_name = admin_client.get(URL + "?sort=-name").content.decode()
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', by_name)
    assert names == sorted(names, reverse=True)
    assert 'aria-sort="descending"' in by_name
    by_fetch = admin_client.get(URL + "?sort=-last_fetch").content.decode()
    fetched = re.findall(r'<td><time datetime="([^"]+)">[^<]+ ago</time></td>', by_fetch)
    assert len(fetched) == 50
    assert fetched == sorted(fetched, reverse=True)  # the latest first
    by_articles = admin_client.get(URL + "?sort=-articles").content.decode()
    numbers = re.findall(r'<td class="num">([^<]+)</td>', by_articles)
    per_day = [float(n) for n in numbers[3::4]]  # success, median, 304s, articles a day
    assert len(per_day) == 50
    assert per_day == sorted(per_day, reverse=True)
    assert per_day[0] > per_day[-1]
    second = admin_client.get(URL + "?sort=name&page=2").content.decode()
    assert len(re.findall(r'<tr class="st-', second)) == 10
    # Each row: its 30-day sparkline, two lines of 30 points.
    sparks = re.findall(
        r'<polyline class="sp-articles" points="([^"]+)"/><polyline class="sp-failures" points="([^"]+)"/>',
        page,
    )
    assert len(sparks) == 50
    assert all(len(a.split()) == 30 and len(f.split()) == 30 for a, f in sparks)


@pytest.mark.parametrize(("window", "points"), [("24h", 24), ("30d", 30)])
def test_site_charts_have_one_point_per_bucket(
    admin_client: Client, newsroom: Seeded, window: str, points: int
) -> None:
    page = admin_client.get(f"{URL}?window={window}").content.decode()
    captions = re.findall(r"<figcaption>([^<]+?) <span", page)
    assert [c.split(",")[0] for c in captions] == [
        "Fetches per minute", "Articles stored", "Queue depth", "Task latency", "Live News readers",
        "Page requests", "Page cache hit ratio", "Newsletter sends", "Spam quarantined",
    ]  # fmt: skip
    lines = re.findall(r'<polyline class="line [\w-]+" points="([^"]+)"/>', page)
    assert len(lines) >= 9
    assert {len(line.split()) for line in lines} == {points}
    # Fetches by outcome: new, not modified and each error kind seen.
    assert "error: http-5xx" in page
    assert "error: network" in page


def test_the_admin_front_page_leads_to_the_console(admin_client: Client) -> None:
    page = admin_client.get("/admin/").content.decode()
    assert '<a href="/admin/console/">Open the operator console</a>' in page


def test_only_staff_see_it(client: Client, newsroom: Seeded) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/console/")
    client.force_login(User.objects.create_user("reader", password="a long reader password"))
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
