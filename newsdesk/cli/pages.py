"""`newsdesk render-pages`: render the article pages' own parts that are missing or out of date."""

from __future__ import annotations

import argparse

from .common import database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "render-pages",
        help="render the article pages' kept parts that are missing or out of date",
        description="Each article's page keeps its own part, rendered when the article is written. After an "
        "upgrade, a template override, a settings change, a source or topic renamed, or an import, run this "
        "to render the parts that no longer match (the pages render them on each view meanwhile).",
    )
    parser.set_defaults(handler=cmd_render_pages)


def cmd_render_pages(args: argparse.Namespace) -> int:
    database()
    from newsdesk.web import article_page

    checked, rendered = article_page.refill()
    print(f"Checked {checked} published article(s); rendered {rendered} page part(s).")
    return 0
