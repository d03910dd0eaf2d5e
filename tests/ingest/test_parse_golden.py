"""Golden files: every feed in tests/fixtures/feeds/ sits beside the ParsedFeed it must become.

`<name>.<xml|json|html>` is the input, `<name>.expected.json` the ParsedFeed as JSON (or
{"error": "..."} for input that must raise ParseError), and an optional `<name>.meta.json` holds
the arguments that came with the bytes (url, content_type, charset, max_entries).

To regenerate after a deliberate change, run
    NEWSDESK_REGEN_GOLDEN=1 .venv/bin/pytest tests/ingest/test_parse_golden.py
then read every changed .expected.json before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newsdesk.ingest.stages.parse import parse_feed
from newsdesk.types import ParsedFeed, ParseError

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
DEFAULT_URL = "https://news.example/feeds/main.xml"
REGENERATE = os.environ.get("NEWSDESK_REGEN_GOLDEN") == "1"


def _is_input(path: Path) -> bool:
    sidecar = path.name.endswith((".expected.json", ".meta.json"))
    return path.suffix in {".xml", ".json", ".html"} and not sidecar


INPUTS = sorted(p for p in FEEDS.iterdir() if _is_input(p))


def _sidecar(path: Path, kind: str) -> Path:
    return path.with_name(f"{path.stem}.{kind}.json")


def as_json(feed: ParsedFeed) -> dict[str, Any]:
    """The ParsedFeed as plain JSON data: tuples as lists, dates as ISO 8601 with their offset."""

    def default(value: object) -> str:
        assert isinstance(value, datetime), value
        assert value.utcoffset() is not None, f"{value} has no timezone"
        return value.isoformat()

    data: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(feed), default=default))
    return data


def outcome(path: Path) -> dict[str, Any]:
    meta_path = _sidecar(path, "meta")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    try:
        feed = parse_feed(
            path.read_bytes(),
            url=meta.get("url", DEFAULT_URL),
            content_type=meta.get("content_type"),
            charset=meta.get("charset"),
            max_entries=meta.get("max_entries", 200),
        )
    except ParseError as exc:
        return {"error": str(exc)}
    return as_json(feed)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_feed_matches_its_golden_file(path: Path) -> None:
    actual = outcome(path)
    expected_path = _sidecar(path, "expected")
    if REGENERATE:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"{expected_path.name} is missing; regenerate it and read it"
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


def test_every_golden_file_has_its_feed() -> None:
    inputs = {p.stem for p in INPUTS}
    expected = [p.name.removesuffix(".expected.json") for p in FEEDS.glob("*.expected.json")]
    orphans = [name for name in expected if name not in inputs]
    assert orphans == []
    assert len(INPUTS) >= 25
