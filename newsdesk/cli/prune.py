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
        if retention.image_cache_bounded():
            print("Would bound the image cache (the files read longest ago go first).")
        else:
            print("Image cache: no size bound in this version.")
        return 0
    done = retention.apply(batches)
    for batch in batches:
        print(f"Removed: {done[batch.kind]} {batch.description}.")
    images = retention.prune_image_cache()
    if images is None:
        print("Image cache: no size bound in this version.")
    else:
        print(f"Image cache: removed {images[0]} file(s), {images[1]:,} bytes.")
    return 0
