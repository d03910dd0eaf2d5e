"""Generating a newsroom of N synthetic articles (our own words) straight into a database.

Run as `python -m bench.serve.generate N` with NEWSDESK_DATA_DIR / DATABASE_URL pointing at a fresh
database: it migrates, then bulk-inserts sources, articles (the search index fills through its
triggers) and topic assignments. Deterministic: the same N gives the same rows.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

PLACES = [
    "Harbourside", "Northfield", "Eastbrook", "Millbridge", "Westmere", "Kingsford", "Ashdown", "Larkhill",
    "Riverton", "Stonegate", "Fairhaven", "Oakridge", "Bramley", "Cedar Point", "Highmoor", "Lowther",
]  # fmt: skip
SUBJECTS = [
    "the town council", "local teachers", "the harbour board", "a small bakery", "the cycling club",
    "hospital staff", "the rail operator", "researchers at the university", "the museum", "farmers",
    "the water company", "volunteers", "the ferry crew", "the city library", "a youth orchestra",
    "the weather service", "shop owners", "the fire brigade", "a software startup", "the football club",
]  # fmt: skip
VERBS = [
    "announced", "postponed", "celebrated", "questioned", "approved", "opened", "reviewed", "rebuilt",
    "welcomed", "expanded", "paused", "debated", "published", "tested", "repaired", "launched",
]  # fmt: skip
OBJECTS = [
    "a plan for new cycle lanes", "the winter timetable", "a study of river levels", "the harvest festival",
    "a budget for school repairs", "the night bus service", "an exhibition of old maps", "a storm warning",
    "the new science wing", "a vote on parking charges", "a charity marathon", "solar panels on the depot",
    "the reopening of the pier", "a survey of rare birds", "plans for a community garden", "a jobs fair",
]  # fmt: skip
DETAILS = [
    "Residents were invited to comment before the end of the month.",
    "A spokesperson said the work would take about six weeks.",
    "Figures released on Tuesday showed a modest rise compared with last year.",
    "Several people who spoke at the meeting asked for more detail on the costs.",
    "The decision follows months of discussion between the groups involved.",
    "Organisers expect several hundred visitors over the weekend.",
    "Engineers will inspect the site again once the weather improves.",
    "The proposal will be considered again at the next public session.",
    "Local businesses said they hoped the change would bring more visitors.",
    "A full report is due to be published early next year.",
]  # fmt: skip
SOURCES = 24
BATCH = 2000


def title(rng: random.Random) -> str:
    return (
        f"{rng.choice(PLACES)}: {rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    )


def body(rng: random.Random, paragraphs: int = 5) -> str:
    out = []
    for _ in range(paragraphs):
        sentences = [
            f"In {rng.choice(PLACES)}, {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
            rng.choice(DETAILS),
            f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} as well.",
            rng.choice(DETAILS),
        ]
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def excerpt(text: str, words: int = 60) -> str:
    parts = text.split()
    return " ".join(parts[:words]).rstrip(".,;:") + "…" if len(parts) > words else text


def generate(count: int) -> None:
    from newsdesk.core.bootstrap import ensure_database

    ensure_database()
    from django.db import transaction

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.topics.models import Topic
    from newsdesk.web import article_page

    rng = random.Random(20260310)
    sources = Source.objects.bulk_create(
        Source(
            url=f"http://outlet-{i}.example/feed.xml",
            name=f"The {PLACES[i % len(PLACES)]} {['Gazette', 'Courier', 'Herald'][i % 3]}",
            site_url=f"http://outlet-{i}.example/",
            language="en",
        )
        for i in range(SOURCES)
    )
    topic_ids = list(Topic.objects.values_list("id", flat=True))
    through = Topic.articles.through
    now = datetime.now(UTC)
    started = time.monotonic()
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows = []
        for i in range(made, made + size):
            text = body(rng)
            published = now - timedelta(minutes=3 * (count - i))  # the newest last, ~every 3 minutes
            rows.append(
                Article(
                    source=sources[i % SOURCES],
                    url=f"http://outlet-{i % SOURCES}.example/news/{i}",
                    link=f"http://outlet-{i % SOURCES}.example/news/{i}",
                    guid=f"urn:bench:{i}",
                    fingerprint=f"{i:064x}",
                    content_hash=f"{i:064x}",
                    title=title(rng),
                    authors=[f"Reporter {i % 97}"] if i % 5 else [],
                    published=published,
                    excerpt=excerpt(text),
                    text=text,
                    language="en",
                    lead_image=f"http://outlet-{i % SOURCES}.example/images/{i}.jpg" if i % 2 else "",
                    categories=[],
                    created_at=published,
                    modified_at=published,
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(rows)
            links = []
            for article in created:
                for topic_id in rng.sample(topic_ids, k=rng.choice((1, 1, 2))):
                    links.append(through(article_id=article.pk, topic_id=topic_id))
            through.objects.bulk_create(links)
        # The article page's kept part, rendered by what the ingest path's receiver calls on commit.
        article_page.fill([article.pk for article in created])
        made += size
        print(
            f"\r  {made:,} articles ({time.monotonic() - started:.0f} s)", end="", file=sys.stderr, flush=True
        )
    print(file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    generate(int(sys.argv[1]))
