"""`newsdesk admin create-user`: an account for the Django admin (/admin/), where the review queue,
the sources, the newsletter and the consent log live."""

from __future__ import annotations

import argparse
import os
import sys

from newsdesk.core.errors import UserError

from .common import database


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("admin", help="accounts for the admin at /admin/")
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    create = sub.add_parser(
        "create-user",
        help="create an admin account (asks for the password; without a terminal, reads "
        "DJANGO_SUPERUSER_PASSWORD)",
    )
    create.add_argument("--username", help="the account's name")
    create.add_argument("--email", default="", help="the account's e-mail address")
    create.set_defaults(handler=cmd_create_user)


def cmd_create_user(args: argparse.Namespace) -> int:
    database()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    interactive = sys.stdin.isatty()
    if not interactive:
        if not args.username:
            raise UserError("Without a terminal, give --username (and DJANGO_SUPERUSER_PASSWORD).")
        if not os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            # Django's createsuperuser reads this variable itself; without it, it would quietly create
            # an account that cannot log in.
            raise UserError(
                "Without a terminal, set DJANGO_SUPERUSER_PASSWORD to the new account's password."
            )
    options: dict[str, object] = {"interactive": interactive, "email": args.email or None}
    if args.username:
        options["username"] = args.username
    try:
        call_command("createsuperuser", **options)
    except CommandError as exc:
        raise UserError(str(exc).rstrip(".") + ".") from None
    return 0
