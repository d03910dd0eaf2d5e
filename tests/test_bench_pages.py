"""`bench.serve.sweep --pages` picks page types by name, names holding a comma included."""

from __future__ import annotations

from bench.serve.tools import page_wanted

NAMES = ["robots.txt (Django's floor)", "article (newest)", "home", "search, two common words"]


def picked(pages: str) -> list[str]:
    return [name for name in NAMES if page_wanted(name, pages)]


def test_a_name_holding_a_comma_is_picked_whole() -> None:
    assert picked("search, two common words") == ["search, two common words"]
    assert picked("home,search, two common words,robots.txt (Django's floor)") == [
        "robots.txt (Django's floor)",
        "home",
        "search, two common words",
    ]


def test_a_part_of_a_name_picks_nothing() -> None:
    assert picked("search") == []
    assert picked("two common words") == []
    assert picked("article") == []
    assert picked("home, article (newest)") == ["article (newest)", "home"]
