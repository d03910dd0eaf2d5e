"""`newsdesk sources add|list|remove`."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .common import database, positive_int, print_json_line

if TYPE_CHECKING:
    from newsdesk.sources.models import Source


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("sources", help="add, list and remove the feeds we follow")
    sub = parser.add_subparsers(dest="sources_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    add = sub.add_parser("add", help="add a feed, or a page that links to one")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="a name for the source (default: the feed's title)")
    add.set_defaults(handler=cmd_add)

    listing = sub.add_parser("list", help="list sources")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_list)

    remove = sub.add_parser("remove", help="remove a source and its articles")
    remove.add_argument("source_id", metavar="ID", type=positive_int)
    remove.set_defaults(handler=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    database()
    from newsdesk.ingest.probe import add_source, format_label

    source, probe = add_source(args.url, name=args.name)
    how = "found through the page's feed link" if probe.discovered else "a feed"
    kind = format_label(probe.feed.format)
    items = probe.feed.total_entries
    print(f"Added source {source.pk}: {source.name} ({kind}, {items} items, {how}) at {source.url}")
    return 0


def source_json(source: Source, article_count: int, websub: str | None = None) -> dict[str, Any]:
    from newsdesk.core.clock import utcnow

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": source.pk,
        "url": source.url,
        "name": source.name,
        "last_fetched": iso(source.last_fetched),
        "next_check_at": iso(source.next_check_at),
        "last_error": source.last_error or None,
        "state": source.state(utcnow()),
        "articles": article_count,
        "websub": websub,
    }


def cmd_list(args: argparse.Namespace) -> int:
    database()
    from django.db.models import Count

    from newsdesk.sources.models import Source
    from newsdesk.websub.queries import states

    sources = Source.objects.annotate(n=Count("articles")).order_by("id")
    websub = states(source.pk for source in sources)
    if args.json:
        for source in sources:
            print_json_line(source_json(source, source.n, websub.get(source.pk)))
        return 0
    if not sources:
        print("No sources yet. Add one with: newsdesk sources add URL")
        return 0
    from newsdesk.core.clock import utcnow

    now = utcnow()
    words = {
        "fetching": "fetching now",
        "interrupted": "the last check was cut off (it is queued again)",
        "ok": "ok",
    }
    for source in sources:
        state = source.state(now)
        state = f"error: {source.last_error}" if state == "error" else words[state]
        fetched = source.last_fetched.strftime("%Y-%m-%d %H:%M") if source.last_fetched else "never"
        print(f"{source.pk:>4}  {source.name}  {source.url}")
        push = f" · WebSub {websub[source.pk]}" if source.pk in websub else ""
        print(f"      {source.n} articles · last fetched {fetched} · {state}{push}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    database()
    from newsdesk.sources.actions import do_remove_source

    source = do_remove_source(args.source_id)
    print(f"Removed source {args.source_id}: {source.name}")
    return 0
