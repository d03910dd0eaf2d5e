"""`make run`'s demo (one invented coast, four outlets), grouped in memory in publication order from the
outlets' own text. `python -m bench.stories.quality --demo` measures the same through the real fetch
and a database (no wrong group there); this keeps the rules honest in the fast suite."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from bench.stories.demo import events
from newsdesk.stories.core import signals
from newsdesk.stories.memory import MemoryIndex
from newsdesk_demo.content import load_outlets

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
DRIP = timedelta(seconds=90)


def _articles() -> list[tuple[datetime, str, str, str, str, int]]:
    """(published, key, title, lead, body, outlet) of every demo story, the held-back ones released
    one after another as `make run`'s drip does (taking turns across outlets)."""
    rows: list[tuple[datetime, str, str, str, str, int]] = []
    held: list[list[tuple[str, tuple[str, str, str, int]]]] = []
    for number, outlet in enumerate(load_outlets()):
        held.append([])
        for story in outlet.stories:
            if story.copy_of:  # a syndicated copy: stored once, as a duplicate of its original
                continue
            key = f"{outlet.slug}/{story.slug}"
            body = "\n\n".join(story.paragraphs)
            row = (story.headline, story.standfirst, body, number)
            if story.hours_ago is None:
                held[-1].append((key, row))
            else:
                rows.append((START - timedelta(hours=story.hours_ago), key, *row))
    turns = [column[k] for k in range(max(map(len, held))) for column in held if k < len(column)]
    for k, (key, row) in enumerate(turns, start=1):
        rows.append((START + k * DRIP, key, *row))
    return sorted(rows)


def test_the_demo_has_at_most_one_wrong_pair() -> None:
    label = {f"{o}/{s}": e for (o, s), e in events().items()}
    index = MemoryIndex()
    for published, key, title, lead, body, outlet in _articles():
        index.assign(key, signals(title, lead, body, "en", published, source=outlet))
    stories: dict[int, set[str]] = defaultdict(set)
    for key, story in index.assignment.items():
        stories[story].add(label[key])
    assert len(index.assignment) == 29
    wrong = [events for events in stories.values() if len(events) > 1]
    # Known and in the README: from the outlets' full text, the frost and the fog warnings both quote
    # the Coast Weather Service and share seven everyday weather words. The rules before decision 0020's
    # "Evidence by named things" made 5 wrong groups of 12 articles here.
    assert len(wrong) <= 1
    assert all(len(events) == 2 for events in wrong)
