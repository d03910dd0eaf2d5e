"""What needs a person: the console's list of failing and held sources, the review queue, bounced digests
and quiet background processes, read with a few indexed lookups.

Nothing here scans articles: the one count of articles is the review queue's, on the indexed status
column, of the few quarantined ones. The sources table is in `source_table.py`, the site's charts in
`site_charts.py` (docs/decisions/0022-aggregate-tables.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse

from newsdesk.articles.models import Article
from newsdesk.core import heartbeats
from newsdesk.newsletter.models import Send
from newsdesk.sources.models import Source

WITHOUT = {"worker": "queued checks and mail wait", "scheduler": "nothing is queued"}
FAILING_FOR = timedelta(days=1)
PROCESS_QUIET = timedelta(minutes=5)
BOUNCES_WITHIN = timedelta(days=7)


@dataclass
class Attention:
    kind: str  # failing, held, review, bounced, process
    title: str
    detail: str
    link: str
    link_text: str


def one_sentence(text: str, limit: int = 200) -> str:
    """The first sentence of an error message, at most `limit` characters."""
    text = " ".join(text.split())
    for end in (". ", "! ", "? "):
        cut = text.find(end)
        if cut > 0:
            text = text[: cut + 1]
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _ago(now: datetime, then: datetime) -> str:
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    if seconds < 86400 and seconds % 3600 >= 600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} hours"
    return f"{seconds // 86400} days"


def attention(now: datetime, *, limit: int = 20) -> list[Attention]:
    """What needs a person, most pressing first: failing sources (longest first), held sources, the
    review queue, bounced digests, then quiet background processes."""
    items: list[Attention] = []
    failing = (
        Source.objects.filter(is_active=True, failing_since__lte=now - FAILING_FOR)
        .order_by("failing_since", "pk")
        .values_list("pk", "name", "url", "failing_since", "error_count", "last_error")[:limit]
    )
    for pk, name, url, since, errors, error in failing:
        items.append(
            Attention(
                "failing",
                f"{name or url} has been failing for {_ago(now, since or now)}",
                f"{one_sentence(error) or 'No error was recorded.'} ({errors} failed checks in a row)",
                reverse("admin:sources_source_change", args=[pk]),
                "Open the source",
            )
        )
    held = Source.objects.filter(held_since__isnull=False).order_by("held_since", "pk")
    for pk, name, url, since, reason in held.values_list("pk", "name", "url", "held_since", "held_reason")[
        :limit
    ]:
        items.append(
            Attention(
                "held",
                f"{name or url} is held as possibly compromised",
                f"Since {_ago(now, since or now)} ago: {one_sentence(reason) or 'spam kept coming from it.'} "
                "Its new items wait in the review queue.",
                reverse("admin:sources_source_change", args=[pk]),
                "Review the source",
            )
        )
    waiting = Article.objects.filter(status=Article.Status.QUARANTINED).count()
    if waiting:
        items.append(
            Attention(
                "review",
                f"{waiting} item{'s' if waiting != 1 else ''} in the review queue",
                "Quarantined as spam or from a held source; nothing is published until a person decides.",
                reverse("admin:articles_quarantinedarticle_changelist"),
                "Open the review queue",
            )
        )
    bounced = (
        Send.objects.filter(state=Send.State.BOUNCED, at__gte=now - BOUNCES_WITHIN)
        .select_related("subscriber")
        .order_by("-at")[:limit]
    )
    for send in bounced:
        items.append(
            Attention(
                "bounced",
                f"A digest to {send.subscriber.email} bounced {_ago(now, send.at)} ago",
                one_sentence(send.error) or "The mail server refused the address.",
                reverse("admin:newsletter_subscriber_change", args=[send.subscriber_id]),
                "Open the subscriber",
            )
        )
    for role, command in (("worker", "newsdesk worker"), ("scheduler", "newsdesk run")):
        seen = heartbeats.last_seen(role)
        if seen is None or now - seen > PROCESS_QUIET:
            when = "has never been seen" if seen is None else f"was last seen {_ago(now, seen)} ago"
            items.append(
                Attention(
                    "process",
                    f"The {role} {when}",
                    f"Without it {WITHOUT[role]}. Start it with `{command}` (see README, Running).",
                    reverse("admin:django_tasks_database_dbtaskresult_changelist"),
                    "See the task log",
                )
            )
    return items
