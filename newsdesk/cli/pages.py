"""`newsdesk render-pages`: render the article pages' own parts that are missing or out of date."""

from __future__ import annotations

import argparse

from newsdesk.core.errors import UserError

from .common import database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "render-pages",
        help="render the article pages' kept parts that are missing or out of date",
        description="Each article's page keeps its own part, rendered when the article is written. After an "
        "upgrade, a template override, a settings change or an import, run this to render the parts that no "
        "longer match (the pages render them on each view meanwhile). A renamed source's parts are rendered "
        "by a queued task, and `newsdesk topics rebuild` renders those whose topics it changed.",
    )
    parser.set_defaults(handler=cmd_render_pages)


def cmd_render_pages(args: argparse.Namespace) -> int:
    database()
    checked, rendered = refill()
    print(f"Checked {checked} published article(s); rendered {rendered} page part(s).")
    return 0


def refill() -> tuple[int, int]:
    """article_page.refill(), with a template that cannot render said in one line."""
    from django.core.exceptions import ImproperlyConfigured
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from jinja2 import TemplateError

    from newsdesk.web import article_page

    try:
        return article_page.refill()
    except (TemplateError, TemplateSyntaxError, TemplateDoesNotExist, ImproperlyConfigured) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"Cannot render the article pages' parts: {first}") from None
