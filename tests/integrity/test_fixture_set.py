"""Every item of the labelled set (tests/fixtures/integrity/) comes out as labelled, on both paths.

The page path: the outlet's article page is extracted, assembled and reviewed. The feed path: the
page could not be had, so the feed item's own HTML is cleaned, assembled and reviewed. bench/integrity
reports the same outcomes as precision and recall; here each item is one test, so a regression names
the item.
"""

from __future__ import annotations

import pytest

from bench.integrity.corpus import Case, load
from bench.integrity.evaluate import Outcome, run_feed, run_page

CASES = load("tune") + load("heldout")


def test_the_set_is_big_enough_and_covers_every_kind() -> None:
    assert len(CASES) >= 150
    labels = {c.label for c in CASES}
    assert labels == {"legit", "spam", "injected"}
    kinds = {c.kind for c in CASES}
    assert {"about-gambling", "about-pharmacy", "about-japan", "about-counterfeit", "about-spam"} <= kinds
    assert {"gambling", "pharma", "japanese-keyword-hack", "link-farm"} <= kinds
    assert {"hidden", "link-block", "keyword-stuffing"} <= kinds
    assert {c.lang for c in CASES if c.label == "spam"} >= {"en", "id", "ms", "ja", "vi"}
    assert any(c.held_out for c in CASES)


def check(case: Case, outcome: Outcome) -> None:
    why = f"{case.id}: signals {list(outcome.signals)}; {outcome.reason}"
    if case.label == "spam":
        assert outcome.quarantined, why
        assert outcome.reason.startswith("Spam: "), why
    elif case.label == "legit":
        assert not outcome.quarantined, why
        assert not outcome.spam_removed, why
        assert outcome.host_kept == 1.0, why
    else:
        assert not outcome.quarantined, why
        assert outcome.spam_removed, why
        assert not outcome.marker_kept, why
        assert outcome.host_kept == 1.0, why


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_page_path(case: Case) -> None:
    check(case, run_page(case))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_feed_path(case: Case) -> None:
    check(case, run_feed(case))
