"""articles 0004 keeps a person's review once: rows in the old shape (flags "approved"/"rejected") are
migrated forward on the test database (SQLite or PostgreSQL), and back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(
    transaction=True
)  # migrating needs the schema editor outside a transaction

BEFORE = [("articles", "0003_integrity")]
AFTER = [("articles", "0004_review_once")]
WHEN = datetime(2026, 5, 4, 12, tzinfo=UTC)
REVIEWED = {"decision": "approved", "by": "editor", "at": "2026-05-04T13:00:00+00:00"}


def migrate(targets: list[tuple[str, str]]):
    """Move the articles app to `targets`; the historical models as of there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps() -> Iterator[object]:
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(AFTER)


def make(apps, n: int, status: str, flags: list[str], integrity: dict | None = None):
    """An article row as articles 0003 stored it (the source is today's: only the articles app moves)."""
    from newsdesk.sources.models import Source

    source, _ = Source.objects.get_or_create(
        url="https://bulletin.example/feed", defaults={"name": "Bulletin"}
    )
    return apps.get_model("articles", "Article").objects.create(
        source_id=source.pk, url=f"https://bulletin.example/{n}", title=f"Story {n}", published=WHEN,
        status=status, flags=flags, integrity=integrity or {"decision": "spam"},
    )  # fmt: skip


def test_review_flags_become_the_one_review_record_and_back(old_apps) -> None:
    approved = make(old_apps, 1, "published", ["approved"], {"decision": "spam", "review": REVIEWED})
    # An update from the feed replaced the integrity record: only the flag still said it was approved.
    updated = make(old_apps, 2, "published", ["spam-removed", "approved"], {"decision": "clean"})
    rejected = make(old_apps, 3, "rejected", ["spam", "rejected"])
    machine = make(old_apps, 4, "quarantined", ["held"], {"decision": "held"})
    plain = make(old_apps, 5, "published", ["page-unavailable"], {"decision": "clean"})

    new_apps = migrate(AFTER)
    rows = {a.pk: a for a in new_apps.get_model("articles", "Article").objects.all()}
    assert (rows[approved.pk].flags, rows[approved.pk].integrity["review"]) == ([], REVIEWED)
    assert rows[approved.pk].integrity["decision"] == "spam"  # what the machine said stays
    assert rows[updated.pk].flags == ["spam-removed"]
    assert rows[updated.pk].integrity == {
        "decision": "clean",
        "review": {"decision": "approved", "by": "", "at": None},
    }
    assert (rows[rejected.pk].status, rows[rejected.pk].flags) == ("rejected", ["spam"])
    assert rows[rejected.pk].integrity["review"]["decision"] == "rejected"
    assert (rows[machine.pk].flags, rows[machine.pk].integrity) == (["held"], {"decision": "held"})
    assert (rows[plain.pk].flags, rows[plain.pk].integrity) == (["page-unavailable"], {"decision": "clean"})

    back = migrate(BEFORE)
    flags = dict(back.get_model("articles", "Article").objects.values_list("pk", "flags"))
    assert flags == {
        approved.pk: ["approved"], updated.pk: ["spam-removed", "approved"],
        rejected.pk: ["spam", "rejected"], machine.pk: ["held"], plain.pk: ["page-unavailable"],
    }  # fmt: skip


def test_the_migrated_rows_behave_as_reviewed(old_apps) -> None:
    """After the migration, the actions read the converted review: approved stays approved through a clean
    update, rejected stays rejected."""
    from dataclasses import replace

    from newsdesk.articles.actions import do_update_article
    from newsdesk.articles.models import Article
    from tests.integrity.helpers import draft

    approved = make(old_apps, 1, "published", ["approved"], {"decision": "clean"})
    rejected = make(old_apps, 2, "rejected", ["spam", "rejected"])
    migrate(AFTER)
    for old in (approved, rejected):
        do_update_article(old.pk, replace(draft(old.source_id), url=old.url))
    after_approved, after_rejected = Article.objects.get(pk=approved.pk), Article.objects.get(pk=rejected.pk)
    assert (after_approved.status, after_approved.approved) == ("published", True)
    assert after_approved.review == {"decision": "approved", "by": "", "at": None}
    assert after_rejected.status == "rejected"
    assert after_rejected.review == {"decision": "rejected", "by": "", "at": None}
    assert "rejected" not in after_rejected.flags
