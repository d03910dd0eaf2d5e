"""The small pure helpers behind the templates: slugs, bylines, monograms, times, language tags."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from newsdesk.core import links
from newsdesk.web.templatetags import newsdesk_web as tags


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Ferry times change", "ferry-times-change"), ("", "story"), ("!!!", "story"),
     ("Größere Häfen", "größere-häfen"), ("x" * 300, "x" * 80)],
)  # fmt: skip
def test_slugs(title: str, slug: str) -> None:
    assert links.slug_for(title) == slug


def test_slugs_and_article_paths_are_djangos_slugify_and_quote() -> None:
    """slug_for is Django's slugify(allow_unicode=True) cut to SLUG_MAX, and the path quotes it, for titles
    in several scripts, with compatibility characters, spaces of every kind and punctuation."""
    import random
    from urllib.parse import quote

    from django.utils.text import slugify

    rng = random.Random(11)
    alphabet = (
        "abcXYZ019 _-–—.,;:!?'\"&<>/\\ \t\n\u00a0\u2003ﬁ①Ａ²éÉßøØ中文日本語Ωωاللغةالعربيةעבריתкириллица😀"
    )
    titles = ["Ferry  times -- change!", "  -_Harbour_-  ", "ﬁnal Ａct ²", "Ünïcödé Straße", "x" * 90 + "-y"]
    titles += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(400)]
    titles += ["".join(chr(rng.randrange(128)) for _ in range(rng.randint(0, 120))) for _ in range(400)]
    for title in titles:
        expected = slugify(title, allow_unicode=True)[: links.SLUG_MAX].strip("-_") or "story"
        assert links.slug_for(title) == expected, title
        path = f"/article/7-{quote(expected, safe='')}/"
        assert links.article_path(7, title) == path == links.article_paths()(7, title), title


def test_bylines() -> None:
    assert tags.byline([]) == ""
    assert tags.byline(None) == ""
    assert tags.byline(["  "]) == ""
    assert tags.byline(["Ana Ruiz"]) == "By Ana Ruiz"
    assert tags.byline(["Ana Ruiz", "Li Wei", "Sam Cole"]) == "By Ana Ruiz, Li Wei and Sam Cole"


def test_monograms() -> None:
    assert tags.monogram("The Port Veyra Courier") == "PV"
    assert tags.monogram("bbc") == "B"
    assert tags.monogram("") == "?"
    assert tags.monogram_tone("Same Name") == tags.monogram_tone("Same Name")
    assert 0 <= tags.monogram_tone("Anything") < len(tags.MONOGRAM_COLOURS)


def test_relative_time() -> None:
    now = timezone.now()
    assert tags.relative_time(now) == "just now"
    assert tags.relative_time(now + timedelta(hours=2)) == "just now"
    assert tags.relative_time(now - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert tags.relative_time(now - timedelta(days=3, hours=5)) == "3\xa0days ago"
    assert tags.relative_time(None) == ""


def test_older_relative_times_say_what_timesince_says() -> None:
    """Words for moments over a week old are kept per leading unit and count: for moments all over the
    calendar (month ends, leap days, the same day at a later hour), kept words and fresh ones agree."""
    from django.utils.timesince import timesince

    rng = random.Random(11)
    nows = [
        datetime(2024, 3, 1, 0, 30, tzinfo=UTC), datetime(2024, 2, 29, 23, 59, tzinfo=UTC),
        datetime(2025, 1, 31, 12, 0, tzinfo=UTC), datetime(2026, 12, 6, 22, 25, 7, tzinfo=UTC),
    ]  # fmt: skip
    for now in nows:
        tags._older_words.clear()
        for _ in range(3000):
            value = now - timedelta(seconds=rng.randint(7 * 24 * 3600, 6 * 365 * 24 * 3600))
            value = value.replace(hour=now.hour if rng.random() < 0.2 else value.hour)
            if now - value < timedelta(days=7):
                continue
            expected = "%s ago" % timesince(value, now, depth=1)  # noqa: UP031
            assert tags.older_words(value, now) == expected, (value, now)


@pytest.mark.parametrize(
    ("code", "kept"), [("en", "en"), ("en-GB", "en-GB"), ("zh-Hant-TW", "zh-Hant-TW"), ("", ""),
                       ("english", ""), ("en_GB", ""), ('en" onload="x', "")],
)  # fmt: skip
def test_language_tags(code: str, kept: str) -> None:
    assert tags.lang_attr(code) == kept


def test_json_ld_escapes_markup() -> None:
    out = tags.json_ld({"a": "</script><!--", "b": "R&D"})
    assert "<" not in out
    assert ">" not in out
    assert "&" not in out


@pytest.mark.parametrize(
    "title", ["Ferry times change", "ميناء فيرا يفتتح رصيفاً", "Größere Häfen", "", "x" * 300]
)
def test_fast_paths_equal_reverse(title: str) -> None:
    from django.urls import reverse

    from newsdesk.web import images

    assert links.article_path(7, title) == reverse(
        "web:article", kwargs={"pk": 7, "slug": links.slug_for(title)}
    )

    class Story:
        pk = 7
        lead_image = "https://example.org/a.jpg"

    key = images.url_key(Story.lead_image)
    assert images.article_image_path(Story) == reverse("web:image", kwargs={"kind": "a", "pk": 7, "key": key})


def test_remembered_urls_follow_the_script_prefix() -> None:
    """{% url %} and the feed links remember reverse()'s answers, but per script prefix: a site served under
    /news/ after one at the root gets /news/ addresses, and back."""
    from django.template import engines
    from django.urls import get_script_prefix, reverse, set_script_prefix

    page = engines["django"].from_string("{% url 'web:topics' %} {% url 'web:feed-topic' fmt='rss' slug=s %}")
    before = get_script_prefix()
    try:
        for prefix in ("/", "/news/", "/"):
            set_script_prefix(prefix)
            expected = (
                f"{reverse('web:topics')} {reverse('web:feed-topic', kwargs={'fmt': 'rss', 'slug': 'ports'})}"
            )
            assert page.render({"s": "ports"}) == expected
            assert expected.startswith(prefix + "topics/")
            assert links.reverse_remembered("web:home") == prefix
    finally:
        set_script_prefix(before)
