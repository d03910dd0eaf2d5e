"""`newsdesk doctor`: checks the installation, one line per check, and exits non-zero on a problem.

Each check says ok, warning (works, but look at it) or problem (something is broken or unsafe), and for
the last two how to fix it. Nothing is changed: the database is not migrated, no mail is sent.

The checks are in `doctor_services.py` (database, Redis, queue, heartbeats, clock) and `doctor_settings.py`
(mail, disk, secret key, production safety); each reports `Finding`s (`doctor_findings.py`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from .doctor_findings import PROBLEM, Finding, first_line
from .doctor_services import check_clock, check_database, check_heartbeats, check_queue, check_redis
from .doctor_settings import check_disk, check_production, check_secret_key, check_site_url, check_smtp


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("doctor", help="check the installation: database, queue, mail, disk, safety")
    parser.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from newsdesk.core.bootstrap import setup_django

    try:
        setup_django()
    except Exception as exc:  # a malformed setting read from the environment
        print(Finding(PROBLEM, "settings", first_line(exc), "correct the environment variable").line())
        return 1
    problems = 0
    for finding in run_checks():
        print(finding.line(), flush=True)
        problems += finding.level == PROBLEM
    return 1 if problems else 0


def run_checks() -> Iterator[Finding]:
    database_ok = False
    for finding in check_database():
        database_ok = finding.level != PROBLEM
        yield finding
    yield from check_redis()
    if database_ok:
        yield from check_queue()
        yield from check_heartbeats()
    yield from check_smtp()
    yield from check_disk()
    yield from check_secret_key()
    yield from check_production()
    yield from check_site_url()
    if database_ok:
        yield from check_clock()
