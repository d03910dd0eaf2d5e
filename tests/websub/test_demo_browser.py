"""`make run` as a newcomer sees it: `python -m newsdesk_demo.run` (SQLite in a fresh data directory, the
demo outlets and their hub) with a short drip, and Chromium on the home page. A released story arrives
in the Live News column by WebSub push, without a reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk_demo.content import load_outlets
from tests.support.browser import SCREENSHOTS
from tests.support.net import answers, free_port, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DRIP = 6
NEW = "section.live-news .live-news__list > li"
HELD = {story.headline for outlet in load_outlets() for story in outlet.stories if story.held}


def _environment(data_dir: str) -> dict[str, str]:
    """make run's: the base settings, SQLite in the data directory, loopback sources allowed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DATABASE_URL"))}
    # The test's PYTHONPATH stays: it carries the network guard into the child.
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base", NEWSDESK_DATA_DIR=data_dir,
        NEWSDESK_ALLOW_PRIVATE_NETWORKS="1", NEWSDESK_SECRET_KEY="insecure-key-for-tests-only",
        PYTHONUNBUFFERED="1",
    )  # fmt: skip
    return env


@pytest.fixture
def demo() -> Iterator[tuple[str, dict[str, str]]]:
    port, demo_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="newsdesk-demo-") as data_dir, tempfile.TemporaryFile() as log:
        env = _environment(data_dir)
        command = [
            sys.executable,
            "-m",
            "newsdesk_demo.run",
            "--port",
            str(port),
            "--demo-port",
            str(demo_port),
        ]
        process = subprocess.Popen(
            [*command, "--drip", str(DRIP)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_for(lambda: answers(base + "/robots.txt"), timeout=60):
                log.seek(0)
                pytest.fail(f"make run's demo did not come up:\n{log.read().decode(errors='replace')}")
            yield base, env
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)


def _websub_states(env: dict[str, str]) -> list[str | None]:
    listed = subprocess.run(
        [sys.executable, "-m", "newsdesk", "sources", "list", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return [json.loads(line)["websub"] for line in listed.stdout.splitlines()]


def test_a_dripped_story_arrives_in_live_news_by_push(browser, demo) -> None:
    base, env = demo
    assert wait_for(lambda: _websub_states(env) == ["active"] * 4, timeout=90, interval=1)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        with page.expect_response(lambda response: "/live/stream" in response.url, timeout=15000):
            served = page.goto(base + "/", wait_until="load")
        assert served is not None
        page.evaluate("window.__stillTheSamePage = true")
        # Only the page's script marks an item new, for an event that came down the stream.
        fresh = page.locator(f"{NEW}.live-news__item--new").first
        fresh.wait_for(timeout=(3 * DRIP + 10) * 1000)
        assert f'data-article-id="{fresh.get_attribute("data-article-id")}"' not in served.text()
        assert fresh.locator("a.live-news__link").inner_text() in HELD
        assert page.evaluate("window.__stillTheSamePage") is True
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / "websub-demo-live-news.png"))
    finally:
        context.close()
