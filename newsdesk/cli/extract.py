"""`newsdesk extract [--json] FILE_OR_URL ...`: the extraction stage alone.

It needs no database, and one process handles hundreds of inputs: the stage is imported
once and each page is parsed once.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import print_json_line

if TYPE_CHECKING:
    from newsdesk.types import Extracted


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("extract", help="extract the article from saved pages or URLs")
    parser.add_argument("--json", action="store_true", help="one JSON object per input, in input order")
    parser.add_argument("inputs", metavar="FILE_OR_URL", nargs="+")
    parser.set_defaults(handler=cmd_extract)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


class _Reader:
    """Reads a file or fetches a URL; the fetcher is only built if a URL comes."""

    def __init__(self) -> None:
        self._fetcher: Any = None

    def read(self, item: str) -> tuple[bytes, str | None, str | None]:
        """(content, url, charset). Raises NewsdeskError with one sentence."""
        from newsdesk.core.errors import UserError

        if _is_url(item):
            if self._fetcher is None:
                from newsdesk.ingest.policy import fetch_policy
                from newsdesk.ingest.stages.fetch import Fetcher

                self._fetcher = Fetcher(fetch_policy()).__enter__()
            result = self._fetcher.fetch(item, kind="page")
            return result.content, result.url, result.charset
        path = Path(item)
        try:
            return path.read_bytes(), None, None
        except IsADirectoryError:
            raise UserError(f"{item} is a directory, not a saved page.") from None
        except FileNotFoundError:
            raise UserError(f"{item}: no such file.") from None
        except OSError as exc:
            raise UserError(f"{item} cannot be read ({exc.strerror}).") from None

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.__exit__(None, None, None)


def extracted_json(item: str, page: Extracted, url: str | None, excerpt_words: int) -> dict[str, Any]:
    from newsdesk.ingest.stages.excerpt import make_excerpt

    return {
        "input": item,
        "id": None,
        "url": page.canonical_url or url,
        "source": page.site_name,
        "title": page.title,
        "authors": list(page.authors),
        "published": page.published.isoformat() if page.published else None,
        "excerpt": make_excerpt(page.text, excerpt_words),
        "text": page.text,
        "language": page.language,
        "lead_image": page.lead_image,
        "status": "published",
        "flags": [],
        "review": None,
    }


def _print_human(data: dict[str, Any]) -> None:
    print(data["title"] or "(no title)")
    byline = ", ".join(data["authors"]) or "no byline"
    where = data["url"] or data["input"]
    print(f"  {byline} · {data['published'] or 'no date'} · {data['language'] or '?'} · {where}")
    if data["excerpt"]:
        print(textwrap.fill(data["excerpt"], width=100, initial_indent="  ", subsequent_indent="  "))
    print()


def _excerpt_words() -> int:
    """NEWSDESK_EXCERPT_WORDS, from the settings module itself: going through django.conf would import
    asyncio (through asgiref), about a fifth of this command's start-up, for one number."""
    import importlib
    import os

    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE") or "config.settings.base")
    return int(module.NEWSDESK_INGEST["EXCERPT_WORDS"])


def cmd_extract(args: argparse.Namespace) -> int:
    from newsdesk.core.errors import NewsdeskError
    from newsdesk.ingest.stages.extract import extract_article

    excerpt_words = _excerpt_words()
    reader = _Reader()
    failures = 0
    try:
        for item in args.inputs:
            try:
                content, url, charset = reader.read(item)
                page = extract_article(content, url=url, charset=charset)
            except NewsdeskError as exc:
                failures += 1
                print(f"newsdesk: error: {exc.message}", file=sys.stderr)
                if args.json:
                    print_json_line({"input": item, "error": exc.message})
                continue
            data = extracted_json(item, page, url, excerpt_words)
            print_json_line(data) if args.json else _print_human(data)
    finally:
        reader.close()
    return 1 if failures else 0
