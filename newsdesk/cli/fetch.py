"""`newsdesk fetch [--all | ID ...]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsdesk.core.errors import UserError

from .common import Progress, database, positive_int

if TYPE_CHECKING:
    from newsdesk.ingest.report import SourceReport


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("fetch", help="fetch due sources now (or all, or the given ones)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="fetch every source, due or not")
    which.add_argument(
        "source_ids", metavar="ID", type=positive_int, nargs="*", default=[], help="source ids"
    )
    parser.set_defaults(handler=cmd_fetch)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(reports: Sequence[SourceReport]) -> str:
    ok = sum(1 for r in reports if r.ok)
    failed = len(reports) - ok
    new = sum(r.new for r in reports)
    updated = sum(r.updated for r in reports)
    return (
        f"{_plural(len(reports), 'source')} fetched: {ok} ok, {failed} failed; "
        f"{_plural(new, 'new article')}, {updated} updated."
    )


def cmd_fetch(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    from newsdesk.core.clock import utcnow
    from newsdesk.ingest.pipeline import Pipeline
    from newsdesk.ingest.policy import fetch_policy
    from newsdesk.ingest.stages.fetch import Fetcher
    from newsdesk.sources import queries as source_queries
    from newsdesk.sources.models import Source

    if args.all:
        ids = list(Source.objects.filter(is_active=True).order_by("id").values_list("pk", flat=True))
    elif args.source_ids:
        known = set(Source.objects.filter(pk__in=args.source_ids).values_list("pk", flat=True))
        missing = [str(i) for i in args.source_ids if i not in known]
        if missing:
            raise UserError(f"There is no source with id {', '.join(missing)}.")
        ids = list(dict.fromkeys(args.source_ids))
    else:
        ids = list(source_queries.due(utcnow()).values_list("pk", flat=True))
        if not ids:
            print("No source is due; use --all to fetch every source.", file=sys.stderr)

    with Progress("fetch", "source", len(ids)) as bar, Fetcher(fetch_policy()) as fetcher:

        def advance(report: SourceReport) -> None:
            bar.update()

        reports = Pipeline(fetcher).refresh_many(
            ids, workers=settings.NEWSDESK_INGEST["FETCH_WORKERS"], on_done=advance
        )
    for report in reports:
        if not report.ok:
            print(f"Source {report.source_id} ({report.name}) failed: {report.error}", file=sys.stderr)
    print(summary_line(reports))
    return 0 if all(r.ok for r in reports) else 1
