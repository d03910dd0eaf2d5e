"""The newsletter gives one item per story, "also reported by" the other outlets (pure selection)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.template.loader import render_to_string

from newsdesk.newsletter.digest import Prefs, Story, StoryIndex, select

T = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def _story(pk: int, source: str, cluster: int | None, minutes: int) -> Story:
    return Story(
        pk,
        f"Headline {pk}",
        "An excerpt.",
        f"http://x.test/{pk}",
        pk,
        source,
        T + timedelta(minutes=minutes),
        frozenset(),
        cluster,
    )


def test_one_item_per_story_with_also_reported_by() -> None:
    index = StoryIndex.build(
        [
            _story(1, "Gullhaven Gazette", 7, 0),
            _story(2, "Northlight Record", 7, 10),
            _story(3, "Saltmarsh Courier", 7, 20),
            _story(4, "Northlight Record", None, 5),
            _story(5, "Saltmarsh Courier", 8, 1),
        ]
    )
    digest = select(index, Prefs(frozenset(), frozenset(), T - timedelta(hours=1)), limit=10)
    assert [s.id for s in digest.stories] == [3, 4, 5]
    assert digest.stories[0].also == ("Northlight Record", "Gullhaven Gazette")
    assert digest.stories[1].also == ()
    html = render_to_string("newsletter/email/_story.html", {"story": digest.stories[0]})
    assert "Also reported by Northlight Record, Gullhaven Gazette" in html
    text = render_to_string("newsletter/email/_story.txt", {"story": digest.stories[0]})
    assert "Also reported by Northlight Record, Gullhaven Gazette" in text
