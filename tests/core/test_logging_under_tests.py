"""The test settings' log handler writes to the sys.stderr of the moment, so a record never lands in a
stream pytest has closed (which printed "--- Logging error --- ValueError: I/O operation on closed
file" in the middle of other tests' output)."""

from __future__ import annotations

import contextlib
import io
import logging
import logging.config

import pytest
from django.conf import settings


def test_a_newsdesk_log_line_reaches_the_tests_own_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("newsdesk.tests").warning("a line for %s", "this test")
    assert "WARNING newsdesk.tests: a line for this test" in capsys.readouterr().err


def test_logging_configured_under_a_stream_that_closes_later_still_logs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # What an in-process CLI run does: django.setup() configures logging again while a test's
    # capture is sys.stderr, and pytest closes that capture when the test ends.
    earlier = io.StringIO()
    try:
        with contextlib.redirect_stderr(earlier):
            logging.config.dictConfig(settings.LOGGING)
        earlier.close()
        logging.getLogger("django.request").error("after the %s stream closed", "earlier")
        err = capsys.readouterr().err
        assert "Logging error" not in err
        assert "ERROR django.request: after the earlier stream closed" in err
    finally:
        logging.config.dictConfig(settings.LOGGING)
