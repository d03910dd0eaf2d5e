"""Real pages: trafilatura's own evaluation set, scored the way its `tests/evaluate.py` scores it.

The set (about 990 annotated pages, many languages) lives in the adbar/trafilatura repository, under
`tests/eval/`, `tests/cache/` and `tests/evaldata.json`. We never copy it into this repository: the
benchmark reads it from a path given on the command line (the repository's root or its `tests/`).

Body: each page has up to six "with" snippets that must appear in the extracted text and up to six
"without" snippets that must not. A found "with" is a true positive, a missing one a false negative, a
found "without" a false positive (matching after collapsing white space, as evaluate.py does); the
counts are summed over pages, then precision, recall and F1. trafilatura runs with evaluate.py's own
options (comments and formatting off, tables on), fast and default.

Metadata: most pages also carry a true title, date (a day) and author (trafilatura's "A; B" form, or
empty when the page names none). Title: equal after normalising case, spacing, quotes and dashes,
without soft hyphens. Date: the same day, or both empty. Authors: the same set of names, or both
empty, where a name list is split on ";", ",", "/", "&" and "and"/"und"/"et"/"y", and a name is
compared without case, accents, punctuation and degrees ("PhD"): the set writes "Lars Fischer und
Alina Schadwinkel" as one entry where an extractor reports two names. The same rules score every
contender. Only pages that carry the field are counted.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.extract.realcontenders import (
    ANCHOR,
    CONTENDERS,
    OURS,
    OURS_FALLBACKS,
    SINGLE_DEFAULT,
    SINGLE_FAST,
    WARM_UP,
    Answer,
    ours_with_fallbacks,
)

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class EvalPage:
    name: str
    content: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]
    title: str | None  # None: the set does not say; "": the page has none
    date: str | None
    authors: tuple[str, ...] | None


@dataclass
class RealScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: int = 0
    seconds: list[float] = field(default_factory=list)
    meta: dict[str, list[int]] = field(
        default_factory=lambda: {"title": [0, 0], "date": [0, 0], "authors": [0, 0]}
    )
    misses: dict[str, list[str]] = field(
        default_factory=lambda: {"body": [], "title": [], "date": [], "authors": []}
    )
    texts: list[int] = field(default_factory=list)  # a hash of each page's text, to compare contenders

    def add(self, page: EvalPage, answer: Answer | None, metadata: bool) -> None:
        text = _norm(answer.text) if answer else ""
        self.texts.append(hash(answer.text if answer else None))
        found = sum(1 for w in page.with_ if _norm(w) in text)
        leaked = sum(1 for w in page.without if _norm(w) in text)
        self.tp += found
        self.fp += leaked
        self.fn += len(page.with_) - found
        self.tn += len(page.without) - leaked
        if found < len(page.with_) or leaked:
            self.misses["body"].append(f"{page.name} (-{len(page.with_) - found} +{leaked})")
        if not metadata:
            return
        got_date = (answer.date if answer else None) or ""
        checks = {
            "title": (page.title, _norm_title(answer.title if answer else None) == _norm_title(page.title)),
            "date": (page.date, got_date == (page.date or "")),
            "authors": (page.authors, _names(answer.authors if answer else ()) == _names(page.authors or ())),
        }
        for key, (truth, ok) in checks.items():
            if truth is None:
                continue
            self.meta[key][1] += 1
            self.meta[key][0] += ok
            if not ok:
                got = getattr(answer, key, None) if answer else None
                self.misses[key].append(f"{page.name}: want {truth!r}, got {got!r}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0

    def accuracy(self, key: str) -> str:
        right, total = self.meta[key]
        return f"{right / total:.3f}" if total else "–"


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"}
)
# Name lists: "A; B", "A, B", "A / B", "A & B", "A and B", "A und B".
_NAME_SPLIT = re.compile(r"\s*[;,/&]\s*|\s+(?:and|und|et|y)\s+", re.IGNORECASE)
_DEGREE = re.compile(r"^(phd|md|dr|prof|msc|mph)$")


def _norm_title(value: str | None) -> str:
    text = (value or "").replace("\xad", "").casefold().translate(_QUOTES)
    return " ".join(text.split()).rstrip(".")


def _names(names: tuple[str, ...] | list[str]) -> frozenset[str]:
    """A set of names, compared without case, accents, punctuation or degrees, however listed."""
    found = set()
    for entry in names:
        for name in _NAME_SPLIT.split(entry):
            plain = "".join(
                c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
            )
            words = [w for w in re.sub(r"[\W_]+", " ", plain).split() if not _DEGREE.match(w)]
            if words:
                found.add(" ".join(words))
    return frozenset(found)


def locate(path: Path) -> Path:
    """The folder holding evaldata.json: `path` itself, or its `tests/`."""
    for folder in (path, path / "tests"):
        if (folder / "evaldata.json").is_file():
            return folder
    raise SystemExit(
        f"no evaldata.json in {path} or {path / 'tests'}: give the trafilatura repository's root"
    )


def load(path: Path, limit: int | None = None) -> list[EvalPage]:
    folder = locate(path)
    data: dict[str, dict[str, Any]] = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        source = next(
            (
                folder / sub / item["file"]
                for sub in ("cache", "eval")
                if (folder / sub / item["file"]).is_file()
            ),
            None,
        )
        if source is None:
            continue
        author = item.get("author", None) if "author" in item else None
        if isinstance(author, list):
            author = "; ".join(author)
        authors = (
            None if "author" not in item else tuple(a.strip() for a in (author or "").split(";") if a.strip())
        )
        pages.append(
            EvalPage(
                name=item["file"],
                content=source.read_bytes(),
                with_=tuple(item["with"]),
                without=tuple(item["without"]),
                title=item.get("title") if "title" in item else None,
                date=item.get("date") if "date" in item else None,
                authors=authors,
            )
        )
    return pages[:limit] if limit else pages


HELD_OUT_EVERY = 5  # every 5th page by sorted URL is held out: never looked at while tuning


def is_held_out(index: int) -> bool:
    return index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


def score_all(
    pages: list[EvalPage], repeats: int = 1, fallbacks: bool = False
) -> tuple[dict[str, RealScore], dict[str, tuple[RealScore, RealScore]]]:
    """Every contender over every page, interleaved page by page so load hurts all alike. Returns
    the scores over all pages, and per contender the (tuning, held-out) split. `fallbacks` adds our
    extraction with trafilatura's fallback comparison in the first look (`fast=False`)."""
    contenders = dict(CONTENDERS)
    if fallbacks:
        contenders[OURS_FALLBACKS] = (ours_with_fallbacks, True)
    scores = {label: RealScore() for label in contenders}
    split = {label: (RealScore(), RealScore()) for label in contenders}
    for run, _ in contenders.values():  # pay lazy imports, models and stop lists before timing
        for warm_up in WARM_UP:
            run(warm_up)
    for repeat in range(repeats):
        totals = dict.fromkeys(contenders, 0.0)
        for index, page in enumerate(pages):
            for label, (run, metadata) in contenders.items():
                start = time.process_time()
                try:
                    answer: Answer | None = run(page.content)
                except Exception:  # a crash counts as a full miss, as in evaluate.py
                    answer = None
                    scores[label].errors += repeat == 0
                totals[label] += time.process_time() - start
                if repeat == 0:
                    scores[label].add(page, answer, metadata)
                    split[label][is_held_out(index)].add(page, answer, metadata)
        for label, seconds in totals.items():
            scores[label].seconds.append(seconds)
    return scores, split


def report(
    path: Path | None, limit: int | None, repeats: int, verbose: bool, fallbacks: bool = False
) -> None:
    if path is None:
        print("## Real pages: skipped (give --trafilatura-eval PATH, a checkout of adbar/trafilatura)\n")
        return
    pages = load(path, limit)
    size = sum(len(p.content) for p in pages) / max(1, len(pages)) / 1024
    print(
        f"## Real pages: trafilatura's evaluation set, {len(pages)} pages (mean {size:.0f} KiB), "
        f"CPU time, median of {repeats}\n"
    )
    scores, split = score_all(pages, repeats, fallbacks)
    print(
        "| contender | precision | recall | F1 | title | date | authors | ms/page (CPU) | pages/s |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    for label, score in scores.items():
        seconds = statistics.median(score.seconds)
        print(
            f"| {label} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} "
            f"| {score.accuracy('title')} | {score.accuracy('date')} | {score.accuracy('authors')} "
            f"| {1000 * seconds / len(pages):.1f} | {len(pages) / seconds:.1f} |"
        )
    print(
        f"\nTuning pages and held-out pages (every {HELD_OUT_EVERY}th by URL, not used for tuning):\n\n"
        "| contender | pages | F1 | title | date | authors |\n|---|---|---|---|---|---|"
    )
    for label, parts in split.items():
        for name, score in zip(("tuning", "held-out"), parts, strict=True):
            size = sum(1 for index in range(len(pages)) if is_held_out(index) == (name == "held-out"))
            print(
                f"| {label}, {name} | {size} | {score.f1:.3f} | {score.accuracy('title')} "
                f"| {score.accuracy('date')} | {score.accuracy('authors')} |"
            )
    ours_s = statistics.median(scores[OURS].seconds)
    print()
    for label in scores:
        if label != OURS:
            ratio = statistics.median(scores[label].seconds) / ours_s
            print(f"- speed ratio, {label} / newsdesk: {ratio:.2f}x")
    print(
        "- like for like: our body is always read with the metadata, in one parse. `extract()` alone "
        "reads no metadata (so its ratio charges us for ours), and `extract()` + `bare_extraction` "
        "parses and extracts each page twice (so its ratio flatters us). The one-pass rows read body "
        "and metadata together, once, as we do:"
    )
    for single, alone in ((SINGLE_FAST, "trafilatura fast, extract()"), (SINGLE_DEFAULT, ANCHOR)):
        ratio = statistics.median(scores[single].seconds) / ours_s
        same = sum(a == b for a, b in zip(scores[single].texts, scores[alone].texts, strict=True))
        print(
            f"  - {single} / newsdesk: **{ratio:.2f}x**; its text equals `extract()`'s on "
            f"{same} of {len(pages)} pages"
        )
    counted = scores[OURS].meta
    print(
        f"- metadata pages with ground truth: title {counted['title'][1]}, date {counted['date'][1]}, "
        f"authors {counted['authors'][1]}; errors: "
        + ", ".join(f"{label} {s.errors}" for label, s in scores.items())
    )
    print()
    if verbose:
        for kind, items in scores[OURS].misses.items():
            print(f"### newsdesk misses, {kind} ({len(items)})\n")
            for item in items:
                print(f"- {item}")
            print()
