"""`newsdesk articles [--json] [--source ID] [--limit N]`."""

from __future__ import annotations

import argparse
import textwrap

from newsdesk.core.errors import UserError

from .common import database, positive_int, print_json_line


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("articles", help="list stored articles, newest first")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--source", type=positive_int, metavar="ID", help="only this source's articles")
    parser.add_argument("--limit", type=positive_int, default=20, metavar="N", help="at most N (default 20)")
    parser.set_defaults(handler=cmd_articles)


def cmd_articles(args: argparse.Namespace) -> int:
    database()
    from newsdesk.articles.models import Article
    from newsdesk.articles.serialize import article_json
    from newsdesk.sources.models import Source

    articles = Article.objects.select_related("source").order_by("-published", "-id")
    if args.source is not None:
        if not Source.objects.filter(pk=args.source).exists():
            raise UserError(f"There is no source with id {args.source}.")
        articles = articles.filter(source_id=args.source)
    articles = articles[: args.limit]
    if args.json:
        from newsdesk.stories.queries import story_ids

        rows = list(articles)
        stories = story_ids([a.pk for a in rows])
        for article in rows:
            print_json_line({**article_json(article), "story": stories.get(article.pk)})
        return 0
    for article in articles:
        status = "" if article.status == Article.Status.PUBLISHED else f" [{article.status}]"
        when = article.published.strftime("%Y-%m-%d %H:%M")
        print(f"{article.pk:>6}  {article.title}{status}")
        print(f"        {article.source.name} · {when} · {article.url}")
        if article.excerpt:
            print(
                textwrap.fill(
                    article.excerpt, width=100, initial_indent="        ", subsequent_indent="        "
                )
            )
    return 0
