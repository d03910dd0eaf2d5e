"""robots.txt decisions and the per-origin cache, without any network."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.ingest.stages.fetch.robots import RobotsCache, RobotsRules, rules_from_response

ROBOTS = b"""# The Harbour Gazette
User-agent: *
Disallow: /drafts/
Allow: /

User-agent: Newsdesk
Disallow: /members/
"""


def test_our_own_group_wins_over_the_star_group() -> None:
    rules = rules_from_response(200, ROBOTS)
    assert not rules.allows("https://gazette.example.test/members/letter.html")
    assert rules.allows("https://gazette.example.test/drafts/x.html")  # the * group no longer applies
    assert rules_from_response(200, ROBOTS).allows("https://gazette.example.test/news/ferry.html")


def test_the_star_group_applies_to_us_when_we_have_none() -> None:
    rules = rules_from_response(200, b"User-agent: *\nDisallow: /drafts/\n")
    assert not rules.allows("https://gazette.example.test/drafts/x.html")
    assert rules.allows("https://gazette.example.test/news/ferry.html")
    assert not rules.allows("https://gazette.example.test/drafts/x.html", agent="SomeOtherBot")


@pytest.mark.parametrize(("status", "allowed"), [(None, True), (404, True), (401, True), (403, True)])
def test_missing_robots_allows_everything(status: int | None, allowed: bool) -> None:
    rules = rules_from_response(status)
    assert rules.allows("https://gazette.example.test/anything") is allowed
    assert not rules.temporary


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_disallows_everything_for_now(status: int) -> None:
    rules = rules_from_response(status)
    assert not rules.allows("https://gazette.example.test/news/ferry.html")
    assert rules.temporary
    assert rules.status == status


def test_an_undecodable_robots_file_is_still_read() -> None:
    rules = rules_from_response(200, b"User-agent: *\nDisallow: /caf\xe9/\nDisallow: /private/\n")
    assert not rules.allows("https://gazette.example.test/private/x")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_keeps_rules_for_their_ttl_and_errors_only_briefly() -> None:
    clock = FakeClock()
    answers = {
        "https://a.example.test": rules_from_response(200, b""),
        "https://b.example.test": rules_from_response(503),
    }
    loads: list[str] = []

    def load(origin: str) -> RobotsRules:
        loads.append(origin)
        return answers[origin]

    cache = RobotsCache(load, ttl=3600, retry_ttl=60, monotonic=clock)
    for _ in range(3):
        cache.rules_for("https://a.example.test")
        cache.rules_for("https://b.example.test")
    assert loads == ["https://a.example.test", "https://b.example.test"]
    clock.now += 61
    cache.rules_for("https://a.example.test")
    cache.rules_for("https://b.example.test")
    assert loads.count("https://b.example.test") == 2  # the 5xx was asked again
    assert loads.count("https://a.example.test") == 1
    clock.now += 3600
    cache.rules_for("https://a.example.test")
    assert loads.count("https://a.example.test") == 2


def test_concurrent_askers_share_one_load() -> None:
    loads: list[str] = []
    gate = threading.Event()

    def slow_load(origin: str) -> RobotsRules:
        loads.append(origin)
        gate.wait(1.0)
        time.sleep(0.05)
        return rules_from_response(404)

    cache = RobotsCache(slow_load, ttl=3600, retry_ttl=60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(cache.rules_for, "https://a.example.test") for _ in range(8)]
        time.sleep(0.1)
        gate.set()
        results = [future.result() for future in futures]
    assert loads == ["https://a.example.test"]
    assert all(result is results[0] for result in results)


def test_rfc9309_longest_match_and_wildcards() -> None:
    """The most specific rule wins whatever its place in the file, and `*`/`$` work (RFC 9309)."""
    from newsdesk.ingest.stages.fetch.robots import rules_from_response

    body = b"User-agent: *\nDisallow: /news/\nAllow: /news/public/\nDisallow: /*.pdf$\n"
    rules = rules_from_response(200, body)
    assert rules.allows("https://outlet.test/news/public/story")
    assert not rules.allows("https://outlet.test/news/private/story")
    assert not rules.allows("https://outlet.test/files/report.pdf")
    assert rules.allows("https://outlet.test/files/report.pdf.html")
