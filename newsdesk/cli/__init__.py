"""The `newsdesk` command. Thin: it parses arguments and calls actions and the pipeline.

A user's mistake gets one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from newsdesk import __version__
from newsdesk.core.errors import NewsdeskError

from . import admin, articles, backup, doctor, extract, fetch, newsletter, opml, pages, prune, run, sources
from . import stories as stories_cli
from . import topics as topics_cli


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and still exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="newsdesk", description="A self-hosted news aggregation site.")
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    commands.required = True
    for module in (
        run,
        sources,
        fetch,
        articles,
        extract,
        opml,
        topics_cli,
        stories_cli,
        newsletter,
        admin,
        doctor,
        backup,
        prune,
        pages,
    ):
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `newsdesk articles | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0
