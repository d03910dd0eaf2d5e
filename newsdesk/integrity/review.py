"""The integrity stage of the pipeline. Pure: plain data in, plain data out.

    entry, planted = clean_entry(entry)               # before assemble: the feed's own HTML
    draft = assemble(entry, page, ...)
    draft = review(draft, injections=planted + page.injections, source=state)   # before store

`review` decides the draft's status and flags and records why, in `draft.integrity`:
- whole-item spam (classify.py) is quarantined and flagged "spam";
- an item of a source held as possibly compromised is quarantined and flagged "held";
- an article that had planted blocks cut out is flagged "spam-removed" (and stays published).
It also scrubs what no database takes (NUL characters, lone surrogates) from every text field.
Flags say only what the machine found: a person's review is the stored article's status and its
`integrity["review"]`, which newsdesk/articles/actions.py keeps across updates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from typing import Any

from newsdesk.integrity.classify import THRESHOLD, Item, classify
from newsdesk.integrity.inject import clean_fragment
from newsdesk.types import (
    HELD,
    PUBLISHED,
    QUARANTINED,
    SPAM,
    SPAM_REMOVED,
    ArticleDraft,
    Entry,
    Injection,
    SourceState,
    Verdict,
)

RECORD_VERSION = 1
_OURS = frozenset({SPAM, HELD, SPAM_REMOVED})
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_entry(entry: Entry) -> tuple[Entry, tuple[Injection, ...]]:
    """The feed item with planted blocks cut out of its HTML, and what was cut.

    Used before assemble, so that when the article page cannot be had, the feed's content we fall
    back on is as clean as the page would have been.
    """
    content, planted = clean_fragment(entry.content_html, title=entry.title, page_url=entry.link)
    summary, planted_summary = clean_fragment(entry.summary_html, title=entry.title, page_url=entry.link)
    if (
        not planted
        and not planted_summary
        and content == entry.content_html
        and summary == entry.summary_html
    ):
        return entry, ()
    return replace(entry, content_html=content, summary_html=summary), planted + planted_summary


def review(
    draft: ArticleDraft, *, injections: Iterable[Injection] = (), source: SourceState, update: bool = False
) -> ArticleDraft:
    """The draft with its status, flags and integrity record decided. Never raises on odd input.

    `update` is true for a new version of a stored article: a held source's *new* items wait for
    review, but its updates are only judged on what they say.
    """
    draft = scrub(draft)
    removed = _unique(injections)
    item = Item(draft.title, draft.text, draft.content_html, draft.url, draft.language)
    verdict = classify(item, source, planted=len(removed))
    flags = [flag for flag in draft.flags if flag not in _OURS]
    status = draft.status if draft.status != QUARANTINED else PUBLISHED
    decision = "clean"
    if verdict.spam:  # the whole item is spam: what was cut out of it is only on record
        status, decision = QUARANTINED, "spam"
        flags.append(SPAM)
    elif removed:
        flags.append(SPAM_REMOVED)
    if decision != "spam" and source.held and not update:
        status, decision = QUARANTINED, "held"
        flags.append(HELD)
    record = _record(decision, verdict, removed, source)
    return replace(draft, status=status, flags=flags, integrity=record)


def _record(
    decision: str, verdict: Verdict, removed: Sequence[Injection], source: SourceState
) -> dict[str, Any]:
    if decision == "spam":
        reason = verdict.reason
    elif decision == "held":
        reason = "Held for review: " + (source.held_reason or "the source is possibly compromised.")
    elif removed:
        kinds = ", ".join(dict.fromkeys(i.kind for i in removed))
        reason = f"Planted spam was cut out ({kinds})."
    else:
        reason = ""
    return {
        "version": RECORD_VERSION,
        "decision": decision,
        "score": verdict.score,
        "threshold": THRESHOLD,
        "signals": [s.as_json() for s in verdict.signals],
        "removed": [i.as_json() for i in removed],
        "reason": reason,
    }


def _unique(injections: Iterable[Injection]) -> list[Injection]:
    seen: dict[tuple[str, str], Injection] = {}
    for injection in injections:
        seen.setdefault((injection.kind, " ".join(injection.text.split())[:80]), injection)
    return list(seen.values())


def scrub(draft: ArticleDraft) -> ArticleDraft:
    """Remove NUL characters and lone surrogates from every text field: PostgreSQL rejects both."""
    changes: dict[str, Any] = {}
    for field in fields(draft):
        value = getattr(draft, field.name)
        if isinstance(value, str) and _UNSTORABLE.search(value):
            changes[field.name] = _UNSTORABLE.sub("", value)
        elif isinstance(value, list) and any(isinstance(v, str) and _UNSTORABLE.search(v) for v in value):
            changes[field.name] = [_UNSTORABLE.sub("", v) if isinstance(v, str) else v for v in value]
    return replace(draft, **changes) if changes else draft
