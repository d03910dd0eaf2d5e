"""Retention: what old data goes, on a schedule and with `newsdesk prune`.

- the full text of articles stored more than NEWSDESK_KEEP_FULL_TEXT_DAYS ago (the excerpt, link and
  metadata stay; 0 keeps it for ever);
- the payload of Live News events older than NEWSDESK_LIVE_KEEP_DAYS (the rows stay, so that a story is
  never announced twice);
- the rows of background processes not seen for a week (heartbeats);
- the operator console's counters: hourly ones after 3 days, daily ones after 400 days, a source's days
  after 90 days;
- the image cache, bounded by the image store;
- the candidate index of stories: the stories no article can join any more are closed and lose their
  postings (closing changes no placement of an article stored within the day's margin of its
  publication, so it is done here rather than on each placement);
- the Prometheus files of processes that have exited (folded into one archive, docs/decisions/0023).

`plan()` lists exactly what would go and `apply()` removes exactly that list, so `newsdesk prune
--dry-run` shows what a prune run at the same moment removes. It lives in `web`, the one app layer that
sees articles, Live News and the image store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from newsdesk.ingest.scheduler import Job

HEARTBEAT_KEEP = timedelta(days=7)
HOURLY_TALLIES_KEEP = timedelta(days=3)
DAILY_TALLIES_KEEP = timedelta(days=400)
SOURCE_DAYS_KEEP = timedelta(days=90)


@dataclass
class Batch:
    kind: str
    description: str
    ids: list[int] = field(default_factory=list)
    apply: Callable[[list[int]], int] | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


def plan(now: datetime) -> list[Batch]:
    from newsdesk.articles import queries as article_queries
    from newsdesk.core.models import Heartbeat
    from newsdesk.live import actions as live_actions
    from newsdesk.live import queries as live_queries

    batches = []
    days = int(settings.NEWSDESK_OPS["KEEP_FULL_TEXT_DAYS"])
    if days > 0:
        ids = article_queries.with_full_text_before(now - timedelta(days=days))
        batches.append(
            Batch("full-text", f"full text of articles stored over {days} days ago", ids, _drop_full_text)
        )
    keep = int(settings.NEWSDESK_LIVE["KEEP_DAYS"])
    events = live_queries.events_with_payload_before(now - timedelta(days=keep))
    batches.append(
        Batch("live-events", f"payloads of Live News events over {keep} days old", events,
              live_actions.do_empty_events)
    )  # fmt: skip
    gone = list(
        Heartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_KEEP).order_by("pk").values_list("pk", flat=True)
    )
    batches.append(Batch("heartbeats", "rows of processes not seen for 7 days", gone, _forget_heartbeats))
    batches.extend(_console_counters(now))
    batches.append(stories_batch(now))
    return batches


def stories_batch(now: datetime) -> Batch:
    """The stories that no article can join any more at `now`, and how to close them (one batch of the
    prune job). The stories tests and `bench.stories` apply this batch alone, at their own clock."""
    from newsdesk.stories import actions as story_actions
    from newsdesk.stories import core as story_core

    cutoff = story_core.closing_time(now, now, story_actions.params())
    ids = story_actions.closable(cutoff)
    return Batch(
        "stories", "stories' index postings (stories no article can join any more close)", ids,
        lambda pks: story_actions.do_close_stories(pks, cutoff),
    )  # fmt: skip


def _console_counters(now: datetime) -> list[Batch]:
    from newsdesk.core.models import Tally
    from newsdesk.sources.models import SourceDay

    def ids(rows: Any) -> list[int]:
        return list(rows.order_by("pk").values_list("pk", flat=True))

    def drop(model: Any) -> Callable[[list[int]], int]:
        def apply(pks: list[int]) -> int:
            deleted, _ = model.objects.filter(pk__in=pks).delete()
            return int(deleted)

        return apply

    hourly = Tally.objects.filter(period=Tally.Period.HOUR, bucket_start__lt=now - HOURLY_TALLIES_KEEP)
    daily = Tally.objects.filter(period=Tally.Period.DAY, bucket_start__lt=now - DAILY_TALLIES_KEEP)
    days = SourceDay.objects.filter(day__lt=(now - SOURCE_DAYS_KEEP).date())
    return [
        Batch("hourly-counters", "the console's hourly counters over 3 days old", ids(hourly), drop(Tally)),
        Batch("daily-counters", "the console's daily counters over 400 days old", ids(daily), drop(Tally)),
        Batch("source-days", "sources' daily figures over 90 days old", ids(days), drop(SourceDay)),
    ]


def _forget_heartbeats(ids: list[int]) -> int:
    from newsdesk.core.models import Heartbeat

    deleted, _ = Heartbeat.objects.filter(pk__in=ids).delete()
    return deleted


def apply(batches: list[Batch]) -> dict[str, int]:
    done = {}
    for batch in batches:
        if batch.apply is not None and batch.ids:
            done[batch.kind] = batch.apply(batch.ids)
        else:
            done[batch.kind] = 0
    return done


def prune_image_cache() -> tuple[int, int]:
    """The image cache's size bound (NEWSDESK_IMAGE_CACHE_MAX_BYTES): files removed and bytes freed.
    The store decides by reading time when it runs, so a dry run cannot list its files in advance."""
    from .image_store import prune_images

    return prune_images()


def prune(now: datetime) -> dict[str, int]:
    """The scheduled job: everything above, now; and the metrics files of exited processes are folded
    (as a scrape does), so that they do not pile up on a site nobody scrapes."""
    from newsdesk.core import metrics

    if metrics.METRICS_DIR is not None:
        metrics.compact(metrics.METRICS_DIR)
    done = apply(plan(now))
    done["images"] = prune_image_cache()[0]
    return done


def jobs() -> list[Job]:
    from newsdesk.ingest.scheduler import Job

    return [Job("prune old data", float(settings.NEWSDESK_OPS["PRUNE_SECONDS"]), prune)]


def _drop_full_text(ids: list[int]) -> int:
    """Drop the full text, and render these pages' kept parts again: a story with no excerpt of its own
    showed one cut from the text (newsdesk/web/article_page.py)."""
    from newsdesk.articles import actions as article_actions
    from newsdesk.web import article_page

    dropped = article_actions.do_drop_full_text(ids)
    article_page.fill(ids)
    return dropped
