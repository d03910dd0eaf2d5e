"""A newsroom for the operator console, at any size: sources with 30 days of per-day figures, articles,
the site's tallies per hour and day, and one of each thing that needs attention. Used by the console's
tests (small) and by `python -m bench.console` (100,000 articles, 2,000 sources).

Rows are written in bulk, as a fixture; the actions that keep the same tables in a running site are
tested on their own (tests/console/test_counting.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

FAILING_ERROR = "The server answered 503 Service Unavailable. It said to come back later."


@dataclass
class Seeded:
    failing_id: int
    failing_name: str
    held_id: int
    quarantined: int
    bounced_email: str


def seed(*, sources: int, articles: int, now: datetime, rng: random.Random | None = None) -> Seeded:
    from django.db import transaction

    from newsdesk.articles.models import Article
    from newsdesk.core import tallies
    from newsdesk.core.models import Heartbeat, Tally
    from newsdesk.newsletter.models import DigestRun, Send, Subscriber
    from newsdesk.sources.models import FETCH_MS_COLUMNS, Source, SourceDay

    rng = rng or random.Random(7)
    today = now.date()
    with transaction.atomic():
        made = Source.objects.bulk_create(
            Source(
                url=f"http://outlet-{n}.test/feed.xml",
                name=f"Outlet {n:04d} Gazette",
                last_fetched=now - timedelta(minutes=rng.randint(1, 90)),
                next_check_at=now + timedelta(minutes=rng.randint(1, 120)),
            )
            for n in range(sources)
        )
        ids = [s.pk for s in made]
        failing, held = made[min(3, len(made) - 1)], made[min(5, len(made) - 1)]
        Source.objects.filter(pk=failing.pk).update(
            name="The Failing Herald",
            error_count=9,
            failing_since=now - timedelta(days=3),
            last_error=FAILING_ERROR,
        )
        Source.objects.filter(pk=held.pk).update(
            held_since=now - timedelta(hours=5), held_reason="Spam kept coming from this source."
        )
        days = []
        for sid in ids:
            for back in range(30):
                fetches = rng.randint(10, 30)
                nm = rng.randint(0, fetches // 2)
                failures = fetches if sid == failing.pk and back < 3 else (1 if rng.random() < 0.08 else 0)
                failures = min(failures, fetches - nm)
                hist = dict.fromkeys(FETCH_MS_COLUMNS, 0)
                for _ in range(fetches):
                    hist[FETCH_MS_COLUMNS[min(int(rng.expovariate(0.8)), 7)]] += 1
                days.append(
                    SourceDay(
                        source_id=sid,
                        day=today - timedelta(days=back),
                        fetches=fetches,
                        not_modified=nm,
                        failures=failures,
                        new_content=fetches - nm - failures,
                        articles=rng.randint(0, 8),
                        fetch_seconds=fetches * 0.3,
                        **hist,
                    )
                )
        SourceDay.objects.bulk_create(days, batch_size=5000)

        quarantined = max(articles // 200, 1)
        Article.objects.bulk_create(
            (
                Article(
                    source_id=ids[n % len(ids)],
                    url=f"http://outlet-{n % len(ids)}.test/story/{n}",
                    title=f"Story {n} from the harbour",
                    excerpt="Ferries, tides and the night market.",
                    published=now - timedelta(minutes=n),
                    modified_at=now,
                    status=Article.Status.QUARANTINED if n < quarantined else Article.Status.PUBLISHED,
                )
                for n in range(articles)
            ),
            batch_size=2000,
        )

        rows = []
        for period, buckets in ((tallies.HOUR, 24), (tallies.DAY, 30)):
            start = tallies.bucket_start(now, period)
            for back in range(buckets):
                at = start - tallies.STEP[period] * back
                scale = 1 if period == tallies.HOUR else 24
                figures = {
                    ("fetch", "new"): rng.randint(200, 400) * scale,
                    ("fetch", "not_modified"): rng.randint(100, 300) * scale,
                    ("fetch", "error:http-5xx"): rng.randint(0, 20) * scale,
                    ("fetch", "error:network"): rng.randint(0, 10) * scale,
                    ("articles", "published"): rng.randint(50, 150) * scale,
                    ("articles", "quarantined"): rng.randint(0, 5) * scale,
                    ("task.enqueued", "refresh_source"): 300 * scale,
                    ("task.started", "refresh_source"): 300 * scale,
                    ("live", "opened"): rng.randint(5, 40) * scale,
                    ("pages", "HIT"): rng.randint(2000, 4000) * scale,
                    ("pages", "MISS"): rng.randint(200, 600) * scale,
                    ("pages", "PASS"): rng.randint(50, 100) * scale,
                    ("mail", "sent"): rng.randint(0, 50) * scale,
                    ("mail", "bounced"): rng.randint(0, 2) * scale,
                }
                totals = {
                    ("task.started", "refresh_source"): 300 * scale * rng.uniform(0.2, 3.0),
                    ("live", "reader_seconds"): rng.uniform(3, 30) * 3600 * scale,
                }
                for (metric, label), count in figures.items():
                    total = totals.get((metric, label), 0.0)
                    rows.append(
                        Tally(
                            metric=metric,
                            label=label,
                            period=period,
                            bucket_start=at,
                            count=count,
                            total=total,
                        )
                    )
                rows.append(
                    Tally(
                        metric="live",
                        label="reader_seconds",
                        period=period,
                        bucket_start=at,
                        count=1,
                        total=totals[("live", "reader_seconds")],
                    )
                )
        Tally.objects.bulk_create(rows)

        subscriber = Subscriber.objects.create(email="gone@example.org", status=Subscriber.Status.BOUNCED)
        run = DigestRun.objects.create(cutoff=now - timedelta(hours=2))
        Send.objects.create(
            run=run,
            subscriber=subscriber,
            state=Send.State.BOUNCED,
            at=now - timedelta(hours=2),
            error="550 5.1.1 The mailbox does not exist. Sorry.",
        )
        Heartbeat.objects.create(role="worker", name="bench:1", started_at=now, seen_at=now)
        Heartbeat.objects.create(
            role="scheduler",
            name="bench:2",
            started_at=now - timedelta(days=1),
            seen_at=now - timedelta(hours=2),
        )
    return Seeded(failing.pk, "The Failing Herald", held.pk, quarantined, "gone@example.org")
