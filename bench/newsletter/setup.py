"""Builds a benchmark database: topics, sources, a day of stories, and N confirmed subscribers.

Run as `python -m bench.newsletter.setup N` with DATABASE_URL set; its own process, so that building
100,000 rows does not count towards the sender's memory. Synthetic data, our own words.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

TOPICS = ["Transport", "Science", "Health", "Housing", "Weather", "Sport", "Arts", "Business", "Schools",
          "Environment", "Politics", "Food"]  # fmt: skip
SOURCES = [
    "Harbour Gazette",
    "Valley Courier",
    "Coastline Weekly",
    "Town Bulletin",
    "Hill Post",
    "River Times",
]
WORDS = [
    "ferry", "quay", "council", "bridge", "tram", "library", "market", "storm", "harbour", "school", "museum",
    "garden", "choir", "budget", "repairs", "festival", "timetable", "clinic", "coast", "river", "valley",
]  # fmt: skip


def build(subscribers: int, stories: int = 300, seed: int = 5, domain: str = "example.org") -> None:
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.newsletter.models import Subscriber, new_key
    from newsdesk.sources.models import Source
    from newsdesk.topics.models import Topic

    rng = random.Random(seed)
    now = timezone.now()
    # The default topics come with the database; take those that exist, create the others.
    topics = [Topic.objects.get_or_create(slug=t.lower(), defaults={"name": t})[0] for t in TOPICS]
    sources = Source.objects.bulk_create(
        Source(url=f"https://{n.split()[0].lower()}.example/feed", name=n) for n in SOURCES
    )
    articles = []
    for i in range(stories):
        words = rng.sample(WORDS, 7)
        title = " ".join(words[:6]).capitalize()
        articles.append(Article(
            source=rng.choice(sources), url=f"https://news.example/story/{i}", title=title,
            published=now - timedelta(minutes=5 * i + 10), created_at=now - timedelta(minutes=4 * i + 5),
            excerpt=" ".join(rng.choice(WORDS) for _ in range(55)).capitalize() + "…",
        ))  # fmt: skip
    articles = Article.objects.bulk_create(articles)
    links = Topic.articles.through
    links.objects.bulk_create(
        links(topic_id=topic.pk, article_id=article.pk)
        for article in articles
        for topic in rng.sample(topics, rng.randint(1, 2))
    )
    since = now - timedelta(days=1, minutes=30)
    batch = 5000
    topic_links, source_links = Subscriber.topics.through, Subscriber.sources.through
    for start in range(0, subscribers, batch):
        created = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{n:06d}@{domain}",
                status="confirmed",
                key=new_key(),
                frequency="weekly" if n % 5 == 0 else "daily",
                confirmed_at=since,
                digest_cursor=since,
                next_digest_at=since + timedelta(days=1),
            )
            for n in range(start, min(start + batch, subscribers))
        )
        t_rows, s_rows = [], []
        for sub in created:
            kind = rng.random()
            if kind < 0.15:
                continue  # everything
            for topic in rng.sample(topics, rng.randint(1, 3)):
                t_rows.append(topic_links(subscriber_id=sub.pk, topic_id=topic.pk))
            if kind > 0.8:
                s_rows.append(source_links(subscriber_id=sub.pk, source_id=rng.choice(sources).pk))
        topic_links.objects.bulk_create(t_rows)
        source_links.objects.bulk_create(s_rows)


if __name__ == "__main__":
    from newsdesk.core.bootstrap import ensure_database

    ensure_database()
    build(int(sys.argv[1]), domain=sys.argv[2] if len(sys.argv) > 2 else "example.org")
