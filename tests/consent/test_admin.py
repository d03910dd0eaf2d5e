"""The consent log in the admin: read-only, searchable by a reader's cookie, exported as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User

from newsdesk.consent.models import ConsentRecord

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def record_choices(client, *actions: str) -> list[str]:
    cookies = []
    for action in actions:
        client.cookies.clear()
        response = client.post("/privacy/consent/", {"action": action}, headers=SAME_ORIGIN)
        cookies.append(response.cookies["newsdesk_consent"].value)
    return cookies


def test_csv_export_has_one_row_per_choice(analytics_snippet, client, staff):
    record_choices(client, "accept_all", "reject_all")
    client.cookies.clear()
    client.force_login(User.objects.get())
    ids = [str(pk) for pk in ConsentRecord.objects.values_list("pk", flat=True)]
    response = client.post(
        "/admin/consent/consentrecord/", {"action": "export_csv", "_selected_action": ids, "index": 0}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["action"] for r in rows] == ["accept_all", "reject_all"]
    assert rows[0]["analytics"] == "1"
    assert rows[1]["analytics"] == "0"
    version = ConsentRecord.objects.order_by("id")[0].policy.version
    assert {r["policy_version"] for r in rows} == {version}
    assert all(len(r["subject"]) == 64 for r in rows)
    assert set(rows[0]) == {"time", "policy_version", "subject", "action", "preferences", "analytics",
                            "marketing", "gpc"}  # fmt: skip


def test_the_log_cannot_be_edited_or_deleted(analytics_snippet, client, staff):
    record_choices(client, "accept_all")
    client.force_login(User.objects.get())
    record = ConsentRecord.objects.get()
    assert client.get("/admin/consent/consentrecord/").status_code == 200
    assert client.get("/admin/consent/consentrecord/add/").status_code == 403
    assert (
        client.post(f"/admin/consent/consentrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ConsentRecord.objects.count() == 1


def test_a_readers_cookie_finds_their_records(analytics_snippet, client, staff):
    mine, _other = record_choices(client, "accept_all", "reject_all")
    client.force_login(User.objects.get())
    page = client.get("/admin/consent/consentrecord/", {"q": mine}).content.decode()
    assert "1 result" in page
    subject = mine.split("|")[-1]
    assert "1 result" in client.get("/admin/consent/consentrecord/", {"q": subject}).content.decode()


def test_snippets_are_managed_in_the_admin(client, staff):
    response = client.post(
        "/admin/consent/snippet/add/",
        {
            "name": "Stats", "category": "analytics", "html": "<script src='https://s.example.org/a.js'></script>",
            "provider": "S Ltd", "purpose": "Counts", "csp_sources": "https://s.example.org", "enabled": "on",
            "storage-TOTAL_FORMS": "1", "storage-INITIAL_FORMS": "0", "storage-MIN_NUM_FORMS": "0",
            "storage-MAX_NUM_FORMS": "1000", "storage-0-name": "_s", "storage-0-kind": "cookie",
            "storage-0-purpose": "visitor", "storage-0-duration": "1 year",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    html = client.get("/privacy/cookies/").content.decode()
    assert "<code>_s</code>" in html
    assert "S Ltd" in html


def test_a_bad_origin_list_is_refused_with_a_message(client, staff):
    response = client.post(
        "/admin/consent/snippet/add/",
        {
            "name": "Stats", "category": "analytics", "html": "<p></p>", "purpose": "Counts",
            "csp_sources": "https://s.example.org/path *", "storage-TOTAL_FORMS": "0",
            "storage-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Give origins separated by spaces" in response.content.decode()
