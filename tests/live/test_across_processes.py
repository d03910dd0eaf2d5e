"""Live News end to end, with real processes: `newsdesk run` on a port, an SSE client,
`newsdesk fetch` in another process ingesting a fixture feed from a loopback server."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from tests.support.cli import run_cli, start_cli
from tests.support.loopback import LoopbackServer
from tests.support.sse import SSEClient

from .helpers import WebServer, answers, free_port, wait_for
from .outlet import GrowingOutlet

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def outlet() -> Iterator[tuple[GrowingOutlet, Source]]:
    with LoopbackServer() as server:
        site = GrowingOutlet(server)
        source = do_add_source(site.feed_url, name="Lantern Bay Post")
        # Not due: only the test's own `newsdesk fetch` fetches it, never the run's scheduler.
        Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now() + timedelta(days=1))
        yield site, source


def _fetch(source: Source) -> float:
    """`newsdesk fetch ID` in its own process; returns the moment it finished (time.monotonic())."""
    done = run_cli("fetch", str(source.pk), timeout=60)
    assert done.returncode == 0, done.stderr
    return time.monotonic()


def _titles(events) -> list[str]:
    return [json.loads(event.data)["title"] for event in events]


def test_fetch_in_another_process_reaches_the_readers_of_run(outlet) -> None:
    site, source = outlet
    port = free_port()
    run = start_cli("run", "--port", str(port), NEWSDESK_SCHEDULER_TICK="3600")
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: answers(base + "/robots.txt"), timeout=40), "newsdesk run did not come up"
        with SSEClient(base + "/live/stream") as stream:
            first = site.release(0)
            finished = _fetch(source)
            event = stream.next_event(timeout=5)
            assert _titles([event]) == first
            # Within 2 seconds of the fetch process having committed (it exits just after).
            lag = event.received_at - finished
            assert lag < 2.0, f"the event arrived {lag:.2f} s after the fetch process finished"
            resume_from = event.id

        # Disconnected: more stories are ingested meanwhile.
        missed = site.release(1, 2)
        _fetch(source)
        with SSEClient(base + "/live/stream", last_event_id=resume_from) as again:
            got = [again.next_event(timeout=5), again.next_event(timeout=5)]
            assert sorted(_titles(got)) == sorted(missed)
            assert again.events_within(1.0) == []  # exactly the missed items, nothing twice
            later = site.release(3)
            _fetch(source)
            assert _titles([again.next_event(timeout=5)]) == later
    finally:
        stopping = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        _out, err = run.communicate(timeout=30)
    assert run.returncode == 0, err
    assert "Stopped." in err
    assert "Traceback" not in err
    # Inside granian's worker kill timeout (5 s), so the web worker stopped by itself (granian's own
    # "refused to gracefully stop" line can also come from a worker that is exiting, on a busy machine).
    stopped_in = time.monotonic() - stopping
    assert stopped_in < 5, f"stopped in {stopped_in:.2f} s: {err}"


def test_with_redis_every_web_process_receives_every_event(outlet) -> None:
    site, source = outlet
    # A channel of our own on the machine's Redis, and a database poll too slow to matter: only
    # Redis pub/sub can deliver within the test's time.
    env = {
        "NEWSDESK_REDIS_URL": "redis://127.0.0.1:6379/0",
        "NEWSDESK_LIVE_CHANNEL_PREFIX": f"newsdesk-test-{uuid.uuid4().hex}",
        "NEWSDESK_LIVE_POLL_MS": "600000",
    }
    with (
        WebServer(extra_env=env) as one,
        WebServer(extra_env=env) as two,
        SSEClient(one.url("/live/stream")) as a,
        SSEClient(two.url("/live/stream")) as b,
    ):
        time.sleep(0.5)  # both hubs subscribed
        titles = site.release(0, 1, 2)
        done = run_cli("fetch", str(source.pk), timeout=60, **env)  # the writer publishes to the same channel
        assert done.returncode == 0, done.stderr
        finished = time.monotonic()
        got_a = [a.next_event(timeout=3) for _ in titles]
        got_b = [b.next_event(timeout=3) for _ in titles]
        assert max(e.received_at for e in got_a + got_b) - finished < 2.0
        assert sorted(_titles(got_a)) == sorted(titles)
        assert _titles(got_a) == _titles(got_b)
        assert [e.id for e in got_a] == [e.id for e in got_b]
