"""Every integer a client can send is range-checked: a filter or form value answers 400 (422 in the API),
an id in a path answers 404, and nothing ever reaches the database as a number it cannot hold (500).

A property test over every form and API parameter that takes a whole number."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.newsletter.tokens import manage_token
from tests.newsletter.conftest import confirmed_subscriber
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db
SAME_SITE: dict[str, Any] = {"HTTP_SEC_FETCH_SITE": "same-origin"}
KEY = "0" * 20

# Numbers around every edge a database or a converter has: huge, 64-bit, negative, zero; and what is
# not a number at all.
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**20, 99999999999999999999]),
).map(str)
values = st.one_of(numbers, st.sampled_from(["", " 1", "1.5", "1e3", "0x10", "١٢", "NaN", "-0"]))

# (method, path with {} for the value, where the value goes, the answers a bad value may get)
QUERY_PARAMETERS: list[tuple[str, str, set[int]]] = [
    ("/api/articles?source={}", "api", {200, 422}),
    ("/api/articles?page={}", "api", {200, 422}),
    ("/api/articles?page_size={}", "api", {200, 422}),
    ("/api/search?q=harbour&source={}", "api", {200, 422}),
    ("/api/search?q=harbour&page={}", "api", {200, 422}),
    ("/api/search?q=harbour&page_size={}", "api", {200, 422}),
    ("/api/sources?page={}", "api", {200, 422}),
    ("/api/sources?page_size={}", "api", {200, 422}),
    ("/api/articles/{}", "api", {200, 404, 422}),
    ("/api/sources/{}", "api", {200, 404, 422}),
    ("/search?q=harbour&source={}", "page", {200, 400}),
    ("/search?q=harbour&page={}", "page", {200, 404}),
    ("/?page={}", "page", {200, 404}),
    ("/sources/?page={}", "page", {200, 404}),
    ("/article/{}/", "page", {200, 301, 404}),
    ("/source/{}/", "page", {200, 301, 404}),
    ("/feeds/source/{}.rss", "page", {200, 404}),
    ("/img/a/{}/" + KEY + "/", "page", {404}),
    ("/img/s/{}/" + KEY + "/", "page", {404}),
    ("/live/stream?source={}", "page", {200, 400}),
    ("/live/stream?since={}", "page", {200, 400}),
]


@pytest.fixture
def site(settings, tmp_path) -> dict[str, Any]:
    settings.DATA_DIR = tmp_path
    source = make_source("Harbour Gazette")
    make_article(source=source, title="Harbour news", text="The harbour is quiet.")
    subscriber = confirmed_subscriber("reader@example.org")
    return {"source": source, "subscriber": subscriber}


def _check(response, allowed: set[int], what: str) -> None:
    assert response.status_code in allowed, f"{what}: {response.status_code}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_every_query_and_path_integer_is_range_checked(site, value: str) -> None:
    client = Client(raise_request_exception=False)
    for template, _kind, allowed in QUERY_PARAMETERS:
        path = template.format(value) if "?" in template else template.format(value or "x")
        if "?" not in template and not value.strip():
            continue
        _check(client.get(path), allowed | {404}, path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values)
def test_every_form_integer_is_range_checked(site, value: str) -> None:
    cache.clear()  # the signup rate limits would answer 429 after a few tries
    client = Client(raise_request_exception=False)
    good = str(site["source"].pk)
    signup = client.post(
        reverse("newsletter:subscribe"),
        {"email": "new@example.org", "frequency": "daily", "sources": [good, value]},
        **SAME_SITE,
    )
    _check(signup, {200, 400}, f"subscribe sources={value}")
    token = manage_token(site["subscriber"].manage_key)
    prefs = client.post(
        reverse("newsletter:preferences", args=[token]),
        {"frequency": "daily", "sources": [value]},
        **SAME_SITE,
    )
    _check(prefs, {200, 400}, f"preferences sources={value}")
    search = client.get("/search", {"q": "harbour", "source": value})
    _check(search, {200, 400}, f"search source={value}")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/articles?source=99999999999999999999", 422),
        ("/api/search?q=harbour&source=99999999999999999999", 422),
        ("/api/articles/99999999999999999999", 422),
        ("/search?q=harbour&source=99999999999999999999", 400),
        ("/live/stream?source=99999999999999999999", 400),
        ("/article/99999999999999999999/", 404),
        ("/feeds/source/99999999999999999999.rss", 404),
    ],
)
def test_the_reported_numbers_get_a_clear_answer(site, path: str, status: int) -> None:
    assert Client(raise_request_exception=False).get(path).status_code == status


def test_an_oversized_source_in_the_newsletter_forms_is_a_clear_error(site) -> None:
    client = Client(raise_request_exception=False)
    big = "99999999999999999999"
    signup = client.post(
        reverse("newsletter:subscribe"),
        {"email": "a@example.org", "frequency": "daily", "sources": [big]},
        **SAME_SITE,
    )
    assert signup.status_code == 400
    token = manage_token(site["subscriber"].manage_key)
    prefs = client.post(
        reverse("newsletter:preferences", args=[token]), {"frequency": "daily", "sources": [big]}, **SAME_SITE
    )
    assert prefs.status_code == 400
    assert b"no longer exists" in prefs.content
