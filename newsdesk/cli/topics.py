"""`newsdesk topics list|rebuild|explain`: the clean topic set and its assignment to articles."""

from __future__ import annotations

import argparse
import sys

from newsdesk.core.errors import UserError

from .common import Progress, database, positive_int, print_json_line


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("topics", help="list topics, or assign them to stored articles again")
    sub = parser.add_subparsers(dest="topics_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    listing = sub.add_parser("list", help="the topics and how many published articles each has")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_list)
    rebuild = sub.add_parser("rebuild", help="classify every stored article again (after editing the tables)")
    rebuild.add_argument("--quiet", action="store_true", help="print only the summary line")
    rebuild.set_defaults(handler=cmd_rebuild)
    explain = sub.add_parser("explain", help="show which topics an article gets, and why")
    explain.add_argument("article_id", type=positive_int, metavar="ID")
    explain.set_defaults(handler=cmd_explain)


def cmd_list(args: argparse.Namespace) -> int:
    database()
    from django.db.models import Count, Q

    from newsdesk.topics.models import Topic

    topics = Topic.objects.annotate(count=Count("articles", filter=Q(articles__status="published")))
    for topic in topics:
        if args.json:
            print_json_line({"slug": topic.slug, "name": topic.name, "articles": topic.count})
        else:
            print(f"{topic.slug:<22} {topic.name:<24} {topic.count:>7}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    database()
    from newsdesk.topics.actions import do_sync_topics
    from newsdesk.topics.assign import assign_topics
    from newsdesk.topics.classify import default_tables

    rules = default_tables().rules
    created = do_sync_topics([(r.slug, r.name, r.description) for r in rules])
    if created and not args.quiet:
        print(f"Added {created} topic(s) from the tables.", file=sys.stderr)

    from newsdesk.articles.models import Article

    on_terminal = sys.stderr.isatty()
    with Progress("topics", "article", Article.objects.count() if on_terminal else None) as bar:

        def progress(done: int) -> None:
            if on_terminal:
                bar.set(done, max(done, int(bar.bar.total or 0)))
            elif not args.quiet:  # a log gets a line per batch
                print(f"  {done} articles…", file=sys.stderr, flush=True)

        seen, untopical = assign_topics(on_batch=progress)
    print(f"Assigned topics to {seen} article(s); {untopical} matched no topic.")
    # The article pages' kept parts show their topics: those whose topics changed are drawn again.
    from .pages import refill

    _checked, rendered = refill()
    print(f"Rendered {rendered} article page part(s) again.")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    database()
    from newsdesk.articles.models import Article
    from newsdesk.topics.assign import explain

    article = Article.objects.filter(pk=args.article_id).first()
    if article is None:
        raise UserError(f"There is no article with id {args.article_id}.")
    matches = explain(article)
    print(article.title)
    if not matches:
        print("  no topic (no category or keyword scored enough)")
    for match in matches:
        print(f"  {match.slug} ({match.score} points): {'; '.join(match.reasons)}")
    return 0
