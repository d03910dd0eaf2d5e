"""Shared fixtures. Tests reach nothing beyond loopback: tests/support/offline.py makes sure of it, in
this process from the start of the session and in every Python process the tests start."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support import offline
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

FIXTURES = Path(__file__).parent / "fixtures"


_PYTHONPATH = os.environ.get("PYTHONPATH")

# No test asserts how fast an example runs (speed is measured in bench/), so Hypothesis's per-example
# deadline is off everywhere: on a loaded 2-core machine it failed correct code ("DeadlineExceeded").
hypothesis_settings.register_profile("newsdesk", deadline=None)
hypothesis_settings.load_profile("newsdesk")


def pytest_configure(config: pytest.Config) -> None:
    """Before collection: guard the sockets, here and in the children (through PYTHONPATH)."""
    offline.install()
    offline.child_environment(os.environ)


def pytest_unconfigure(config: pytest.Config) -> None:
    offline.uninstall()
    if _PYTHONPATH is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = _PYTHONPATH


@pytest.fixture(autouse=True)
def _forget_in_process_caches() -> None:
    """Each test starts with nothing remembered from the one before (whose database is gone): site figures,
    rendered cards, feed items and newsletter boxes live in this process (newsdesk/core/figures.py,
    web/cards.py, web/feeds.py)."""
    from django.apps import apps

    if not apps.ready:
        return
    from newsdesk.core.figures import forget
    from newsdesk.newsletter.signup_box import forget_boxes
    from newsdesk.web.cards import forget_lists, store
    from newsdesk.web.chrome import forget as forget_chrome
    from newsdesk.web.feeds import items

    forget()
    forget_chrome()
    store.clear()
    forget_lists()
    items.clear()
    forget_boxes()


@pytest.fixture(autouse=True)
def _stop_chunk_helpers() -> Iterator[None]:
    """A chunk's helper threads outlive its task with their database connections (newsdesk/ingest/
    batch.py); after each test they close them, so that no connection outlives the test's database."""
    yield
    from django.apps import apps

    if apps.ready:
        from newsdesk.ingest.batch import stop_helpers

        stop_helpers()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the session's temporary data directory (made by config/settings/test.py)."""
    import os
    import shutil

    data_dir = os.environ.get("NEWSDESK_TEST_DATA_DIR", "")
    if data_dir and Path(data_dir).name.startswith("newsdesk-test-"):
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium for one test module. Every suite uses this one fixture: Playwright's sync API allows one
    instance per thread at a time, and it keeps an asyncio loop running on the thread while it lives, so
    it is closed after each module for the tests that run their own loop (asyncio.run)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django refuses database calls while one
    # runs unless told that this (test-only, single-threaded) use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
