"""`python -m bench.serve.spy RAW [RAW …]`: where a web process's time goes under the sweep, by part.

Reads py-spy's raw output (`py-spy record --gil -f raw`: one line per distinct stack, its frames joined by
";", then the sample count), as `python -m bench.serve.sweep --spy PREFIX` records it on the first web
process of each sweep, and gives each sample to the innermost frame that names a part (the table
below; Django's utilities, such as its lazy settings and translations, count for the part that called
them). It also counts the samples of a few frames of interest, among them the article page's kept own
part: `render_html` or `refresh_from_db` under the view mean that the kept part's key did not match and
the page drew it itself.

py-spy samples wall time: with `--gil`, the thread holding the interpreter's lock, even while the system
has it waiting for a core. The shares are shares of that time, not CPU; a busier machine (PostgreSQL's own
processes, wrk, nginx) inflates whatever holds the lock while it waits.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable

# (part, substrings of a frame that name it): the first part whose substring is in a frame wins, and the
# innermost frame that names any part takes the sample.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("database (ORM, driver)", ("django/db/", "sqlite3", "psycopg", "newsdesk/core/prepared.py", "pgtime")),
    (
        "template render (Jinja2, the frame's and the reader's parts)",
        (
            "jinja2/",
            ".html",
            "newsdesk/web/jinja.py",
            "newsdesk/web/chrome.py",
            "templatetags",
            "newsdesk/web/cards.py",
            "signup_box",
            "newsdesk/consent/kept.py",
            "newsdesk/consent/current.py",
            "markupsafe",
        ),
    ),
    ("the kept own part (its key, its split)", ("newsdesk/web/article_page.py",)),
    (
        "the article view's own Python",
        ("newsdesk/web/", "newsdesk/stories/", "newsdesk/core/links", "newsdesk/topics/"),
    ),
    (
        "middleware",
        ("middleware", "csp/", "permissions_policy", "axes/", "newsdesk/core/metrics", "prometheus"),
    ),
    ("Django's handler, URLs, request, response, signals", ("django/",)),
    ("our RSGI bridge (environ, hand-off, answer)", ("newsdesk/live/server/",)),
    (
        "event loop, granian, thread pool",
        ("asyncio/", "granian/", "concurrent/futures", "threading.py", "selectors"),
    ),
)
UTILITIES = ("django/utils/", "asgiref/local.py")
WATCHED = (
    "render_html", "refresh_from_db", "own_part", "create_task", "build_environ", "ThreadPoolExecutor.submit",
)  # fmt: skip


def samples(lines: Iterable[str]) -> Iterable[tuple[list[str], int]]:
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            yield stack.split(";"), int(count)


def part_of(frames: list[str]) -> str:
    # Django's utilities (lazy settings, translation, safe strings) count for whoever called them.
    for skipping in (UTILITIES, ()):
        for frame in reversed(frames):
            if any(name in frame for name in skipping):
                continue
            for part, names in PARTS:
                if any(name in frame for name in names):
                    return part
    return "other"


def tally(lines: Iterable[str]) -> tuple[int, Counter[str], Counter[str]]:
    """(samples, samples per part, samples whose stack holds each watched frame)."""
    total = 0
    parts: Counter[str] = Counter()
    watched: Counter[str] = Counter()
    for frames, count in samples(lines):
        total += count
        parts[part_of(frames)] += count
        stack = ";".join(frames)
        for name in WATCHED:
            if name in stack:
                watched[name] += count
    return total, parts, watched


def table(lines: Iterable[str], label: str = "") -> str:
    total, parts, watched = tally(lines)
    if not total:
        return f"{label}: no samples\n"
    out = [f"{label}{' ' if label else ''}({total:,} samples)", "", "| part | share |", "|---|---|"]
    out += [f"| {part} | {100 * count / total:.1f}% |" for part, count in parts.most_common()]
    seen = ", ".join(f"{name} {100 * watched[name] / total:.1f}%" for name in WATCHED)
    return "\n".join([*out, "", f"Stacks holding: {seen}.", ""])


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m bench.serve.spy RAW [RAW …] (py-spy record --gil -f raw output)")
    for name in sys.argv[1:]:
        try:
            with open(name, encoding="utf-8") as raw:
                print(table(raw, name))
        except OSError as error:
            sys.exit(f"bench.serve.spy: cannot read {name}: {error.strerror}")


if __name__ == "__main__":
    main()
