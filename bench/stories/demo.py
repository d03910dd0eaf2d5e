"""Story quality on `make run`'s demo: its articles fetched into a fresh database, grouped, and scored.

    python -m bench.stories.quality --demo [-v]

1. The demo outlets (`newsdesk_demo`) are served on loopback with the drip of `make run` (90 s) and a
   clock set after the last release, so every held-back story is out, published 90 s apart as they
   would be after a long `make run`;
2. they are added as sources and fetched through the real pipeline into a fresh SQLite database in a
   temporary directory; each stored article is placed in a story as it is stored (the online path);
3. then `stories rebuild` re-clusters them all in publication order.

Both groupings are scored with BCubed against `EVENTS` below: our own label of which demo articles
report one event. A "wrong group" is a story holding articles of more than one event.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from datetime import timedelta
from typing import Any

# Our label of the demo's events: (outlet, slug) -> event. Every demo story reports an event of its
# own, except Coastline Today's syndicated copy of the Courier's tram story (same event). The gambling
# post is quarantined, never published, so it is not labelled.
SAME_EVENT = {
    ("coastline", "oldmere-tram-extension-gets-the-green-light"): (
        "courier",
        "tram-line-3-extension-to-oldmere-wins-funding",
    ),
}


def events() -> dict[tuple[str, str], str]:
    from newsdesk_demo.content import load_outlets

    label: dict[tuple[str, str], str] = {}
    for outlet in load_outlets():
        for story in outlet.stories:  # the spam post is not among an outlet's stories
            key = (outlet.slug, story.slug)
            same = SAME_EVENT.get(key, key)
            label[key] = f"{same[0]}/{same[1]}"
    return label


def _setup() -> None:
    os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="newsdesk-bench-demo-")
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.base", NEWSDESK_SECRET_KEY="bench-only")  # noqa: S106
    os.environ["NEWSDESK_ALLOW_PRIVATE_NETWORKS"] = "1"  # the outlets are on loopback
    os.environ["NEWSDESK_STORIES"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _ingest() -> None:
    from newsdesk.core.clock import utcnow
    from newsdesk.ingest.pipeline import Pipeline
    from newsdesk.ingest.policy import fetch_policy
    from newsdesk.ingest.probe import add_source
    from newsdesk.ingest.stages.fetch import Fetcher
    from newsdesk.sources.models import Source
    from newsdesk_demo.content import load_outlets
    from newsdesk_demo.server import DemoServer

    drip = 90.0
    start = utcnow()
    held = sum(1 for o in load_outlets() for s in o.stories if s.held)
    now = [start]  # the server's clock: its start, then after the last release
    with DemoServer(port=0, drip_seconds=drip, clock=lambda: now[0]) as demo:
        now[0] = start + timedelta(seconds=drip * (held + 1))
        for name, url in demo.feeds():
            add_source(url, name=name)
        with Fetcher(fetch_policy()) as fetcher:
            reports = Pipeline(fetcher).refresh_many(Source.objects.values_list("pk", flat=True))
    failed = [r.error for r in reports if not r.ok]
    if failed:
        raise SystemExit(f"bench.stories.quality --demo: error: a demo outlet failed: {failed[0]}")


def _grouping() -> tuple[dict[str, int], dict[str, Any]]:
    """Each published demo article's story id, keyed by "outlet/slug", and the articles themselves."""
    from newsdesk.articles.models import Article
    from newsdesk.stories.models import StoryMember

    label = events()
    slugs = {slug: outlet for outlet, slug in label}
    story = dict(StoryMember.objects.values_list("article_id", "story_id"))
    grouping: dict[str, int] = {}
    articles: dict[str, Any] = {}
    for article in Article.objects.published().select_related("source"):
        slug = article.url.rstrip("/").rsplit("/", 1)[-1]
        if slug not in slugs:
            raise SystemExit(f"bench.stories.quality --demo: error: unlabelled article {article.url}")
        key = f"{slugs[slug]}/{slug}"
        grouping[key] = story.get(article.pk, -article.pk)
        articles[key] = article
    return grouping, articles


def _report(name: str, grouping: dict[str, int], articles: dict[str, Any], verbose: bool) -> None:
    from newsdesk.stories.evaluate import bcubed

    label = {f"{o}/{s}": e for (o, s), e in events().items()}
    gold = {k: label[k] for k in grouping}
    result = bcubed(grouping, gold)
    stories: dict[int, list[str]] = defaultdict(list)
    for key, story in grouping.items():
        stories[story].append(key)
    wrong = [members for members in stories.values() if len({gold[k] for k in members}) > 1]
    print(
        f"{name}: {len(grouping)} articles, {len(set(gold.values()))} events, {len(stories)} stories; "
        f"wrong groups {len(wrong)} ({sum(len(w) for w in wrong)} articles); "
        f"BCubed P {result.precision:.3f} R {result.recall:.3f} F1 {result.f1:.3f}"
    )
    if verbose:
        for members in wrong:
            story = grouping[members[0]]
            print(f"  WRONG story {story}:")
            for key in sorted(members, key=lambda k: articles[k].published):
                print(f"    {articles[key].pk:>4} {articles[key].title[:72]}")


def main(argv: list[str]) -> None:
    _setup()
    _ingest()
    verbose = "-v" in argv
    grouping, articles = _grouping()
    _report("demo, placed as fetched", grouping, articles, verbose)
    from newsdesk.stories.actions import do_rebuild

    do_rebuild()
    grouping, articles = _grouping()
    _report("demo, after stories rebuild", grouping, articles, verbose)
    if "--keep" in argv:
        print("database kept in", os.environ["NEWSDESK_DATA_DIR"])
