"""Story clustering quality on the labelled set (tests/fixtures/stories): BCubed P/R/F1.

    python -m bench.stories.quality [tuning|heldout] [-v]
    python -m bench.stories.quality --demo [-v]   (make run's demo, through a fresh database: demo.py)

Articles are fed in publication order, as they would arrive. Tune on `tuning` only.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from newsdesk.stories.core import DEFAULT, Params, Signals, signals
from newsdesk.stories.evaluate import Score, bcubed
from newsdesk.stories.memory import MemoryIndex

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "stories"


def load(part: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (FIXTURES / f"{part}.jsonl").read_text("utf-8").splitlines() if line]
    for row in rows:
        row["published"] = datetime.fromisoformat(row["published"])
    return sorted(rows, key=lambda r: (r["published"], r["id"]))


def _signals(row: dict[str, Any], params: Params) -> Signals:
    return signals(
        row["title"],
        row["lead"],
        row["text"],
        row["language"],
        row["published"],
        source=_outlet_id(row["outlet"]),
        params=params,
    )


_OUTLETS: dict[str, int] = {}


def _outlet_id(name: str) -> int:
    return _OUTLETS.setdefault(name, len(_OUTLETS) + 1)


def cluster(rows: list[dict[str, Any]], params: Params = DEFAULT) -> tuple[dict[str, int], MemoryIndex]:
    """Cluster in arrival order, from an empty index (as a new site starts)."""
    index = MemoryIndex(params)
    for row in rows:
        index.assign(row["id"], _signals(row, params))
    return index.assignment, index


def score(part: str, params: Params = DEFAULT) -> Score:
    rows = load(part)
    predicted, _ = cluster(rows, params)
    return bcubed(predicted, {r["id"]: r["event"] for r in rows})


def main(argv: list[str]) -> None:
    if "--demo" in argv:
        from bench.stories import demo

        demo.main(argv)
        return
    part = argv[0] if argv and not argv[0].startswith("-") else "tuning"
    if part not in ("tuning", "heldout"):
        raise SystemExit(f"bench.stories.quality: error: unknown part {part!r} (tuning, heldout or --demo)")
    rows = load(part)
    predicted, _ = cluster(rows)
    result = bcubed(predicted, {r["id"]: r["event"] for r in rows})
    print(f"{part}: {len(rows)} articles, {len({r['event'] for r in rows})} events, "
          f"{len(set(predicted.values()))} stories")  # fmt: skip
    print(f"BCubed precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    print("anchor: Miranda et al. 2018, English, BCubed F1 about 0.94 (8,726 real articles)")
    if "-v" in argv:
        by_story: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_story.setdefault(predicted[row["id"]], []).append(row)
        for members in by_story.values():
            events = {r["event"] for r in members}
            if len(events) > 1:
                print("MERGED:", [(r["id"], r["title"][:50]) for r in members])
        by_event: dict[str, set[int]] = {}
        for row in rows:
            by_event.setdefault(row["event"], set()).add(predicted[row["id"]])
        for event, stories in by_event.items():
            if len(stories) > 1:
                print(
                    "SPLIT:",
                    event,
                    [
                        (r["id"], r["kind"], predicted[r["id"]], r["title"][:60])
                        for r in rows
                        if r["event"] == event
                    ],
                )


if __name__ == "__main__":
    main(sys.argv[1:])
