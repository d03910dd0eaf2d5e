"""Title, date and author rules found on real pages, each on a small page of our own words.

Each case is a pattern met on the tuning pages of trafilatura's evaluation set, rewritten here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.ingest.stages.extract import extract_article
from newsdesk.ingest.stages.extract.authors import people_only
from newsdesk.ingest.stages.extract.dates import local_midnight, structured_date
from newsdesk.ingest.stages.extract.document import parse

BODY = (
    "<p>The river ferry will run again from Monday after eight months out of service, the harbour "
    "board said on Thursday, with boats every forty minutes until two in the morning.</p>"
) * 3


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


# ---- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "day", "hours"),
    [("2024-03-04T23:00:00Z", "2024-03-05", 1), ("2024-07-08T22:00:00.000Z", "2024-07-09", 2)],
)
def test_a_central_european_midnight_stored_in_utc_is_dated_the_next_day_in_its_own_zone(
    stamp: str, day: str, hours: int
) -> None:
    html = (
        f'<html lang="de-DE"><head><meta property="article:published_time" content="{stamp}"></head>'
        f"<body><article>{BODY}</article></body></html>"
    )
    published = extract_article(html).published
    assert published is not None
    assert published.date().isoformat() == day
    assert published.utcoffset() == timedelta(hours=hours)
    assert published == datetime.fromisoformat(stamp)  # the same instant


@pytest.mark.parametrize(
    ("stamp", "language"),
    [
        ("2024-03-04T23:00:01Z", "de"),
        ("2024-03-04T21:00:00Z", "de"),
        ("2024-03-04T23:30:00Z", "de"),
        ("2024-01-15T22:00:00Z", "de"),  # 23:00 in Berlin in winter: a late story, not a bare day
        ("2024-07-08T23:00:00Z", "fr"),  # 01:00 in Paris in summer
        ("2024-07-08T22:00:00Z", "en"),  # 6 p.m. in New York, 11 p.m. in London
        ("2024-03-04T23:00:00Z", None),
    ],
)
def test_any_other_utc_instant_keeps_its_utc_day(stamp: str, language: str | None) -> None:
    instant = datetime.fromisoformat(stamp)
    assert local_midnight(instant, language) is instant


def test_a_late_evening_story_in_english_keeps_its_day() -> None:
    html = (
        '<html lang="en"><head><meta property="article:published_time" content="2024-07-08T22:00:00Z">'
        f"</head><body><article>{BODY}</article></body></html>"
    )
    published = extract_article(html).published
    assert published == datetime(2024, 7, 8, 22, tzinfo=UTC)
    assert published.date().isoformat() == "2024-07-08"


def test_a_utc_instant_with_a_local_copy_on_the_page_takes_the_copys_zone_not_the_midnight_rule() -> None:
    html = page(
        '<meta property="article:published_time" content="2024-03-04T23:00:00Z">',
        f'<article><time datetime="2024-03-04T18:00:00-05:00">4 March</time>{BODY}</article>',
    )
    published = extract_article(html).published
    assert published is not None
    assert published.utcoffset() == timedelta(hours=-5)


def test_publication_times_on_different_days_are_a_list_of_posts_not_the_articles_date() -> None:
    others = "".join(
        f'<li><time class="entry-date published" datetime="{d}">{d}</time> Other post</li>'
        for d in ("2019-02-03 10:00:00", "2021-06-07 11:00:00")
    )
    root = parse(page("", f"<aside><ul>{others}</ul></aside><article>{BODY}</article>"))
    assert structured_date(root, None) is None


def test_a_post_keeps_its_own_time_when_its_comments_are_marked_as_publications_too() -> None:
    comment = (
        '<li class="comment"><time pubdate datetime="2011-05-09T08:00:00Z">9 May</time> Nice boats.</li>'
    )
    html = page(
        "",
        f'<article><time pubdate datetime="2011-05-03T10:00:00Z">3 May</time>{BODY}</article>'
        f'<section id="comments"><ol class="commentlist">{comment}</ol></section>',
    )
    assert structured_date(parse(html), None) == datetime(2011, 5, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "stamps",
    [
        ("2021-06-07T09:00:00+02:00", "2021-06-07T11:00:00+02:00"),
        ("2021-06-07T09:00:00+02:00", "2021-6-7 11:00"),
    ],
)
def test_publication_times_on_one_day_still_date_the_article(stamps: tuple[str, str]) -> None:
    times = "".join(f'<time class="published" datetime="{d}">7 June</time>' for d in stamps)
    root = parse(page("", f"<article>{times}{BODY}</article>"))
    found = structured_date(root, None)
    assert found is not None
    assert found.astimezone(UTC).date().isoformat() == "2021-06-07"


# ---- titles ---------------------------------------------------------------------------------------


def test_a_blog_named_in_its_h1_takes_the_post_title_from_the_h2() -> None:
    html = page(
        "<title>Ferry Notes » Night boats are back on the river</title>",
        "<header><h1>Ferry Notes</h1></header>"
        f"<article><h2 class='posttitle'>Night boats are back on the river</h2>{BODY}</article>",
    )
    assert extract_article(html).title == "Night boats are back on the river"


def test_wordpress_blog_archive_titles_give_the_post_title() -> None:
    html = page(
        "<title>Ferry Notes  » Blog Archive   » Night boats are back on the river</title>",
        f"<header><h1>Ferry Notes</h1></header><article>{BODY}</article>",
    )
    assert extract_article(html).title == "Night boats are back on the river"


def test_a_story_then_site_title_with_the_site_in_an_h2_keeps_the_story() -> None:
    html = page(
        "<title>Night boats are back on the river | Ferry Notes</title>"
        '<meta property="og:site_name" content="Ferry Notes">',
        "<header><h2 class='site-title'>Ferry Notes</h2></header>"
        f"<article><h1>Night boats are back on the river</h1>{BODY}</article>",
    )
    assert extract_article(html).title == "Night boats are back on the river"


@pytest.mark.parametrize(
    ("title", "site"),
    [("夜间渡轮恢复运行-渡口日报", "渡口日报"), ("FERRY DAILY|夜间渡轮恢复运行", "FERRY DAILY")],
)
def test_unspaced_separators_in_cjk_titles_cut_the_site_name(title: str, site: str) -> None:
    html = page(
        f"<title>{title}</title><meta property='og:site_name' content='{site}'>",
        f"<article>{BODY}</article>",
    )
    assert extract_article(html).title == "夜间渡轮恢复运行"


# ---- authors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", ["Harbour Verlag GmbH, Lübeck, Germany", "Ferry Notes, Basel, Schweiz", "Quayside; Leeds; UK"]
)
def test_an_author_tag_that_is_a_postal_address_names_nobody(content: str) -> None:
    html = page(f'<meta name="author" content="{content}">', f"<article>{BODY}</article>")
    assert extract_article(html).authors == ()


def test_a_country_after_one_name_is_dropped_and_the_name_kept() -> None:
    assert people_only(("Ana Ruiz", "Germany")) == ("Ana Ruiz",)


def test_initials_of_a_named_author_are_not_a_second_author() -> None:
    assert people_only(("Ana Ruiz", "AR")) == ("Ana Ruiz",)
    assert people_only(("Ana Ruiz", "TL")) == ("Ana Ruiz", "TL")


# ---- titles, continued ----------------------------------------------------------------------------


def test_an_h1_with_soft_hyphens_matches_the_title_and_loses_them() -> None:
    html = page(
        "<title>Harbour Board - Press releases 2024 - Night ferries return to the river</title>",
        f"<h1>Harbour Board</h1><article><h1>Night fer\xadries re\xadturn to the river</h1>{BODY}</article>",
    )
    assert extract_article(html).title == "Night ferries return to the river"


def test_a_site_name_guessed_from_the_headline_part_of_the_title_is_ignored() -> None:
    # No og:site_name: the site's name is guessed from the title's last part, which here is the story.
    html = page(
        "<title>Harbour Board - Press releases - Night ferries return to the river after eight months"
        "</title>",
        "<h1>Press releases</h1>"
        f"<article><h1>Night ferries return to the river after eight months</h1>{BODY}</article>",
    )
    assert extract_article(html).title == "Night ferries return to the river after eight months"


def test_a_day_before_the_headline_is_not_part_of_it() -> None:
    html = page("<title>04.03.2024 - Night ferries return to the river</title>", f"<article>{BODY}</article>")
    assert extract_article(html).title == "Night ferries return to the river"


def test_the_articles_json_ld_headline_wins_over_the_sites() -> None:
    site = '{"@type": "WebSite", "headline": "Ferry Notes: all the river news"}'
    story = '{"@type": "NewsArticle", "headline": "Night ferries return"}'
    script = '<script type="application/ld+json">{}</script>'
    html = page(
        script.format(site) + script.format(story),
        f"<h1>Ferry Notes</h1><article>{BODY}</article>",
    )
    assert extract_article(html).title == "Night ferries return"


def test_one_instant_written_either_side_of_midnight_is_not_a_list_of_posts() -> None:
    times = "".join(
        f'<time class="published" datetime="{d}">7 June</time>'
        for d in ("2021-06-06T23:30:00Z", "2021-06-07T01:30:00+02:00")
    )
    found = structured_date(parse(page("", f"<article>{times}{BODY}</article>")), None)
    assert found == datetime(2021, 6, 6, 23, 30, tzinfo=UTC)
    assert found is not None
    assert found.utcoffset() == timedelta(hours=2)  # the page's own zone, from the second spelling
