"""Remembered site figures: reused until content changes or their seconds pass, never past either."""

from __future__ import annotations

import itertools
import os
import time

from newsdesk.core.figures import forget, remembered
from newsdesk.core.pagecache import mark_changed


def test_a_figure_is_reused_until_content_changes(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": 60}
    counter = itertools.count(1)
    forget()
    assert remembered("count", lambda: next(counter)) == 1
    assert remembered("count", lambda: next(counter)) == 1
    stamp = tmp_path / ".content-changed"
    mark_changed(stamp)
    os.utime(stamp, (time.time() + 5, time.time() + 5))  # a clearly newer modification time
    assert remembered("count", lambda: next(counter)) == 2
    assert remembered("count", lambda: next(counter)) == 2


def test_a_figure_is_worked_out_again_when_its_seconds_pass(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": 1}
    counter = itertools.count(1)
    forget()
    assert remembered("count", lambda: next(counter)) == 1
    time.sleep(1.1)
    assert remembered("count", lambda: next(counter)) == 2


def test_zero_seconds_counts_every_time(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": 0}
    counter = itertools.count(1)
    assert [remembered("count", lambda: next(counter)) for _ in range(3)] == [1, 2, 3]


def test_a_page_reads_the_content_stamp_once(settings, tmp_path, monkeypatch):
    """Inside a page (the frame held, newsdesk/core/frame.py) every figure is checked against one reading of
    the stamp; the next page reads it again and sees a change."""
    from newsdesk.core import figures, frame

    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": 60}
    forget()
    reads = []
    stat = figures._stamp

    def counted() -> float:
        reads.append(1)
        return stat()

    monkeypatch.setattr(figures, "_stamp", counted)
    counter = itertools.count(1)
    with frame.rendering():
        assert remembered("a", lambda: next(counter)) == 1
        assert remembered("b", lambda: next(counter)) == 2
        assert remembered("a", lambda: next(counter)) == 1
    assert len(reads) == 1
    stamp = tmp_path / ".content-changed"
    mark_changed(stamp)
    os.utime(stamp, (time.time() + 5, time.time() + 5))
    with frame.rendering():
        assert remembered("a", lambda: next(counter)) == 3  # the next page sees the change
    assert len(reads) == 2
    assert remembered("b", lambda: next(counter)) == 4  # outside a page: read on every call
    assert remembered("b", lambda: next(counter)) == 4
    assert len(reads) == 4


def test_at_most_entries_answers_are_held(settings, tmp_path, monkeypatch):
    from newsdesk.core import figures

    settings.DATA_DIR = tmp_path
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "FIGURES_SECONDS": 60}
    monkeypatch.setattr(figures, "ENTRIES", 8)
    forget()
    for n in range(40):  # a crawler over forty sources' pages
        assert remembered(f"first page of source {n}", itertools.repeat(n).__next__) == n
        assert len(figures._values) <= 8
        assert len(figures._computing) <= 8  # each answer's lock goes with it
    assert remembered("first page of source 39", lambda: -1) == 39  # the newest are kept
