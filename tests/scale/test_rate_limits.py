"""With Redis as Django's cache, a rate limit holds across web processes: the newsletter's
per-address-of-origin sign-up limit counts the attempts made at either process."""

from __future__ import annotations

import httpx
import pytest

from .cluster import Cluster

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LIMIT = 4


def test_signup_limit_holds_across_two_web_processes() -> None:
    with Cluster(NEWSDESK_NEWSLETTER_SIGNUPS_PER_IP=str(LIMIT)) as cluster:
        cluster.web()
        cluster.web()
        cluster.wait_for_webs()
        statuses = []
        for attempt in range(2 * LIMIT):
            _, port = cluster.webs[attempt % 2]
            base = f"http://127.0.0.1:{port}"
            # Not an address: the form is refused (400) after the attempt is counted, so nobody signs up.
            answer = httpx.post(
                base + "/newsletter/subscribe/",
                data={"email": "not an address", "frequency": "daily", "fv": "signup-v1"},
                headers={"Origin": base, "Accept": "application/json"},
                timeout=20,
            )
            statuses.append(answer.status_code)
        assert statuses == [400] * LIMIT + [429] * LIMIT, statuses
