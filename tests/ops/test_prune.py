"""`newsdesk prune`: it removes exactly what `--dry-run` said it would, and nothing else."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.support.cli import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def _seed() -> None:
    from newsdesk.articles.models import Article
    from newsdesk.core.models import Heartbeat
    from newsdesk.live.models import LiveEvent
    from newsdesk.sources.models import Source

    now = timezone.now()
    source = Source.objects.create(url="http://127.0.0.1:9/feed.xml", name="Estuary Post")
    for n in range(0, 60, 3):  # stored 0, 3, ... 57 days ago
        article = Article.objects.create(
            source=source, url=f"http://127.0.0.1:9/s{n}", title=f"Ferry timetable {n}",
            published=now - timedelta(days=n), created_at=now - timedelta(days=n),
            excerpt=f"The ferry note {n}.", text=f"The whole ferry note {n}, kept in full. " * 5,
            content_html=f"<p>The whole ferry note {n}.</p>" if n % 2 else "",
        )  # fmt: skip
        LiveEvent.objects.create(
            article=article,
            source_id=source.pk,
            data=json.dumps({"n": n}),
            created_at=now - timedelta(days=n),
        )
    Heartbeat.objects.create(role="worker", name="old:1", seen_at=now - timedelta(days=9), started_at=now)
    Heartbeat.objects.create(role="worker", name="new:2", seen_at=now, started_at=now)


def _state() -> tuple[set[int], set[int], set[int]]:
    from newsdesk.articles.models import Article
    from newsdesk.core.models import Heartbeat
    from newsdesk.live.models import LiveEvent

    with_text = set(Article.objects.exclude(text="", content_html="").values_list("pk", flat=True))
    with_data = set(LiveEvent.objects.exclude(data="").values_list("pk", flat=True))
    beats = set(Heartbeat.objects.values_list("pk", flat=True))
    return with_text, with_data, beats


def test_prune_removes_exactly_what_dry_run_listed() -> None:
    _seed()
    before = _state()

    dry = run_cli(
        "prune", "--dry-run", "--list", NEWSDESK_KEEP_FULL_TEXT_DAYS="30", NEWSDESK_LIVE_KEEP_DAYS="7"
    )
    assert dry.returncode == 0, dry.stderr
    listed: dict[str, set[int]] = {"full-text": set(), "live-events": set(), "heartbeats": set()}
    summary = []
    for line in dry.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            listed[item["kind"]].add(item["id"])
        else:
            summary.append(line)
    assert _state() == before  # a dry run changes nothing
    assert len(listed["full-text"]) == 10  # stored 30 days ago or more: 30, 33, ... 57
    assert len(listed["live-events"]) == 17  # older than 7 days: 9, 12, ... 57
    assert len(listed["heartbeats"]) == 1
    assert summary[0] == "Would remove: 10 full text of articles stored over 30 days ago."

    done = run_cli("prune", NEWSDESK_KEEP_FULL_TEXT_DAYS="30", NEWSDESK_LIVE_KEEP_DAYS="7")
    assert done.returncode == 0, done.stderr
    after = _state()
    assert before[0] - after[0] == listed["full-text"]
    assert after[0] <= before[0]
    assert before[1] - after[1] == listed["live-events"]
    assert after[1] <= before[1]
    assert before[2] - after[2] == listed["heartbeats"]
    assert after[2] <= before[2]
    assert done.stdout.splitlines()[:3] == [line.replace("Would remove", "Removed") for line in summary[:3]]

    from newsdesk.articles.models import Article

    old = Article.objects.filter(pk__in=listed["full-text"])
    assert all(a.excerpt and a.url and a.title and not a.text and not a.content_html for a in old)


def test_the_worker_prunes_on_schedule() -> None:
    from newsdesk.ingest.scheduler import default_jobs

    jobs = {job.name: job for job in default_jobs(15)}
    assert "prune old data" in jobs
    _seed()
    before = _state()
    jobs["prune old data"].run(timezone.now())
    after = _state()
    assert len(before[1] - after[1]) == 17  # NEWSDESK_LIVE_KEEP_DAYS is 7 by default
    assert after[0] == before[0]  # full text is kept for ever by default
