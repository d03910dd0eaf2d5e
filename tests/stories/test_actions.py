"""Stories on the real database: assignment as articles are stored, staff split and merge, rebuild."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from bench.stories.quality import load
from newsdesk.articles.actions import do_store_article
from newsdesk.sources.models import Source
from newsdesk.stories import queries
from newsdesk.stories.actions import do_assign_story, do_merge_stories, do_rebuild, do_split_story
from newsdesk.stories.models import Story, StoryKey, StoryMember, TermFrequency
from newsdesk.types import ArticleDraft
from tests.support.cli import run_cli
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db


def _rows(*events: str) -> list[dict[str, Any]]:
    return [r for r in load("tuning") if r["event"] in events]


def _store(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Store the rows as articles of their outlets, in publication order; row id -> article id."""
    sources: dict[str, Source] = {}
    ids: dict[str, int] = {}
    for row in rows:
        source = sources.get(row["outlet"]) or make_source(row["outlet"], site_url=row["outlet_url"])
        sources[row["outlet"]] = source
        article = make_article(
            source,
            url=f"{row['outlet_url']}{row['id']}",
            title=row["title"],
            excerpt=row["lead"],
            text=row["text"],
            language=row["language"],
            published=row["published"],
        )
        ids[row["id"]] = article.pk
    return ids


def _by_event(ids: dict[str, int]) -> dict[str, set[int]]:
    stories = queries.story_ids(list(ids.values()))
    out: dict[str, set[int]] = {}
    for row_id, article_id in ids.items():
        out.setdefault(row_id.split("-")[0], set()).add(stories[article_id])
    return out


def test_storing_articles_places_them_in_stories(django_capture_on_commit_callbacks: Any) -> None:
    rows = _rows("e001", "e002")
    sources: dict[str, Source] = {}
    ids = {}
    with django_capture_on_commit_callbacks(execute=True):
        for row in rows:
            if row["outlet"] not in sources:
                sources[row["outlet"]] = make_source(row["outlet"])
            source = sources[row["outlet"]]
            _, article_id = do_store_article(
                ArticleDraft(
                    source_id=source.pk,
                    url=f"http://quayside.test/{row['id']}",
                    link="",
                    guid="",
                    fingerprint="",
                    content_hash=row["id"],
                    title=row["title"],
                    published=row["published"],
                    excerpt=row["lead"],
                    text=row["text"],
                    language="en",
                )
            )
            assert article_id is not None
            ids[row["id"]] = article_id
    events = _by_event(ids)
    assert len(events["e001"]) == 1
    assert len(events["e002"]) == 1
    assert events["e001"] != events["e002"]
    (fire,) = events["e001"]
    story = Story.objects.get(pk=fire)
    assert story.article_count == 5
    assert story.source_count == len({r["outlet"] for r in rows if r["event"] == "e001"})
    assert story.title == min(rows[:5], key=lambda r: r["published"])["title"]


def test_assignment_uses_the_index_and_the_time_window() -> None:
    ids = _store(_rows("e003", "e004", "e008"))
    for article_id in ids.values():
        do_assign_story(article_id)
    events = _by_event(ids)
    assert all(len(stories) == 1 for stories in events.values())
    assert len(set().union(*events.values())) == 3
    (rates,) = events["e003"]
    wire = StoryMember.objects.get(article_id=ids["e003-a4"])
    assert wire.reason == "near-duplicate"
    assert wire.story_id == rates
    assert do_assign_story(ids["e003-a4"]) is None  # placed once


def test_rebuild_gives_the_stories_placing_one_by_one_gives() -> None:
    """The rebuild clusters in memory and writes in bulk; its stories, members, keys and counts are those
    of the online path."""
    ids = _store(_rows("e001", "e002", "e003", "e008"))
    for article_id in ids.values():
        do_assign_story(article_id)

    def state() -> tuple[Any, ...]:
        stories = {s.pk: s for s in Story.objects.all()}
        groups = sorted(
            sorted(StoryMember.objects.filter(story=s).values_list("article_id", flat=True))
            for s in stories.values()
        )
        members = sorted(StoryMember.objects.values_list("article_id", "reason", "score"))
        per_story = sorted(
            (
                s.lead_id,
                s.title,
                s.article_count,
                s.source_count,
                sorted(s.source_ids),
                sorted(s.head),
                s.terms,
            )
            for s in stories.values()
        )
        keys = sorted((k.key, stories[k.story_id].lead_id) for k in StoryKey.objects.all())
        frequencies = sorted(TermFrequency.objects.values_list("term", "df"))
        return groups, members, per_story, keys, frequencies

    online = state()
    assert do_rebuild() == len(ids)
    assert state() == online


def test_split_and_merge_survive_rebuild() -> None:
    ids = _store(_rows("e003", "e008"))
    do_rebuild()
    events = _by_event(ids)
    (rates,), (rents,) = events["e003"], events["e008"]
    # Staff split the wire copies off the rates story, then merge what is left with the rent story.
    wires = [ids["e003-a3"], ids["e003-a4"]]
    split_off = do_split_story(rates, wires)
    assert set(queries.story_ids(wires).values()) == {split_off}
    merged = do_merge_stories([rates, rents])
    assert queries.story_ids([ids["e003-a1"]])[ids["e003-a1"]] == merged
    assert Story.objects.get(pk=merged).article_count == 2 + 5
    do_rebuild()
    after = queries.story_ids(list(ids.values()))
    assert after[wires[0]] == after[wires[1]]  # the split-off copies stay together...
    assert after[wires[0]] != after[ids["e003-a1"]]  # ...and apart from the rest, though near-identical
    assert after[ids["e003-a1"]] == after[ids["e003-a2"]] == after[ids["e008-a1"]] == after[ids["e008-a4"]]
    assert Story.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_cli_lists_explains_and_rebuilds() -> None:
    ids = _store(_rows("e008"))
    result = run_cli("stories", "rebuild")
    assert result.returncode == 0, result.stderr
    assert "Placed 5 article(s) in 2 stories." in result.stdout or "Placed 5 article(s)" in result.stdout
    result = run_cli("stories", "--json", "--limit", "5")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines
    assert set(lines[0]) == {
        "id",
        "title",
        "articles",
        "sources",
        "first_published",
        "last_updated",
    }
    biggest = max(lines, key=lambda r: len(r["articles"]))
    assert set(biggest["articles"]) <= set(ids.values())
    assert len(biggest["articles"]) >= 4
    datetime.fromisoformat(biggest["first_published"])
    explained = run_cli("stories", "explain", str(biggest["id"]))
    assert explained.returncode == 0
    assert "started the story" in explained.stdout
    assert "shared:" in explained.stdout
    missing = run_cli("stories", "explain", "99999")
    assert missing.returncode != 0
    assert "no story with id 99999" in missing.stderr
    assert "Traceback" not in missing.stderr
    articles = [json.loads(line) for line in run_cli("articles", "--json").stdout.splitlines()]
    assert {a["story"] for a in articles} >= {biggest["id"]}
