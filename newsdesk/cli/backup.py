"""`newsdesk backup FILE` and `newsdesk restore FILE` (newsdesk/core/backup.py does the work)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdesk.core.errors import UserError

from .common import Progress, database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="write a backup of the database to FILE (safe while running)")
    backup.add_argument("file", metavar="FILE", type=Path, help="where to write it")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the database's contents with a backup")
    restore.add_argument("file", metavar="FILE", type=Path, help="a file written by `newsdesk backup`")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing the database")
    restore.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    database()
    from newsdesk.core import backup

    unit = "page" if backup.vendor() == "sqlite" else "table"
    with Progress("backup", unit) as bar:
        backup.backup(args.file, progress=bar.set)
    size = args.file.stat().st_size
    print(f"Backed up the {backup.vendor()} database to {args.file} ({size:,} bytes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from newsdesk.core import backup
    from newsdesk.core.bootstrap import setup_django

    setup_django()
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("restore replaces every row of the database; add --yes to go ahead.")
        answer = input(f"Replace this site's database with {args.file}? Stop the site first. [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing restored.", file=sys.stderr)
            return 1
    unit = "page" if backup.vendor() == "sqlite" else "table"
    with Progress("restore", unit) as bar:
        backup.restore(args.file, progress=bar.set)
    database()  # a backup from an older version is brought up to date
    print(f"Restored the {backup.vendor()} database from {args.file}.")
    return 0
