"""Drafts and sources for the integrity tests."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from newsdesk.integrity.review import review
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from newsdesk.types import ArticleDraft, Injection, SourceState

NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)
GOOD_TEXT = (
    "The library on Mill Lane will stay open until two in the morning for six months, the council said "
    "on Tuesday. Nurses from the valley hospital asked for a quiet place to read after late shifts, and "
    "students asked for somewhere warm to study. The council will count visitors each night."
)
SPAM_TEXT = (
    "Slot gacor hari ini adalah pilihan terbaik bagi para pemain. Situs slot online terpercaya kami "
    "menyediakan ratusan permainan dengan RTP live tertinggi dan peluang maxwin setiap hari. Daftar sekarang "
    "dan nikmati bonus new member 100% di awal, deposit pulsa tanpa potongan."
)
SPAM_TITLE = "Slot Gacor Hari Ini Maxwin"
_ids = count(1)


def source(name: str = "Bulletin") -> Source:
    return do_add_source(f"https://{name.lower()}.example/feed/{next(_ids)}", name=name, language="en-GB")


def draft(
    source_id: int, *, spam: bool = False, planted: bool = False, title: str | None = None
) -> ArticleDraft:
    n = next(_ids)
    raw = ArticleDraft(
        source_id=source_id, url=f"https://bulletin.example/{n}", link=f"https://bulletin.example/{n}",
        guid=f"g{n}", fingerprint=f"f{n}", content_hash=f"h{n}", published=NOW,
        title=title or (SPAM_TITLE if spam else f"Story {n}"), text=SPAM_TEXT if spam else GOOD_TEXT,
    )  # fmt: skip
    injections = [Injection("hidden", "slot gacor", ("display:none",))] if planted else []
    return review(raw, injections=injections, source=SourceState(language="en"))
