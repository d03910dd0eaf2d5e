"""`newsdesk newsletter send [--now] [--dry-run]` and `newsdesk newsletter subscribers [--json]`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsdesk.core.errors import UserError

from .common import Progress, database, print_json_line

if TYPE_CHECKING:
    from newsdesk.newsletter.models import Subscriber


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("newsletter", help="send digests, list subscribers")
    sub = parser.add_subparsers(dest="newsletter_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    send = sub.add_parser("send", help="send the digests that are due (an interrupted run is resumed first)")
    send.add_argument("--now", action="store_true", help="count every confirmed subscriber as due")
    send.add_argument("--dry-run", action="store_true", help="build the digests, send and record nothing")
    send.set_defaults(handler=cmd_send)
    listing = sub.add_parser("subscribers", help="list subscribers")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_subscribers)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def cmd_send(args: argparse.Namespace) -> int:
    database()
    from newsdesk.newsletter.locking import RunInProgress
    from newsdesk.newsletter.sending import DigestSender

    with Progress("digests", "mail") as bar:
        sender = DigestSender(on_progress=bar.update, on_total=bar.set_total)
        try:
            report = sender.run(force=args.now, dry_run=args.dry_run)
        except RunInProgress:
            raise UserError("Another digest run is in progress; try again when it has finished.") from None
    if report.resumed:
        print(f"Resumed the interrupted digest run {report.run_id}.", file=sys.stderr)
    verb = "would be sent" if report.dry_run else "sent"
    line = (
        f"Digests: {report.sent} {verb}, {report.skipped} skipped (nothing new), {report.failed} failed"
        + (f", {report.bounced} bounced" if report.bounced else "")
        + "."
    )
    print(("Dry run. " if report.dry_run else "") + line)
    return 1 if report.failed else 0


def subscriber_json(subscriber: Subscriber) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": subscriber.pk,
        "email": subscriber.email,
        "status": subscriber.status,
        "frequency": subscriber.frequency,
        "paused": subscriber.paused,
        "topics": sorted(t.slug for t in subscriber.topics.all()),
        "sources": sorted(s.pk for s in subscriber.sources.all()),
        "confirmed_at": iso(subscriber.confirmed_at),
        "last_digest_at": iso(subscriber.last_digest_at),
        "next_digest_at": iso(subscriber.next_digest_at),
        "bounces": subscriber.bounce_count,
    }


def cmd_subscribers(args: argparse.Namespace) -> int:
    database()
    from newsdesk.newsletter.models import Subscriber

    subscribers = Subscriber.objects.order_by("id").prefetch_related("topics", "sources")
    if args.json:
        for subscriber in subscribers.iterator(chunk_size=500):
            print_json_line(subscriber_json(subscriber))
        return 0
    count = 0
    for subscriber in subscribers.iterator(chunk_size=500):
        count += 1
        data = subscriber_json(subscriber)
        state = data["status"] + (" (paused)" if data["paused"] else "")
        interests = ", ".join(data["topics"] + [f"source {s}" for s in data["sources"]]) or "everything"
        last = data["last_digest_at"][:16].replace("T", " ") if data["last_digest_at"] else "never"
        bounces = f" · {_plural(data['bounces'], 'bounce')}" if data["bounces"] else ""
        print(f"{data['id']:>6}  {data['email']}  {state}, {data['frequency']}")
        print(f"        {interests} · last digest {last}{bounces}")
    if not count:
        print("No subscribers yet. The signup box is on the home page and on every article page.")
    return 0
