"""The banner, the choice, the log and the headers, through Django's test client (real database)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from newsdesk.consent.actions import do_save_snippet, pseudonym
from newsdesk.consent.models import ConsentRecord, PolicySnapshot, Snippet
from newsdesk.consent.state import MAX_AGE, Choice, decode

pytestmark = pytest.mark.django_db

COOKIE = "newsdesk_consent"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
PAGES = ["/privacy/", "/privacy/cookies/", "/privacy/consent/"]


def choose(client: Client, action: str, **extra: str):
    data = {"action": action, "next": extra.pop("next", "/privacy/")}
    data.update(extra)
    return client.post("/privacy/consent/", data, headers=SAME_ORIGIN)


def find(pattern: str, text: str, group: int = 0) -> str:
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found"
    return match.group(group)


def stored(value: str) -> Choice:
    choice = decode(value)
    assert choice is not None, f"unreadable consent cookie {value!r}"
    return choice


def banner(html: str) -> bool:
    return "data-consent-banner" in html


@pytest.mark.parametrize("path", PAGES)
def test_reading_sets_no_cookie(client, analytics_snippet, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert "stats.example.org/count.js" not in response.content.decode()


def test_banner_shows_before_a_choice_with_equal_buttons_and_a_policy_link(client, analytics_snippet):
    html = client.get("/privacy/").content.decode()
    assert banner(html)
    accept = find(r'<button[^>]*value="accept_all"[^>]*>', html, 0)
    reject = find(r'<button[^>]*value="reject_all"[^>]*>', html, 0)
    assert find(r'class="([^"]*)"', accept, 1) == find(r'class="([^"]*)"', reject, 1)
    assert 'href="/privacy/cookies/"' in html
    assert 'role="dialog"' in html
    assert 'aria-labelledby="consent-banner-title"' in html
    # One switch per optional category, all off; necessary shown on and fixed.
    for key in ("preferences", "analytics", "marketing"):
        tag = find(rf'<input[^>]*name="{key}"[^>]*>', html)
        assert 'role="switch"' in tag
        assert "checked" not in tag
    assert re.search(r'<input[^>]*name="necessary"[^>]*checked disabled', html)


def test_no_banner_when_nothing_needs_consent(client):
    assert not Snippet.objects.exists()
    assert not banner(client.get("/privacy/").content.decode())


def test_a_disabled_snippet_asks_nothing(client, analytics_snippet):
    do_save_snippet(analytics_snippet.pk, {"enabled": False})
    assert not banner(client.get("/privacy/").content.decode())


def test_accept_all_sets_the_cookie_logs_and_renders_the_snippet_next(client, analytics_snippet):
    response = choose(client, "accept_all", next="/privacy/cookies/?x=1")
    assert response.status_code == 303
    assert response["Location"] == "/privacy/cookies/?x=1"
    morsel = response.cookies[COOKIE]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == int(MAX_AGE.total_seconds())
    assert list(response.cookies) == [COOKIE]
    stored_choice = stored(morsel.value)
    assert {c.value for c in stored_choice.granted} == {
        "preferences",
        "analytics",
        "marketing",
    }

    record = ConsentRecord.objects.get()
    assert (record.action, record.preferences, record.analytics, record.marketing, record.gpc) == (
        "accept_all", True, True, True, False,
    )  # fmt: skip
    assert record.subject == pseudonym(stored_choice.subject)
    assert stored_choice.subject not in record.subject
    assert record.policy.version == stored_choice.version
    assert {"name": "_es_id", "category": "analytics", "purpose": "Tells repeat visits apart.",
            "duration": "13 months", "kind": "cookie",
            "third_party": "Example Stats Ltd (stats.example.org)"} in record.policy.items  # fmt: skip

    page = client.get("/privacy/cookies/")
    html = page.content.decode()
    assert not banner(html)
    assert "https://stats.example.org/count.js" in html
    nonce = find(r"'nonce-([^']+)'", page["Content-Security-Policy"], 1)
    assert f'<script nonce="{nonce}">window.statsQueue' in html
    assert f'<script nonce="{nonce}" src="https://stats.example.org/count.js"' in html
    csp = page["Content-Security-Policy"]
    assert re.search(r"script-src [^;]*https://stats\.example\.org", csp)
    assert re.search(r"connect-src [^;]*https://stats\.example\.org", csp)
    assert "private" in page["Cache-Control"]
    assert page.cookies == {}  # the next page sets nothing more


def test_reject_all_sets_only_the_consent_cookie_and_no_snippet(client, analytics_snippet, marketing_snippet):
    response = choose(client, "reject_all")
    assert list(response.cookies) == [COOKIE]
    assert stored(response.cookies[COOKIE].value).granted == frozenset()
    html = client.get("/privacy/").content.decode()
    assert not banner(html)
    assert "stats.example.org" not in html.split("</main>")[1]
    assert "ads.example.net" not in html
    assert ConsentRecord.objects.get().action == "reject_all"


def test_custom_choice_renders_only_the_consented_category(client, analytics_snippet, marketing_snippet):
    choose(client, "custom", marketing="1")
    page = client.get("/privacy/")
    html = page.content.decode()
    assert "https://ads.example.net/pixel.gif" in html
    assert "count.js" not in html
    csp = page["Content-Security-Policy"]
    assert "ads.example.net" in csp
    assert "stats.example.org" not in csp
    record = ConsentRecord.objects.get()
    assert (record.action, record.analytics, record.marketing, record.preferences) == (
        "custom",
        False,
        True,
        False,
    )


def test_change_of_mind_keeps_the_pseudonym_and_logs_both(client, analytics_snippet):
    first = choose(client, "accept_all").cookies[COOKIE].value
    second = choose(client, "reject_all").cookies[COOKIE].value
    assert stored(first).subject == stored(second).subject
    records = list(ConsentRecord.objects.order_by("id"))
    assert [r.action for r in records] == ["accept_all", "reject_all"]
    assert records[0].subject == records[1].subject
    assert "count.js" not in client.get("/privacy/").content.decode()


def test_settings_page_shows_the_current_choice_and_returns_with_a_status(client, analytics_snippet):
    choose(client, "custom", analytics="1")
    page = client.get("/privacy/consent/?next=/privacy/cookies/").content.decode()
    assert re.search(r'<input[^>]*name="analytics"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="marketing"[^>]*checked', page)
    assert not banner(page)  # the page is the choice itself
    response = client.post(
        "/privacy/consent/",
        {"action": "reject_all", "next": "", "back": "/privacy/cookies/"},
        headers=SAME_ORIGIN,
    )
    assert response["Location"] == "/privacy/consent/?saved=1&next=%2Fprivacy%2Fcookies%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'role="status"' in page
    assert 'href="/privacy/cookies/"' in page


@pytest.mark.parametrize(("zone", "letters"), [("UTC", "UTC"), ("Asia/Tokyo", "JST")])
def test_the_settings_page_names_the_zone_of_its_time(client, analytics_snippet, settings, zone, letters):
    """The time of the choice is shown in the site's zone and names it: not a local time labelled UTC."""
    settings.TIME_ZONE = zone
    choose(client, "reject_all")
    at = stored(client.cookies[COOKIE].value).at
    page = client.get("/privacy/consent/").content.decode()
    local = timezone.localtime(at)
    assert f"You chose on {local.day} {local:%B %Y, %H:%M} {letters}." in page
    assert "(UTC)" not in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_no_open_redirect(client, analytics_snippet, target):
    response = choose(client, "reject_all", next=target)
    assert response["Location"].startswith("/privacy/consent/?saved=1")


def test_a_cross_site_post_is_refused_and_changes_nothing(client, analytics_snippet):
    response = client.post("/privacy/consent/", {"action": "accept_all"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert COOKIE not in response.cookies
    assert not ConsentRecord.objects.exists()


def test_a_nonsense_post_gets_a_helpful_page(client, analytics_snippet):
    response = client.post("/privacy/consent/", {"action": "yes please"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not response.cookies
    assert not ConsentRecord.objects.exists()


def test_gpc_is_reject_and_the_banner_says_so(client, analytics_snippet):
    html = client.get("/privacy/", HTTP_SEC_GPC="1").content.decode()
    assert banner(html)
    assert "Global Privacy Control" in html
    assert 'value="accept_all"' not in html
    # Even "accept all" sent by hand is stored as reject while GPC is on.
    response = client.post("/privacy/consent/", {"action": "accept_all", "next": "/privacy/"},
                           HTTP_SEC_GPC="1", headers=SAME_ORIGIN)  # fmt: skip
    assert stored(response.cookies[COOKIE].value).granted == frozenset()
    record = ConsentRecord.objects.get()
    assert record.gpc
    assert not (record.analytics)
    assert not (record.marketing)
    assert not (record.preferences)


def test_gpc_overrides_an_earlier_accept(client, analytics_snippet):
    choose(client, "accept_all")
    assert "count.js" in client.get("/privacy/").content.decode()
    assert "count.js" not in client.get("/privacy/", HTTP_SEC_GPC="1").content.decode()


def test_a_policy_version_bump_brings_the_banner_back(client, analytics_snippet, settings):
    choose(client, "accept_all")
    assert not banner(client.get("/privacy/").content.decode())
    settings.NEWSDESK_CONSENT = {**settings.NEWSDESK_CONSENT, "POLICY_VERSION": "2"}
    html = client.get("/privacy/").content.decode()
    assert banner(html)
    assert "count.js" not in html


def test_a_new_vendor_changes_the_version_and_asks_again(
    client, analytics_snippet, marketing_snippet, django_capture_on_commit_callbacks
):
    do_save_snippet(marketing_snippet.pk, {"enabled": False})
    choose(client, "accept_all")
    assert not banner(client.get("/privacy/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        do_save_snippet(marketing_snippet.pk, {"enabled": True})
    assert banner(client.get("/privacy/").content.decode())


def test_after_six_months_the_banner_asks_again(client, analytics_snippet):
    cookie = choose(client, "accept_all").cookies[COOKIE].value
    old = stored(cookie)
    stale = Choice(old.granted, old.version, datetime.now(UTC) - MAX_AGE - timedelta(days=1), old.subject)
    client.cookies[COOKIE] = stale.encode()
    html = client.get("/privacy/").content.decode()
    assert banner(html)
    assert "count.js" not in html


def test_pages_vary_on_cookie_and_gpc(client, analytics_snippet):
    response = client.get("/privacy/")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"cookie", "sec-gpc"} <= vary
    assert "private" not in response.get("Cache-Control", "")


def test_security_headers(client):
    response = client.get("/privacy/")
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "nonce-" not in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_HSTS_SECONDS=31536000,
    SESSION_COOKIE_SECURE=True,
)  # fmt: skip
def test_over_https_hsts_is_sent_and_the_consent_cookie_is_secure(client, analytics_snippet):
    response = client.get("/privacy/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post("/privacy/consent/", {"action": "reject_all"}, HTTP_X_FORWARDED_PROTO="https",
                           HTTP_HOST="news.example", HTTP_ORIGIN="https://news.example")  # fmt: skip
    assert response.cookies[COOKIE]["secure"]


def test_policy_page_is_generated_from_the_registry(client, analytics_snippet):
    html = client.get("/privacy/cookies/").content.decode()
    for text in ("newsdesk_consent", "csrftoken", "sessionid", "_es_id", "13 months", "Example Stats Ltd",
                 "Global Privacy Control", "Sec-GPC"):  # fmt: skip
        assert text in html
    version = find(r"Policy version ([\w.]+)\.", html, 1)
    choose(client, "reject_all")
    assert PolicySnapshot.objects.get().version == version


def test_every_page_has_the_footer_links(client):
    html = client.get("/privacy/cookies/").content.decode()
    assert 'href="/privacy/consent/?next=/privacy/cookies/"' in html
    assert 'href="/privacy/"' in html


def test_the_operator_privacy_template_wins(client, settings, tmp_path):
    """An operator's privacy_body.html is a Jinja2 template: words, links and the site's name work in it,
    and what it prints is escaped."""
    (tmp_path / "consent").mkdir()
    (tmp_path / "consent" / "privacy_body.html").write_text(
        "<h1>Our own notice</h1><p>{{ site_name }}: write to {{ privacy_contact or 'dpo@example.org' }}</p>"
        "<p><a href=\"{{ url('consent:cookies') }}\">{{ _('Cookie policy') }}</a> {{ '<b>' }}</p>"
    )
    settings.SITE_NAME = "Harbour News"
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path]} for engine in settings.TEMPLATES]
    html = client.get("/privacy/").content.decode()
    assert "Our own notice" in html
    assert "Harbour News: write to dpo@example.org" in html
    assert '<a href="/privacy/cookies/">Cookie policy</a> &lt;b&gt;' in html
    assert "Reading sets no cookie" not in html  # the built-in notice is not shown


def test_an_operator_override_of_an_admin_template_stays_a_django_template(client, settings, tmp_path):
    """The operator's folder feeds both engines: a Django-syntax admin override must reach Django's engine,
    not be read (and refused) as a Jinja2 template."""
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "login.html").write_text(
        '{% extends "admin/base_site.html" %}'
        "{% block content %}<p>Harbour desk {{ 2|add:3 }}</p>{% endblock %}"
    )
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path]} for engine in settings.TEMPLATES]
    html = client.get("/admin/login/").content.decode()
    assert "Harbour desk 5" in html


def test_withdrawing_removes_the_refused_categorys_cookies_and_storage(client, analytics_snippet):
    from newsdesk.consent.models import StorageItem

    StorageItem.objects.create(
        snippet=analytics_snippet, name="_es_seen", kind="localStorage", purpose="seen", duration="forever"
    )
    choose(client, "accept_all")
    client.cookies["_es_id"] = "tracked"  # what the analytics script set meanwhile
    response = choose(client, "reject_all")
    assert response.cookies["_es_id"]["max-age"] == 0
    assert response.cookies["_es_id"].value == ""
    assert response["Clear-Site-Data"] == '"storage"'
    kept = choose(client, "accept_all")
    assert "_es_id" not in kept.cookies
    assert "Clear-Site-Data" not in kept


def test_snippets_are_read_once_per_ttl_and_forgotten_when_one_changes(
    client, analytics_snippet, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/privacy/")  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        assert banner(client.get("/privacy/").content.decode())
    assert not [q for q in queries.captured_queries if "consent_snippet" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=False) as committed:
        do_save_snippet(analytics_snippet.pk, {"enabled": False})  # what the admin calls
    assert banner(client.get("/privacy/").content.decode())  # not committed yet: the cache holds
    for callback in committed:
        callback()  # the commit: forgotten at once
    assert not banner(client.get("/privacy/").content.decode())
