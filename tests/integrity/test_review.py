"""The review stage decides status, flags and the recorded reasons; pure, so no database here."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.integrity.review import clean_entry, review, scrub
from newsdesk.types import PUBLISHED, QUARANTINED, ArticleDraft, Entry, Injection, SourceState

from .helpers import GOOD_TEXT, SPAM_TEXT

NOW = datetime(2026, 5, 4, tzinfo=UTC)
EN = SourceState(language="en", site_host="bulletin.example")


def draft(title: str, text: str, **kwargs: object) -> ArticleDraft:
    values: dict[str, object] = {
        "source_id": 1, "url": "https://bulletin.example/a", "link": "https://bulletin.example/a",
        "guid": "a", "fingerprint": "", "content_hash": "", "title": title, "published": NOW, "text": text,
        "content_html": "".join(f"<p>{p}</p>" for p in text.split("\n\n")), "language": "en",
    }  # fmt: skip
    values.update(kwargs)
    return ArticleDraft(**values)  # type: ignore[arg-type]


def test_a_clean_article_is_published_and_says_why() -> None:
    reviewed = review(draft("Night library opens", GOOD_TEXT), source=EN)
    assert reviewed.status == PUBLISHED
    assert reviewed.flags == []
    assert reviewed.integrity["decision"] == "clean"
    assert reviewed.integrity["signals"] == []
    assert reviewed.integrity["reason"] == ""


def test_spam_is_quarantined_with_its_signals() -> None:
    reviewed = review(draft("Slot Gacor Hari Ini Maxwin", SPAM_TEXT), source=EN)
    assert reviewed.status == QUARANTINED
    assert reviewed.flags == ["spam"]
    record = reviewed.integrity
    assert record["decision"] == "spam"
    names = [s["name"] for s in record["signals"]]
    assert {"promo-terms", "promo-density", "title-terms", "language-mismatch"} <= set(names)
    assert record["score"] >= record["threshold"]
    assert record["reason"].startswith("Spam: ")
    assert "language-mismatch (written in id, the source publishes in en)" in record["reason"]


def test_planted_blocks_flag_the_article_but_keep_it_published() -> None:
    planted = [Injection("hidden", "slot gacor maxwin", ("display:none", "promo: slot gacor"))]
    reviewed = review(
        draft("Night library opens", GOOD_TEXT, flags=["page-unavailable"]), injections=planted, source=EN
    )
    assert reviewed.status == PUBLISHED
    assert reviewed.flags == ["page-unavailable", "spam-removed"]
    assert reviewed.integrity["removed"] == [
        {"kind": "hidden", "text": "slot gacor maxwin", "reasons": ["display:none", "promo: slot gacor"]}
    ]
    assert reviewed.integrity["reason"] == "Planted spam was cut out (hidden)."


def test_the_same_block_found_in_page_and_feed_is_recorded_once() -> None:
    twice = [Injection("hidden", "slot gacor  maxwin"), Injection("hidden", "slot gacor maxwin")]
    reviewed = review(draft("Night library opens", GOOD_TEXT), injections=twice, source=EN)
    assert len(reviewed.integrity["removed"]) == 1


def test_a_held_source_holds_new_items_but_not_updates() -> None:
    held = SourceState(language="en", held=True, held_reason="3 spam items within 30 days.")
    new = review(draft("Night library opens", GOOD_TEXT), source=held)
    assert new.status == QUARANTINED
    assert new.flags == ["held"]
    assert new.integrity["reason"] == "Held for review: 3 spam items within 30 days."
    update = review(draft("Night library opens", GOOD_TEXT), source=held, update=True)
    assert update.status == PUBLISHED
    assert update.flags == []


def test_review_is_idempotent() -> None:
    once = review(draft("Slot Gacor Hari Ini Maxwin", SPAM_TEXT), source=EN)
    twice = review(once, source=EN)
    assert twice.flags == once.flags == ["spam"]
    assert twice.status == QUARANTINED


def test_nul_and_lone_surrogates_are_scrubbed_from_every_field() -> None:
    dirty = draft("Tit\x00le", "Te\x00xt \ud800here", authors=["A\x00n"], categories=["x\udfffy"])
    clean = scrub(dirty)
    assert (clean.title, clean.text, clean.authors, clean.categories) == (
        "Title",
        "Text here",
        ["An"],
        ["xy"],
    )
    assert review(dirty, source=EN).title == "Title"
    untouched = draft("Fine", "Fine text")
    assert scrub(untouched) is untouched


def test_clean_entry_cuts_planted_blocks_from_content_and_summary() -> None:
    planted = '<div style="display:none"><a href="/x">slot gacor</a> maxwin</div>'
    entry = Entry(
        guid="g", link="https://bulletin.example/a", title="Night library opens",
        content_html=f"<p>{GOOD_TEXT}</p>{planted}", summary_html=f"<p>Short.</p>{planted}",
    )  # fmt: skip
    cleaned, found = clean_entry(entry)
    assert "gacor" not in cleaned.content_html
    assert "gacor" not in cleaned.summary_html
    assert [i.kind for i in found] == ["hidden", "hidden"]
    same, none = clean_entry(Entry(guid="g", link=None, title="t", content_html="<p>fine</p>"))
    assert none == ()
    assert same.content_html == "<p>fine</p>"
