"""What a `newsdesk doctor` check reports: a level (ok, warning, problem), a message and a fix."""

from __future__ import annotations

from dataclasses import dataclass

OK, WARNING, PROBLEM = "ok", "warning", "problem"


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.level:<8} {self.check}: {self.message}"
        return f"{text} — fix: {self.fix}" if self.fix and self.level != OK else text


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
