"""The page frame's kept parts (newsdesk/web/chrome.py): the masthead, the footer's text and the head's feed
links are rendered once and reused, and nothing of one page or reader is carried to another: not the
section the masthead marks, not a reader's search words, not the footer's consent link back to the page,
not a page's own feeds."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from newsdesk.core import links
from newsdesk.web import chrome

from .seed import Newsroom

pytestmark = pytest.mark.django_db


def page(client: Client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.content.decode()


def masthead(html: str) -> str:
    match = re.search(r'<header class="masthead">.*?</header>', html, re.S)
    assert match
    return match.group(0)


def footer(html: str) -> str:
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match
    return match.group(0)


def article_path(newsroom: Newsroom, n: int) -> str:
    story = newsroom.articles[n]
    return links.article_path(story.pk, story.title)


def test_the_frame_is_kept_and_reused(newsroom: Newsroom) -> None:
    client = Client()
    first = page(client, article_path(newsroom, 0))
    names = {key[0] for key in chrome._kept}
    assert {"masthead", "footer", "feeds"} <= names
    # The kept copy is what the next page shows: put a mark in it.
    for key, (catalog, engine, html) in list(chrome._kept.items()):
        if key[0] == "masthead":
            chrome._kept[key] = (catalog, engine, html.replace("masthead__brand", "masthead__kept"))
    second = page(client, article_path(newsroom, 1))
    assert "masthead__kept" in second
    assert "masthead__kept" not in first


def test_a_kept_frame_is_the_same_as_a_fresh_one(newsroom: Newsroom) -> None:
    client = Client()
    paths = [article_path(newsroom, 0), "/", "/topics/", article_path(newsroom, 1)]
    fresh = []
    for path in paths:
        chrome.forget()
        html = page(client, path)
        fresh.append((masthead(html), footer(html)))
    kept = [(masthead(html), footer(html)) for html in (page(client, path) for path in paths)]
    assert kept == fresh


def test_each_page_marks_its_own_section(newsroom: Newsroom) -> None:
    client = Client()
    for _ in range(2):
        home = masthead(page(client, "/"))
        assert home.count('aria-current="page"') == 2  # the brand and "Latest"
        article = masthead(page(client, article_path(newsroom, 0)))
        assert 'aria-current="page"' not in article
        topics = masthead(page(client, "/topics/"))
        assert re.search(r'aria-current="page">Topics<', topics)
        assert topics.count('aria-current="page"') == 1


def test_a_readers_search_words_are_never_kept(newsroom: Newsroom) -> None:
    client = Client()
    path = article_path(newsroom, 0)
    page(client, path)
    searched = masthead(page(client, "/search?q=harbour+alpha"))
    assert 'value="harbour alpha"' in searched
    assert 'value=""' in masthead(page(client, path))
    assert 'value="ferry beta"' in masthead(page(client, "/search?q=ferry+beta"))
    assert "alpha" not in page(client, path)
    assert not [key for key in chrome._kept if "alpha" in repr(key) or "beta" in repr(key)]


def test_the_footer_links_back_to_each_pages_own_address(newsroom: Newsroom) -> None:
    client = Client()
    for n in (0, 1, 0):
        path = article_path(newsroom, n)
        html = footer(page(client, path))
        assert f'?next={path}"' in html, path
        assert article_path(newsroom, 1 - n) not in html


def test_a_pages_own_feeds_stay_its_own(newsroom: Newsroom) -> None:
    client = Client()
    topic = next(iter(newsroom.topics.values()))
    article = page(client, article_path(newsroom, 0))
    topical = page(client, links.topic_path(topic.slug))
    assert f"/feeds/topic/{topic.slug}." in footer(topical)
    assert f"/feeds/topic/{topic.slug}." in topical.split("</head>")[0]
    again = page(client, article_path(newsroom, 0))
    assert "/feeds/topic/" not in again
    assert footer(again) == footer(article)


def test_a_new_site_name_is_shown_at_once(newsroom: Newsroom, settings) -> None:
    client = Client()
    path = article_path(newsroom, 0)
    page(client, path)
    settings.SITE_NAME = "The Harbour Wire"
    html = page(client, path)
    assert "The Harbour Wire</a>" in masthead(html)
    assert "The Harbour Wire gathers the news" in footer(html)


def test_each_language_gets_its_own_copy() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    template = env.from_string('{% call kept_part("test month") %}{{ _("January") }}{% endcall %}')
    shown = []
    for language in ("en", "fr", "en", "fr"):
        with translation.override(language):
            shown.append(template.render({}))
    assert shown == ["January", "janvier", "January", "janvier"]


def test_a_template_sees_a_global_added_after_its_first_render() -> None:
    """The public templates copy their globals from one plain dict (newsdesk/web/jinja.py,
    `SignalledTemplate.new_context`): a global added to the environment later is still seen."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    template = env.from_string("{{ url('web:topics') }} {{ late_probe is defined }}")
    assert template.render({}) == "/topics/ False"
    env.globals["late_probe"] = 1
    try:
        assert template.render({}) == "/topics/ True"
    finally:
        del env.globals["late_probe"]
    assert template.render({}) == "/topics/ False"


def test_a_value_that_cannot_be_a_key_is_drawn_afresh() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    template = env.from_string('{% call kept_part("odd", rows) %}{{ rows[0].name }}{% endcall %}')
    assert template.render({"rows": [{"name": "one"}]}) == "one"
    assert template.render({"rows": [{"name": "two"}]}) == "two"
    assert not [key for key in chrome._kept if key[0] == "odd"]
