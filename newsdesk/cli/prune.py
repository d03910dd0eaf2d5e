"""`newsdesk prune [--dry-run] [--list]`: remove old data now (the worker also does it every hour)."""

from __future__ import annotations

import argparse
import json

from .common import database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("prune", help="remove old full text, Live News payloads and cached images")
    parser.add_argument("--dry-run", action="store_true", help="show what would go, remove nothing")
    parser.add_argument("--list", action="store_true", help="also print each item, one JSON line each")
    parser.set_defaults(handler=cmd_prune)


def cmd_prune(args: argparse.Namespace) -> int:
    database()
    from newsdesk.core.clock import utcnow
    from newsdesk.web import retention

    batches = retention.plan(utcnow())
    if args.list:
        for batch in batches:
            for item in batch.ids:
                print(json.dumps({"kind": batch.kind, "id": item}))
    if args.dry_run:
        for batch in batches:
            print(f"Would remove: {batch.count} {batch.description}.")
        print("Would bound the image cache to NEWSDESK_IMAGE_CACHE_MAX_BYTES (least recently read go first).")
        return 0
    done = retention.apply(batches)
    for batch in batches:
        print(f"Removed: {done[batch.kind]} {batch.description}.")
    removed, freed = retention.prune_image_cache()
    print(f"Image cache: removed {removed} file(s), {freed:,} bytes.")
    return 0
