"""Which date an article is stored with: the feed's when it can be trusted, then the page's.

The page side is a real extraction of a small page we wrote, so the whole path from markup to the
stored date is exercised.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from newsdesk.ingest.stages.assemble import assemble
from newsdesk.ingest.stages.extract import extract_article
from newsdesk.types import Entry, Extracted, ParsedFeed

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
PAGE_DATE = datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=1)))
FEED_DATE = datetime(2024, 3, 5, 9, 15, tzinfo=UTC)


def page() -> Extracted:
    body = (
        "<p>The river ferry will run again from Monday after eight months out of service, the harbour "
        "board said on Thursday, with boats every forty minutes until two in the morning.</p>"
    ) * 3
    html = (
        '<html><head><title>Ferries return</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "Ferries return", '
        f'"datePublished": "{PAGE_DATE.isoformat()}"}}</script></head>'
        f"<body><article><h1>Ferries return</h1>{body}</article></body></html>"
    )
    extracted = extract_article(html, url="https://harbour.example/ferries")
    assert extracted.published == PAGE_DATE
    return extracted


def stored_date(*entries: Entry, extracted: Extracted | None) -> datetime:
    feed = ParsedFeed(format="rss20", title="Harbour", link="https://harbour.example/", entries=entries)
    draft = assemble(
        entries[0], extracted, feed=feed, source_id=1, source_language="en", content_hash="c" * 64,
        now=NOW, excerpt_words=30,
    )  # fmt: skip
    return draft.published


def entry(n: int = 0, published: datetime | None = None, updated: datetime | None = None) -> Entry:
    return Entry(
        guid=f"g{n}", link=f"https://harbour.example/{n}", title="Ferries return",
        published=published, updated=updated,
    )  # fmt: skip


def test_the_feed_date_wins_over_the_page_date() -> None:
    assert stored_date(entry(published=FEED_DATE), extracted=page()) == FEED_DATE


def test_without_a_feed_date_the_page_date_wins_over_the_feed_update() -> None:
    later = FEED_DATE + timedelta(days=1)
    assert stored_date(entry(updated=later), extracted=page()) == PAGE_DATE


def test_a_feed_date_in_the_future_gives_way_to_the_page() -> None:
    assert stored_date(entry(published=NOW + timedelta(days=30)), extracted=page()) == PAGE_DATE


def test_one_instant_on_every_item_is_the_feed_build_time_not_a_publication() -> None:
    built = NOW - timedelta(minutes=5)
    items = [entry(n, published=built) for n in range(4)]
    assert stored_date(*items, extracted=page()) == PAGE_DATE
    items[2] = entry(2, published=built - timedelta(hours=3))  # distinct dates: each is believed
    assert stored_date(*items, extracted=page()) == built


def test_a_bare_day_in_the_feed_takes_the_pages_time_on_that_day() -> None:
    day = datetime(2024, 3, 5, tzinfo=UTC)
    assert stored_date(entry(published=day), extracted=page()) == PAGE_DATE
    other_day = datetime(2024, 3, 1, tzinfo=UTC)
    assert stored_date(entry(published=other_day), extracted=page()) == other_day


def test_with_no_date_anywhere_the_fetch_time_is_used() -> None:
    assert stored_date(entry(), extracted=None) == NOW


# ---- a long feed: the feed-level fact is worked out once, and the decisions are the old ones ----------


class CountedInstant(datetime):
    """A datetime that counts how often it is compared for (in)equality, to show how the work grows."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        CountedInstant.comparisons += 1
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        CountedInstant.comparisons += 1
        return super().__ne__(other)

    __hash__ = datetime.__hash__


def counted(stamp: datetime) -> CountedInstant:
    return CountedInstant.fromtimestamp(stamp.timestamp(), tz=stamp.tzinfo)


def trusted_before(stamp: datetime | None, feed: ParsedFeed) -> bool:
    """The rule as it was written before (the list of the feed's dates built for each entry)."""
    if stamp is None:
        return False
    stamps = [e.published for e in feed.entries]
    return len(stamps) < 3 or any(other != stamp for other in stamps)


LONG = 2_000
BUILT = NOW - timedelta(minutes=5)


def long_feeds() -> dict[str, list[datetime | None]]:
    distinct: list[datetime | None] = [BUILT - timedelta(minutes=n) for n in range(LONG)]
    same: list[datetime | None] = [BUILT] * LONG
    one_apart = [*same[:-1], BUILT - timedelta(hours=1)]
    with_gaps = [None if n % 7 == 0 else BUILT for n in range(LONG)]
    # The same instant written in another zone is the same instant.
    zones = [BUILT.astimezone(timezone(timedelta(hours=n % 5))) for n in range(LONG)]
    undated: list[datetime | None] = [None] * LONG
    small: dict[str, list[datetime | None]] = {f"{k} alike": [BUILT] * k for k in range(4)}
    return {
        "distinct": distinct, "same": same, "one apart": one_apart, "with gaps": with_gaps,
        "zones": list(zones), "undated": undated, **small, "two of three": [BUILT, BUILT, FEED_DATE],
    }  # fmt: skip


def test_a_long_feed_gets_the_same_date_decisions_as_before() -> None:
    from newsdesk.ingest.stages.assemble import _trustworthy

    for name, stamps in long_feeds().items():
        items = tuple(entry(n, published=stamp) for n, stamp in enumerate(stamps))
        feed = ParsedFeed(format="rss20", title="Harbour", link="https://harbour.example/", entries=items)
        decided = [_trustworthy(item.published, feed) for item in items]
        before: dict[datetime | None, bool] = {}  # the old rule, asked once per distinct date (it is slow)
        for item in items:
            if item.published not in before:
                before[item.published] = trusted_before(item.published, feed)
        assert decided == [before[item.published] for item in items], name
        # And through assemble: the stored date is the feed's exactly where the feed is believed.
        for item, believed in list(zip(items, decided, strict=True))[:50]:
            draft = assemble(
                item, None, feed=feed, source_id=1, source_language="en", content_hash="c" * 64,
                now=NOW, excerpt_words=30,
            )  # fmt: skip
            assert draft.published == (item.published if believed else NOW), name
    assert _trustworthy(BUILT, ParsedFeed(format="rss20", title="", link=None, entries=())) is True


def test_judging_a_long_feeds_dates_grows_with_its_length_not_its_square() -> None:
    """Every item carries the build time: before, judging each item compared it with every item
    (4,000,000 comparisons for 2,000 items); now the feed's shared instant is found once."""
    items = tuple(entry(n, published=counted(BUILT)) for n in range(LONG))
    feed = ParsedFeed(format="rss20", title="Harbour", link="https://harbour.example/", entries=items)
    CountedInstant.comparisons = 0
    for item in items:
        draft = assemble(
            item, None, feed=feed, source_id=1, source_language="en", content_hash="c" * 64,
            now=NOW, excerpt_words=30,
        )  # fmt: skip
        assert draft.published == NOW  # the build time is believed for none of them
    assert CountedInstant.comparisons <= 3 * LONG
    assert "shared_published" in vars(feed)  # remembered on the feed itself
