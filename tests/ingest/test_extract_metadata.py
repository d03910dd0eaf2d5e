"""Title, date and author choice on small pages we wrote, one rule at a time.

Each case is a pattern met on real pages (trafilatura's evaluation set), rewritten in our own words.
The golden pages `h1-kicker-span`, `utc-and-local-time` and `date-in-text` show the same rules on
whole pages.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newsdesk.ingest.stages.extract import extract_article
from newsdesk.ingest.stages.extract.authors import byline_authors, people_only, split_authors
from newsdesk.ingest.stages.extract.dates import fallback_date, in_local_zone, parse_timestamp
from newsdesk.ingest.stages.extract.document import parse
from newsdesk.ingest.stages.extract.titles import choose_title, heading_text

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
BODY = (
    "<p>The river ferry will run again from Monday after eight months out of service, the harbour "
    "board said on Thursday, with boats every forty minutes until two in the morning.</p>"
)


def test_the_metadata_golden_pages_are_there() -> None:
    names = {path.stem for path in PAGES.glob("*.html")}
    assert {"h1-kicker-span", "utc-and-local-time", "date-in-text"} <= names


def page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


# ---- titles ---------------------------------------------------------------------------------------


def test_a_kicker_span_and_a_hidden_separator_are_not_part_of_the_headline() -> None:
    root = parse(
        page(
            "<title>Transport: Night ferries return | Harbour Times</title>",
            '<h1><span class="article-kicker">Transport</span><span class="sr-only">: </span>'
            '<span class="article-title">Night ferries return</span></h1>',
        )
    )
    heading = next(root.iter("h1"))
    assert heading_text(heading) == "Night ferries return"
    assert choose_title(root, None, None, "Harbour Times") == "Night ferries return"


def test_a_dachzeile_outside_a_span_leaves_no_leading_colon() -> None:
    root = parse(
        page(
            "<title>Verkehr: Nachtfähren fahren wieder</title>",
            '<h1><span class="dachzeile">Verkehr</span>: Nachtfähren fahren wieder</h1>',
        )
    )
    assert choose_title(root, None, None, None) == "Nachtfähren fahren wieder"


def test_an_h1_made_only_of_a_kicker_class_keeps_its_text() -> None:
    root = parse(page("", '<h1><span class="kicker-wrap">Night ferries return</span></h1>'))
    assert heading_text(next(root.iter("h1"))) == "Night ferries return"


def test_an_h1_that_is_the_part_after_a_colon_of_the_title_wins() -> None:
    root = parse(page("<title>FERRY NEWS: Night ferries</title>", "<h1>Night ferries</h1>"))
    assert choose_title(root, None, None, None) == "Night ferries"


def test_a_colon_inside_a_headline_is_not_cut_when_no_h1_matches_a_part() -> None:
    root = parse(page("<title>Ferries: what changes on Monday</title>", "<h1>Harbour Times</h1>"))
    assert choose_title(root, None, None, "Harbour Times") == "Ferries: what changes on Monday"


def test_an_h1_that_is_the_title_without_the_site_name_keeps_its_own_dashes() -> None:
    root = parse(
        page(
            "<title>Ferries return - timetable from Monday - Harbour Times</title>",
            "<h1>Ferries return \u2013 timetable from Monday</h1>",
        )
    )
    assert choose_title(root, None, None, "Harbour Times") == "Ferries return \u2013 timetable from Monday"


def test_the_most_trusted_title_picks_among_several_h1s() -> None:
    root = parse(
        page(
            '<title>News - Harbour Institute</title><meta property="og:title" content="Night ferries">',
            "<h1 class='pagetitle'>News</h1><article><h1>Night ferries</h1></article>",
        )
    )
    assert choose_title(root, None, None, None) == "Night ferries"


def test_a_leading_element_of_the_h1_that_is_a_part_of_the_title_is_a_kicker() -> None:
    root = parse(
        page(
            "<title>Regatta week - Boats to the old town - Harbour Times</title>",
            '<h1><span class="subtitle">Regatta week</span> Boats to the old town</h1>',
        )
    )
    assert choose_title(root, None, None, None) == "Boats to the old town"
    alone = parse(page("<title>Boats to the old town</title>", "<h1><span>Regatta</span> week</h1>"))
    assert heading_text(next(alone.iter("h1"))) == "Regatta week"


def test_an_h1_that_leads_the_title_wins_over_the_title_with_its_section() -> None:
    root = parse(
        page(
            "<title>Chapter 4: The pier - Harbour Tales | Serial Site</title>",
            "<h1>Chapter 4: The pier</h1>",
        )
    )
    assert choose_title(root, None, None, None) == "Chapter 4: The pier"


# ---- dates ----------------------------------------------------------------------------------------


def test_a_utc_timestamp_takes_the_zone_of_the_same_instant_elsewhere_on_the_page() -> None:
    instant = parse_timestamp("2024-05-03T02:15:00Z")
    assert instant is not None
    local = in_local_zone(instant, ["2024-05-02T22:15:00-04:00"])
    assert local == instant
    assert local.utcoffset() == timedelta(hours=-4)
    assert local.date().isoformat() == "2024-05-02"


def test_a_local_clock_time_gives_the_zone() -> None:
    instant = parse_timestamp("2024-05-03T02:15:00Z")
    assert instant is not None
    local = in_local_zone(instant, [None, "2024-05-02", "2024-05-02 20:15:00"])
    assert local == instant
    assert local.utcoffset() == timedelta(hours=-6)


def test_another_instant_or_an_odd_offset_changes_nothing() -> None:
    instant = parse_timestamp("2024-05-03T02:15:00Z")
    assert instant is not None
    assert in_local_zone(instant, ["2024-05-02T20:00:00-04:00"]).utcoffset() == timedelta(0)
    assert in_local_zone(instant, ["2024-05-02 20:08:00"]).utcoffset() == timedelta(0)  # 6 h 7 min
    assert in_local_zone(instant, ["2024-05-01 02:15:00"]).utcoffset() == timedelta(0)  # a day apart


def test_the_whole_page_keeps_the_publishers_zone() -> None:
    html = page(
        '<meta property="article:published_time" content="2024-05-03T02:15:00Z">',
        f'<article><h1>Ferries</h1><time datetime="2024-05-02T23:15:00-03:00">2 May</time>{BODY}</article>',
    )
    published = extract_article(html).published
    assert published is not None
    assert published.isoformat() == "2024-05-02T23:15:00-03:00"


def test_a_date_in_the_text_is_found_when_the_markup_has_none() -> None:
    root = parse(page("<title>Library hours</title>", f"<main>{BODY}<p>Stand: 14.03.2024</p></main>"))
    found = fallback_date(root)
    assert found is not None
    assert found.date().isoformat() == "2024-03-14"


def test_a_copyright_year_alone_is_no_date() -> None:
    root = parse(page("<title>Library hours</title>", f"<main>{BODY}</main><footer>© 2021 Lindenau</footer>"))
    assert fallback_date(root) is None


def ld(*objects: str) -> str:
    return "".join(f'<script type="application/ld+json">{obj}</script>' for obj in objects)


def published_day(html: str) -> str | None:
    published = extract_article(html).published
    return published.date().isoformat() if published else None


def test_the_articles_own_json_ld_date_wins_over_a_related_storys() -> None:
    related = (
        '{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "Old ferry", '
        '"datePublished": "2019-02-01T08:00:00+01:00"}]}'
    )
    story = (
        '{"@graph": [{"@type": "WebSite", "name": "Harbour Times"}, {"@type": "WebPage", '
        '"datePublished": "2024-03-04T10:00:00+01:00"}, {"@type": ["NewsArticle"], "headline": "Ferries", '
        '"datePublished": "2024-03-05T09:00:00+01:00", "dateModified": "2024-03-07T10:00:00+01:00"}]}'
    )
    html = page(ld(related, story), f"<article><h1>Ferries</h1>{BODY}</article>")
    assert published_day(html) == "2024-03-05"
    updated = extract_article(html).updated
    assert updated is not None
    assert updated.date().isoformat() == "2024-03-07"


def test_a_json_ld_script_nested_beyond_reason_costs_only_its_own_date() -> None:
    # Too deep for Python's parser, and deep in lists that the object walk does not count as depth:
    # neither may make the page unreadable, and the meta tag still gives the date.
    meta = '<meta property="article:published_time" content="2024-03-05T09:00:00Z">'
    too_deep = '{"datePublished": "2020-01-01", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    deep_lists = '{"@type": "NewsArticle", "datePublished": "2020-01-01", "x": ' + "[" * 600 + "]" * 600 + "}"
    for script in (too_deep, deep_lists):
        html = page(meta + ld(script), f"<article><h1>Ferries</h1>{BODY}</article>")
        assert published_day(html) in ("2024-03-05", "2020-01-01")


def test_an_article_nested_in_a_web_page_and_a_video_beside_it() -> None:
    story = (
        '{"@type": "WebPage", "mainEntity": {"@type": "ReportageNews", "dateCreated": "2024-03-05T09:00:00Z",'
        ' "video": {"@type": "VideoObject", "datePublished": "2023-12-01T10:00:00Z"}}}'
    )
    video_first = '{"@type": "VideoObject", "datePublished": "2023-11-30T10:00:00Z"}'
    html = page(ld(video_first, story), f"<article><h1>Ferries</h1>{BODY}</article>")
    assert published_day(html) == "2024-03-05"


def test_a_recipes_date_is_not_taken_from_its_reviews() -> None:
    recipe = (
        '{"@type": "Recipe", "name": "Plum cake", "datePublished": "2015-06-01", '
        '"review": [{"@type": "Review", "datePublished": "2023-01-02"}]}'
    )
    html = page(ld(recipe), f"<article><h1>Plum cake</h1>{BODY}</article>")
    assert published_day(html) == "2015-06-01"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Wed, 04 May 2022 02:41:00 GMT", "2022-05-04T02:41:00+00:00"),
        ("Tue, 03 May 2022 23:53:14 +0200", "2022-05-03T23:53:14+02:00"),
        ("2022-5-5 22:17:36", "2022-05-05T22:17:36+00:00"),
        ("2022-5-5", "2022-05-05T00:00:00+00:00"),
    ],
)
def test_email_style_and_unpadded_timestamps_are_read(written: str, expected: str) -> None:
    parsed = parse_timestamp(written)
    assert parsed is not None
    assert parsed.isoformat() == expected


def test_a_time_marked_as_the_publication_wins_over_a_generic_date_tag() -> None:
    html = page(
        '<meta name="date" content="2024-03-09T10:00:00+01:00">',
        f'<article><h1>Ferries</h1><time class="entry-date published" datetime="2024-03-05T09:00:00+01:00">'
        f"5 March</time>{BODY}</article>",
    )
    assert published_day(html) == "2024-03-05"
    alone = page('<meta name="date" content="2024-03-09T10:00:00+01:00">', f"<article>{BODY}</article>")
    assert published_day(alone) == "2024-03-09"


# ---- authors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["No Author", "Anonymous", "Anónimo", "Publisher", "Oct"])
def test_placeholders_and_date_leftovers_are_no_names(placeholder: str) -> None:
    assert split_authors(f"Ana Ruiz; {placeholder}") == ("Ana Ruiz",)


def test_entities_in_json_ld_names_are_decoded_before_splitting() -> None:
    html = page(
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"headline": "Ferries", '
        '"author": {"@type": "Person", "name": "Mar&iacute;a Pe&ntilde;a"}}</script>',
        f"<article><h1>Ferries</h1>{BODY}</article>",
    )
    assert extract_article(html).authors == ("María Peña",)


def test_by_in_running_text_is_no_byline() -> None:
    root = parse(
        page(
            "", "<main><p>Der Plan stammt aus einem Gutachten von Planungsbüro Nordlicht aus Kiel.</p></main>"
        )
    )
    assert byline_authors(root) == ()


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Von Hanne Petersen", ("Hanne Petersen",)),
        ("Posted on March 4, 2024 by Ana Ruiz", ("Ana Ruiz",)),
        ("12.03.2024 von Jonas Berg und Amira Haddad", ("Jonas Berg", "Amira Haddad")),
    ],
)
def test_a_byline_line_still_gives_its_names(line: str, names: tuple[str, ...]) -> None:
    root = parse(page("", f"<main><div>{line}</div><p>Some story text follows here.</p></main>"))
    assert byline_authors(root) == names


def test_an_h1_with_a_colon_of_its_own_still_matches_the_whole_part() -> None:
    root = parse(
        page(
            "<title>City Police - News - Ferry thefts: three boats found in the reeds</title>",
            "<h1><strong>Ferry thefts: three boats found in the reeds</strong></h1>",
        )
    )
    assert choose_title(root, None, None, None) == "Ferry thefts: three boats found in the reeds"


@pytest.mark.parametrize(
    "markup",
    [
        '<div class="article-author">Von <strong><a href="/autoren/ana">Ana Ruiz</a></strong></div>',
        '<h5 class="title-inline">Autor: </h5>Ana Ruiz/SP-X',
        '<span class="screen-reader-text">| By </span><span>Ana Ruiz</span> | <span>5 March</span>',
    ],
)
def test_a_byline_label_in_its_own_element_names_the_next_text(markup: str) -> None:
    root = parse(page("", f"<main>{markup}{BODY}</main>"))
    assert byline_authors(root) == ("Ana Ruiz",)


def test_a_lone_by_in_a_sentence_or_before_one_name_is_no_byline() -> None:
    root = parse(
        page(
            "", f"<main><p>Made <b>by</b> hand at the harbour</p><span>By</span> <a>Ferries</a>{BODY}</main>"
        )
    )
    assert byline_authors(root) == ()


def test_degrees_and_placeholders_split_off_a_name_are_dropped() -> None:
    assert split_authors("Ana Ruiz; PhD") == ("Ana Ruiz",)
    assert split_authors("Null; Ana Ruiz") == ("Ana Ruiz",)
    assert people_only(("Interview Ana Ruiz", "Harbour Verlag GmbH & Co KG", "Co KG")) == ("Ana Ruiz",)


@pytest.mark.parametrize(("before", "found"), [(59, ("Ana Ruiz",)), (60, ())])
def test_a_byline_line_is_searched_among_the_first_limit_short_texts_only(
    before: int, found: tuple[str, ...]
) -> None:
    fillers = "".join(f"<span>Filler line {n}</span>" for n in range(before))
    root = parse(page("", f"<main>{fillers}<div>Von Ana Ruiz</div></main>"))
    assert byline_authors(root, limit=60) == found


@pytest.mark.parametrize(("before", "found"), [(59, ("Ana Ruiz",)), (60, ())])
def test_a_byline_label_is_searched_among_the_first_limit_tiny_texts_only(
    before: int, found: tuple[str, ...]
) -> None:
    # Each filler is a tiny text (under 10 characters), so it counts towards the label search's limit.
    fillers = "".join(f"<i>{n}</i>" for n in range(before))
    root = parse(page("", f"<main>{fillers}<span>By</span><span>Ana Ruiz</span>{BODY}</main>"))
    assert byline_authors(root, limit=60) == found
