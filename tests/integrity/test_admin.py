"""The admin: sources with their state and a warning for compromised ones; articles with filters; the
review queue with the signals that fired, approve and reject."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.actions import do_approve_article, do_reject_article, do_store_article
from newsdesk.articles.models import Article
from newsdesk.articles.signals import article_stored
from newsdesk.sources.actions import do_hold_source, do_record_failure
from newsdesk.sources.models import Source
from tests.integrity.helpers import draft, source

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    bulletin = source("Bulletin")
    courier = source("Courier")
    do_hold_source(bulletin.pk, now=timezone.now(), reason="3 spam items within 30 days.")
    do_record_failure(
        courier.pk, now=timezone.now(), message="The server answered 500 Internal Server Error."
    )
    ids = {}
    for name, d in {
        "spam": draft(bulletin.pk, spam=True),
        "planted": draft(bulletin.pk, planted=True),
        "clean": draft(courier.pk),
    }.items():
        ids[name] = do_store_article(d)[1]
    return bulletin, courier, ids


def test_sources_list_shows_state_last_error_and_a_warning(admin_client, world) -> None:
    response = admin_client.get(reverse("admin:sources_source_changelist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "⚠ Possibly compromised" in page
    assert "Possibly compromised, new items held for review: Bulletin." in page
    assert "The server answered 500 Internal Server Error." in page
    assert "Failing (1)" in page
    assert "1 to review" in page


def test_the_source_page_warns_and_an_edit_goes_through_actions(admin_client, world) -> None:
    bulletin, _courier, _ids = world
    url = reverse("admin:sources_source_change", args=[bulletin.pk])
    page = admin_client.get(url).content.decode()
    assert "This source looks compromised (3 spam items within 30 days.)" in page
    data = {
        "name": "Kettleby Bulletin",
        "url": bulletin.url,
        "site_url": "",
        "language": "en",
        "is_active": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.name == "Kettleby Bulletin"
    assert bulletin.is_held  # editing a name does not clear the hold


def test_trust_again_and_hold_actions(admin_client, world) -> None:
    bulletin, courier, _ids = world
    changelist = reverse("admin:sources_source_changelist")
    admin_client.post(changelist, {"action": "trust_again", "_selected_action": [bulletin.pk]})
    bulletin.refresh_from_db()
    assert (bulletin.is_held, bulletin.spam_count) == (False, 0)
    admin_client.post(changelist, {"action": "hold_for_review", "_selected_action": [courier.pk]})
    courier.refresh_from_db()
    assert courier.is_held
    assert courier.held_reason == "Held by admin from the admin."


def test_sources_cannot_be_added_in_the_admin(admin_client) -> None:
    assert admin_client.get(reverse("admin:sources_source_add")).status_code == 403


@pytest.mark.parametrize(
    ("flag", "expected"), [("spam", ["spam"]), ("spam-removed", ["planted"]), ("held", [])]
)
def test_articles_filter_by_flag(admin_client, world, flag: str, expected: list[str]) -> None:
    _bulletin, _courier, ids = world
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"flag": flag})
    shown = {
        pk for pk in ids.values() if f"/admin/articles/article/{pk}/change/" in response.content.decode()
    }
    assert shown == {ids[name] for name in expected}


@pytest.mark.parametrize(
    ("review", "expected"), [("approved", ["spam"]), ("rejected", ["planted"]), ("none", ["clean"])]
)
def test_articles_filter_by_the_editors_review(admin_client, world, review: str, expected: list[str]) -> None:
    _bulletin, _courier, ids = world
    do_approve_article(ids["spam"], reviewer="editor")
    do_reject_article(ids["planted"], reviewer="editor")
    page = admin_client.get(reverse("admin:articles_article_changelist"), {"review": review}).content.decode()
    shown = {pk for pk in ids.values() if f"/admin/articles/article/{pk}/change/" in page}
    assert shown == {ids[name] for name in expected}
    if review == "approved":
        detail = admin_client.get(
            reverse("admin:articles_article_change", args=[ids["spam"]])
        ).content.decode()
        assert "approved by editor at " in detail


def test_articles_cannot_be_deleted_in_the_admin(admin_client, world) -> None:
    """A rejected article must stay stored so its entry is never taken in again: no delete, one or many."""
    _bulletin, _courier, ids = world
    for name in ("article", "quarantinedarticle"):
        changelist = reverse(f"admin:articles_{name}_changelist")
        assert "delete_selected" not in admin_client.get(changelist).content.decode()
        chosen = {"action": "delete_selected", "_selected_action": [ids["spam"]], "post": "yes"}
        assert admin_client.post(changelist, chosen).status_code in (200, 302)
        delete = reverse(f"admin:articles_{name}_delete", args=[ids["spam"]])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=ids["spam"]).exists()


def test_deleting_a_source_in_the_admin_takes_its_articles(admin_client, world) -> None:
    """The source and its articles go, as with `newsdesk sources remove`, though articles alone cannot."""
    bulletin, courier, ids = world
    delete = reverse("admin:sources_source_delete", args=[bulletin.pk])
    confirm = admin_client.get(delete).content.decode()
    assert "Are you sure" in confirm
    assert "permission" not in confirm
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Source.objects.filter(pk=bulletin.pk).exists()
    assert set(Article.objects.values_list("pk", flat=True)) == {ids["clean"]}
    changelist = reverse("admin:sources_source_changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [courier.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert (Source.objects.count(), Article.objects.count()) == (0, 0)


def test_the_review_queue_lists_only_quarantined_items_with_their_signals(admin_client, world) -> None:
    _bulletin, _courier, ids = world
    page = admin_client.get(reverse("admin:articles_quarantinedarticle_changelist")).content.decode()
    assert f"/admin/articles/quarantinedarticle/{ids['spam']}/change/" in page
    assert f"/{ids['planted']}/change/" not in page
    assert f"/{ids['clean']}/change/" not in page
    assert "promo-terms" in page
    assert "language-mismatch" in page
    assert "Spam: " in page


def test_an_article_page_explains_the_decision_and_cannot_be_edited(admin_client, world) -> None:
    _bulletin, _courier, ids = world
    page = admin_client.get(reverse("admin:articles_article_change", args=[ids["planted"]])).content.decode()
    assert "Planted spam was cut out (hidden)." in page
    assert "display:none" in page
    assert 'name="_save"' not in page
    queue = admin_client.get(reverse("admin:articles_quarantinedarticle_change", args=[ids["spam"]]))
    text = queue.content.decode()
    assert "Approve and publish" in text
    assert '<table class="integrity-signals">' in text


def test_approve_from_the_queue_publishes_and_announces(
    admin_client, world, django_capture_on_commit_callbacks
) -> None:
    _bulletin, _courier, ids = world
    heard: list[dict] = []
    article_stored.connect(lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="admin-heard")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:articles_quarantinedarticle_changelist"),
                {"action": "approve", "_selected_action": [ids["spam"]]},
            )
    finally:
        article_stored.disconnect(dispatch_uid="admin-heard")
    assert response.status_code == 302
    article = Article.objects.get(pk=ids["spam"])
    assert (article.status, article.flags) == ("published", [])
    assert article.review is not None
    assert (article.review["decision"], article.review["by"]) == ("approved", "admin")
    assert [(h["article_id"], h["status"], h.get("approved")) for h in heard] == [
        (ids["spam"], "published", True)
    ]


def test_reject_from_the_article_page(admin_client, world) -> None:
    _bulletin, _courier, ids = world
    url = reverse("admin:articles_quarantinedarticle_change", args=[ids["spam"]])
    response = admin_client.post(url, {"_reject": "Reject"})
    assert response.status_code == 302
    assert Article.objects.get(pk=ids["spam"]).status == "rejected"
    queue = admin_client.get(reverse("admin:articles_quarantinedarticle_changelist")).content.decode()
    assert f"/{ids['spam']}/change/" not in queue


def test_a_viewer_without_change_rights_cannot_approve(client, django_user_model, world) -> None:
    from django.contrib.auth.models import Permission

    _bulletin, _courier, ids = world
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_quarantinedarticle"])
    )
    client.force_login(viewer)
    url = reverse("admin:articles_quarantinedarticle_change", args=[ids["spam"]])
    page = client.get(url).content.decode()
    assert "Approve and publish" not in page
    client.post(url, {"_approve": "Approve and publish"})
    assert Article.objects.get(pk=ids["spam"]).status == "quarantined"


def test_the_admin_needs_a_login(client) -> None:
    response = client.get(reverse("admin:articles_quarantinedarticle_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Source.objects.count() == 0
