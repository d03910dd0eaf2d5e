"""`newsdesk stories [--json] [--limit N]`, `stories rebuild`, `stories explain ID`."""

from __future__ import annotations

import argparse
import sys

from newsdesk.core.errors import UserError

from .common import database, positive_int, print_json_line


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "stories", help="list stories, cluster again, or say why articles are together"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--limit", type=positive_int, default=20, metavar="N", help="at most N (default 20)")
    parser.set_defaults(handler=cmd_list)
    sub = parser.add_subparsers(dest="stories_command", metavar="ACTION", parser_class=type(parser))
    rebuild = sub.add_parser("rebuild", help="cluster every published article again (staff decisions stay)")
    rebuild.set_defaults(handler=cmd_rebuild)
    explain = sub.add_parser("explain", help="why each article is in a story: shared terms and scores")
    explain.add_argument("story_id", type=positive_int, metavar="ID")
    explain.add_argument("--json", action="store_true", help="one JSON object per line")
    explain.set_defaults(handler=cmd_explain)


def cmd_list(args: argparse.Namespace) -> int:
    database()
    from newsdesk.stories import queries

    for story in queries.latest(args.limit):
        row = queries.as_dict(story)
        if args.json:
            print_json_line(row)
        else:
            print(f"{story.pk:>6}  {story.title}")
            print(f"        {len(row['articles'])} article(s), {len(row['sources'])} source(s): "
                  f"{', '.join(row['sources'])}")  # fmt: skip
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    database()
    from tqdm import tqdm

    from newsdesk.articles.models import Article
    from newsdesk.stories.actions import do_rebuild
    from newsdesk.stories.models import Story

    total = Article.objects.published().count()
    bar = tqdm(total=total, unit="article", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)

    def progress(done: int) -> None:
        bar.update(done)

    with bar:
        placed = do_rebuild(progress=progress)
    print(f"Placed {placed} article(s) in {Story.objects.count()} stories.")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    database()
    from newsdesk.stories import queries
    from newsdesk.stories.models import Story

    story = Story.objects.filter(pk=args.story_id).first()
    if story is None:
        raise UserError(f"There is no story with id {args.story_id}.")
    rows = queries.explain(story.pk)
    if args.json:
        for row in rows:
            print_json_line(row)
        return 0
    print(f"Story {story.pk}: {story.title}")
    for row in rows:
        print(f"  {row['article']:>6}  {row['title']}  ({row['source']}, {row['published'][:16]})")
        detail = {
            "new": "started the story",
            "similar": f"similarity {row['score']:.2f}",
            "near-duplicate": f"near-identical text (estimated Jaccard {row['score']:.2f})",
            "staff": "placed by staff",
        }.get(row["reason"], row["reason"])
        print(f"          {detail}")
        if row["shared"]:
            shared = ", ".join(t.lstrip("@#") for t in row["shared"])
            print(f"          shared: {shared}")
    return 0
