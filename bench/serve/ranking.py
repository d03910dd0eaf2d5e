"""`python -m bench.serve.ranking`: SQLite search's ranking step, the site's (titles first, decision 0030)
against the bm25 ranking it replaced and a proposed window of bm25 (not used by the site).

On a database built by `python -m bench.serve.profile` (read only), for 24 queries, the newest 1,000
matches (the candidates, as the site finds them) are ranked three ways, each timed (CPU, median of
`--rounds`) from the candidates' statement to the page's 10 ids:

- **today** (the bm25 ranking the site used until decision 0030, the reference the others are compared
  with): bm25 over the whole index (its per-word document count walks every match of each word), divided
  by (1 + age / 7), in two statements (the candidates, then their bm25);
- **window**: the same bm25 and arithmetic, but from a second FTS5 index holding only the newest
  `--window` articles (built in `--work-dir`, removed at the end), so the document count walks only
  those; today's statement when a candidate is older than the window;
- **titles** (the site's ranking since decision 0030): no bm25: 1 + 9 × the share of the words and
  phrases the title holds (10 when it holds every one, 1 when none), divided by (1 + age / 7); checked
  against the site's own search for the same query (the same 10 ids, in order).

For each proposal: how many of today's top 10 it keeps, and how many at the same place.

    python -m bench.serve.ranking --data-dir /tmp/nd-100k [--window 5000]
"""

from __future__ import annotations

import argparse
import heapq
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

QUERIES = [
    *("town council", "harbour board", "water company", "cycling club", "fire brigade", "football club"),
    *("city library", "youth orchestra", "council", "festival", "timetable", "bakery", "ferry"),
    *("approved plan", "river levels", "cycle lanes", '"town council"', '"harvest festival"'),
    *('"study of river levels"', "Riverton", "Stonegate council", "Fairhaven festival", "rare birds pier"),
    "Lowther marathon solar",
]
FTS = "search_article_fts"
INDEX = "search_article_candidates"
TOKENIZE = "porter unicode61 remove_diacritics 2"
Ranked = tuple[list[int], int]
TERM = re.compile(r'"(?:[^"]|"")*"')  # one word or phrase of a match expression


class Rankings:
    def __init__(self, database: Path, window_file: Path, window: int, now: str) -> None:
        self.now = now
        self.db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        self.db.execute("PRAGMA mmap_size=1073741824")  # as the site's connections
        build = sqlite3.connect(window_file)
        build.execute(
            f"CREATE VIRTUAL TABLE fts USING fts5(title, text, excerpt, content='', tokenize='{TOKENIZE}')"
        )
        build.execute("ATTACH DATABASE ? AS site", [f"file:{database}?mode=ro"])
        (newest,) = build.execute("SELECT max(id) FROM site.articles_article").fetchone()
        build.execute(
            "INSERT INTO fts(rowid, title, text, excerpt)"
            " SELECT id, title, text, excerpt FROM site.articles_article WHERE id > ?",
            [newest - window],
        )
        build.commit()
        build.close()
        self.db.execute("ATTACH DATABASE ? AS recent", [str(window_file)])
        (self.window_start,) = self.db.execute("SELECT min(rowid) FROM recent.fts").fetchone()

    def candidates(self, expression: str) -> tuple[list[tuple[int, float]], int]:
        rows = self.db.execute(
            f"SELECT {FTS}.rowid, julianday(?) - julianday(a.published) FROM {FTS}"  # noqa: S608 - our names
            f" JOIN articles_article a INDEXED BY {INDEX} ON a.id = {FTS}.rowid"
            f" WHERE {FTS} MATCH ? AND a.status = 'published' ORDER BY {FTS}.rowid DESC LIMIT 1001",
            [self.now, "{title text} : (" + expression + ")"],
        ).fetchall()
        return rows[:1000], len(rows)

    def bm25(self, table: str, expression: str, ids: list[int]) -> dict[int, float]:
        rows = self.db.execute(
            f"SELECT rowid, -bm25({table}, 10.0, 1.0, 0.0) FROM {table} WHERE {table} MATCH ?"  # noqa: S608
            " AND rowid BETWEEN ? AND ?",
            [expression, min(ids), max(ids)],
        ).fetchall()
        return dict(rows)

    def today(self, expression: str) -> Ranked:
        candidates, total = self.candidates(expression)
        ids = [pk for pk, _age in candidates]
        return (top(self.bm25(FTS, expression, ids), candidates) if ids else []), total

    def window(self, expression: str) -> Ranked:
        candidates, total = self.candidates(expression)
        ids = [pk for pk, _age in candidates]
        if not ids:
            return [], total
        table = FTS if min(ids) < self.window_start else "fts"
        return top(self.bm25(table, expression, ids), candidates), total

    def titles(self, expression: str) -> Ranked:
        candidates, total = self.candidates(expression)
        ids = [pk for pk, _age in candidates]
        if not ids:
            return [], total
        terms = TERM.findall(expression)
        held = dict.fromkeys(ids, 0)
        for term in terms:
            for (pk,) in self.db.execute(
                f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH ? AND rowid BETWEEN ? AND ?",  # noqa: S608
                ["{title} : " + term, min(ids), max(ids)],
            ):
                if pk in held:
                    held[pk] += 1
        return top({pk: 1.0 + 9.0 * n / float(len(terms)) for pk, n in held.items()}, candidates), total


def top(relevance: dict[int, float], candidates: list[tuple[int, float]], n: int = 10) -> list[int]:
    """The site's arithmetic (sqlite_fts5.SqliteFts5Backend.search): relevance / (1 + age / 7), ties to
    the newer id."""
    scored = [
        (relevance.get(pk, 0.0) / (1.0 + (age if age > 0.0 else 0.0) / 7.0), pk) for pk, age in candidates
    ]
    return [pk for _score, pk in heapq.nlargest(n, scored)]


def cpu_ms(rank: Callable[[str], Ranked], expression: str, rounds: int) -> float:
    rank(expression)
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(5):
            rank(expression)
        times.append((time.process_time() - start) * 1000 / 5)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve.ranking", description=__doc__)
    parser.add_argument("--data-dir", default="/tmp/newsdesk-bench-profile")
    parser.add_argument("--window", type=int, default=5000, help="articles in the proposed second index")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work-dir", default=tempfile.gettempdir(), help="where the second index is built")
    args = parser.parse_args()
    database = Path(args.data_dir) / "newsdesk.sqlite3"
    if not database.exists():
        sys.exit(f"bench.serve.ranking: no database at {database}; build one with bench.serve.profile")
    os.environ.update(
        {
            "NEWSDESK_DATA_DIR": args.data_dir,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "NEWSDESK_SECRET_KEY": "bench-serve-not-secret",
            "NEWSDESK_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from newsdesk.search.backends.sqlite_fts5 import match_expression
    from newsdesk.search.engine import search
    from newsdesk.search.query import parse_query
    from newsdesk.search.types import SearchQuery

    now = datetime.now(UTC).replace(microsecond=0)  # the site's own text for it: no fraction
    window_file = Path(args.work_dir) / f"bench-ranking-window-{os.getpid()}.sqlite3"
    try:
        ranks = Rankings(database, window_file, args.window, now.strftime("%Y-%m-%d %H:%M:%S"))
        load = os.getloadavg()[0]
        lines = [
            "| query | bm25 (before) ms | window ms | kept, same place | titles (the site's) ms"
            " | kept, same place |",
            "|---|---|---|---|---|---|",
        ]
        sums = [0.0, 0.0, 0.0]
        for text in QUERIES:
            expression = match_expression(parse_query(text))
            base, _total = ranks.today(expression)
            site = search(SearchQuery(text=text, titles=False), clock=lambda: now)
            titles = ranks.titles(expression)[0]
            if [hit.article_id for hit in site.hits][: len(titles)] != titles:
                sys.exit(f"bench.serve.ranking: the titles ranking here differs from the site's for {text!r}")
            cells = [text]
            for i, rank in enumerate((ranks.today, ranks.window, ranks.titles)):
                ms = cpu_ms(rank, expression, args.rounds)
                sums[i] += ms
                cells.append(f"{ms:.2f}")
                if i:
                    got = rank(expression)[0]
                    same = sum(1 for a, b in zip(got, base, strict=False) if a == b)
                    cells.append(f"{len(set(got) & set(base))}/{len(base)}, {same}")
            lines.append("| " + " | ".join(cells) + " |")
            print(lines[-1], file=sys.stderr, flush=True)
        lines.append(f"| **sum** | {sums[0]:.1f} | {sums[1]:.1f} | | {sums[2]:.1f} | |")
    finally:
        window_file.unlink(missing_ok=True)
    print(
        f"Ranking step, 24 queries, window {args.window:,} articles (window starts at id "
        f"{ranks.window_start:,}); load {load:.1f} → {os.getloadavg()[0]:.1f}.\n"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
