"""Helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from typing import Any

from newsdesk.core.errors import UserError


def positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def print_json_line(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def database() -> None:
    """Set Django up and bring the database up to date."""
    from newsdesk.core.bootstrap import ensure_database

    try:
        ensure_database()
    except ValueError as exc:  # a malformed setting read from the environment
        raise UserError(str(exc)) from None
    except Exception as exc:
        from django.db import DatabaseError

        if isinstance(exc, DatabaseError):
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise UserError(f"Cannot open the database: {first_line}") from None
        raise


class Progress:
    """A progress bar on stderr when it is a terminal (tqdm); nothing when it is not (a log, a pipe, cron),
    where the command's summary line says what was done."""

    def __init__(self, desc: str, unit: str, total: int | None = None) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total, desc=desc, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty(), leave=False,
            dynamic_ncols=True,
        )  # fmt: skip

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def set(self, done: int, total: int) -> None:
        """For work that reports where it is rather than steps (pages of a backup)."""
        if self.bar.total != total:
            self.bar.total = total
            self.bar.refresh()
        self.bar.update(done - self.bar.n)

    def set_total(self, total: int) -> None:
        self.bar.total = total
        self.bar.refresh()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
