"""`newsdesk opml import FILE` and `newsdesk opml export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdesk.core.errors import UserError

from .common import Progress, database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("opml", help="import or export the source list as OPML")
    sub = parser.add_subparsers(dest="opml_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    importer = sub.add_parser("import", help="add every feed of an OPML file")
    importer.add_argument("file", metavar="FILE", help="an OPML file, or - for standard input")
    importer.set_defaults(handler=cmd_import)
    exporter = sub.add_parser("export", help="print the sources as OPML")
    exporter.set_defaults(handler=cmd_export)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise UserError(f"{name} is a directory, not an OPML file.") from None
    except OSError as exc:
        raise UserError(f"{name} cannot be read ({exc.strerror}).") from None


def cmd_import(args: argparse.Namespace) -> int:
    from newsdesk.sources.opml import parse_opml

    outlines = parse_opml(_read(args.file))
    database()
    from newsdesk.ingest.probe import check_url_syntax
    from newsdesk.sources.actions import do_add_source
    from newsdesk.sources.models import Source

    added = present = skipped = 0
    with Progress("opml", "feed", len(outlines)) as bar:
        for outline in outlines:
            bar.update()
            try:
                url = check_url_syntax(outline.xml_url)
            except UserError as exc:
                bar.bar.write(f"Skipped: {exc.message}", file=sys.stderr)
                skipped += 1
                continue
            if Source.objects.filter(url=url).exists():
                present += 1
                continue
            do_add_source(url, name=outline.title or url, site_url=outline.html_url)
            added += 1
    print(f"Imported {added} source(s); {present} already present, {skipped} skipped.")
    return 1 if skipped and not added else 0


def cmd_export(args: argparse.Namespace) -> int:
    database()
    from django.conf import settings

    from newsdesk.sources.models import Source
    from newsdesk.sources.opml import render_opml

    rows = Source.objects.order_by("name", "id").values_list("name", "url", "site_url")
    sys.stdout.buffer.write(render_opml(rows, title=f"{settings.SITE_NAME} sources"))
    return 0
