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
