"""The consent log in the admin: read-only, searchable by a reader's cookie, exported as CSV. Snippets in
the admin: written through actions.py, which records the policy they make and asks readers again."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from newsdesk.consent.actions import do_delete_snippets, do_save_snippet
from newsdesk.consent.current import load_registry
from newsdesk.consent.models import ConsentRecord, PolicySnapshot, Snippet, StorageItem

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


# ---- snippets are written through actions.py ---------------------------------------------------------


def snippet_post(storage: list[dict], initial: int = 0, **fields: str) -> dict[str, str]:
    """The admin's form for a snippet, with its storage rows (an existing row carries its id)."""
    data = {
        "name": "Stats", "category": "analytics", "html": "<script src='https://s.example.org/a.js'></script>",
        "provider": "S Ltd", "purpose": "Counts", "csp_sources": "https://s.example.org", "enabled": "on",
        "storage-TOTAL_FORMS": str(len(storage)), "storage-INITIAL_FORMS": str(initial),
        "storage-MIN_NUM_FORMS": "0", "storage-MAX_NUM_FORMS": "1000",
        **fields,
    }  # fmt: skip
    for n, row in enumerate(storage):
        data.update({f"storage-{n}-{key}": str(value) for key, value in row.items()})
    return data


def reader_with_choice(action: str) -> Client:
    reader = Client()
    reader.post("/privacy/consent/", {"action": action}, headers=SAME_ORIGIN)
    assert not banner(reader)
    return reader


def banner(reader: Client) -> bool:
    return "data-consent-banner" in reader.get("/privacy/").content.decode()


def snapshot_names(version: str) -> set[str]:
    return {item["name"] for item in PolicySnapshot.objects.get(version=version).items}


def test_adding_a_snippet_records_the_new_policy_and_asks_readers_again(
    analytics_snippet, client, staff, django_capture_on_commit_callbacks
):
    reader = reader_with_choice("accept_all")
    before = load_registry()[0].version
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/consent/snippet/add/",
            snippet_post([{"name": "_ad", "kind": "cookie", "purpose": "campaign", "duration": "90 days"}],
                         name="Ads", category="marketing", provider="Ads plc", _continue="1"),
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    ads = Snippet.objects.get(name="Ads")
    assert response["Location"].endswith(f"/admin/consent/snippet/{ads.pk}/change/")
    assert list(ads.storage.values_list("name", "duration")) == [("_ad", "90 days")]
    after = load_registry()[0].version
    assert after != before
    assert {"Ads", "_ad", "Example Stats", "_es_id"} <= snapshot_names(after)  # recorded with the change
    assert banner(reader)  # their "yes" was to a policy without Ads
    assert LogEntry.objects.get(object_id=str(ads.pk)).is_addition()


def test_changing_a_snippet_replaces_its_storage_and_changes_the_policy(
    analytics_snippet, client, staff, django_capture_on_commit_callbacks
):
    reader = reader_with_choice("reject_all")
    before = load_registry()[0].version
    kept = analytics_snippet.storage.get()
    rows = [
        {"id": kept.pk, "snippet": analytics_snippet.pk, "name": kept.name, "kind": "cookie",
         "purpose": kept.purpose, "duration": kept.duration, "DELETE": "on"},
        {"name": "_es_seen", "kind": "localStorage", "purpose": "first visit", "duration": "forever"},
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/consent/snippet/{analytics_snippet.pk}/change/",
            snippet_post(rows, initial=1, name="Example Stats", purpose="Counts page views and visits."),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    analytics_snippet.refresh_from_db()
    assert analytics_snippet.purpose == "Counts page views and visits."
    assert list(analytics_snippet.storage.values_list("name", "kind")) == [("_es_seen", "localStorage")]
    after = load_registry()[0].version
    assert after != before
    assert "_es_seen" in snapshot_names(after)
    assert "_es_id" not in snapshot_names(after)
    assert banner(reader)
    policy = Client().get("/privacy/cookies/").content.decode()
    assert "_es_seen" in policy
    assert "_es_id" not in policy


def test_deleting_snippets_in_the_admin_goes_through_the_action(
    analytics_snippet, marketing_snippet, client, staff, django_capture_on_commit_callbacks
):
    reader = reader_with_choice("accept_all")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/consent/snippet/{marketing_snippet.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(Snippet.objects.all()) == [analytics_snippet]
    assert banner(reader)  # fewer vendors is a new policy too
    assert "Example Ads" not in snapshot_names(load_registry()[0].version)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/consent/snippet/",
            {"action": "delete_selected", "_selected_action": [analytics_snippet.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Snippet.objects.exists()
    assert not StorageItem.objects.exists()
    registry = load_registry()[0]
    assert not registry.asks
    assert not banner(reader)  # nothing left to ask about
    assert snapshot_names(registry.version) == {i.name for i in registry.items}


def test_do_save_snippet_refuses_what_the_model_refuses_and_keeps_nothing(analytics_snippet):
    fields = {"name": "Stats", "category": "analytics", "html": "<p></p>", "purpose": "Counts"}
    with pytest.raises(ValidationError) as refused:
        do_save_snippet(None, {**fields, "csp_sources": "https://s.example.org/path"})
    assert "csp_sources" in refused.value.message_dict
    with pytest.raises(ValidationError):
        do_save_snippet(analytics_snippet.pk, {}, [{"name": "_x", "kind": "cookie", "purpose": "p"}])
    with pytest.raises(ValueError, match="Not a snippet field: id"):
        do_save_snippet(analytics_snippet.pk, {"id": 7})
    assert list(Snippet.objects.all()) == [analytics_snippet]
    assert list(analytics_snippet.storage.values_list("name", flat=True)) == ["_es_id"]  # not replaced
    assert not PolicySnapshot.objects.exists()


def test_do_save_snippet_keeps_the_storage_unless_given_and_records_each_policy_once(analytics_snippet):
    first = do_save_snippet(analytics_snippet.pk, {"purpose": "Counts visits."})
    assert list(first.storage.values_list("name", flat=True)) == ["_es_id"]
    do_save_snippet(analytics_snippet.pk, {"html": "<p>the same vendor, other markup</p>"})
    assert PolicySnapshot.objects.count() == 1  # the markup is not what readers are asked about
    emptied = do_save_snippet(analytics_snippet.pk, {}, storage=[])
    assert not emptied.storage.exists()
    assert PolicySnapshot.objects.count() == 2
    assert do_delete_snippets([analytics_snippet.pk, 999]) == 1
