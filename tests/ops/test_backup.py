"""`newsdesk backup` and `newsdesk restore`: a round trip through real subprocesses loses nothing, table
by table, on the database the suite runs on (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from tests.ops.seed import decisions, seed_site, table_counts
from tests.support.cli import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def _wipe() -> None:
    from newsdesk.consent.models import ConsentRecord, PolicySnapshot
    from newsdesk.newsletter.models import Subscriber
    from newsdesk.sources.models import Source

    Subscriber.objects.all().delete()
    Source.objects.all().delete()  # articles, aliases and topic links go with them
    ConsentRecord.objects.all().delete()
    PolicySnapshot.objects.all().delete()


def test_round_trip_loses_nothing(tmp_path: Path) -> None:
    seed_site()
    before, kept = table_counts(), decisions()
    assert before["articles_article"] == 12
    assert before["newsletter_consent"] == 6
    assert before["consent_consentrecord"] == 4

    target = tmp_path / "site.backup"
    done = run_cli("backup", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backed up the {connection.vendor} database to {target}")
    assert done.stderr == ""  # not a terminal: no progress bar

    _wipe()
    assert table_counts()["articles_article"] == 0
    connection.close()

    restored = run_cli("restore", "--yes", str(target))
    assert restored.returncode == 0, restored.stderr
    after = table_counts()
    assert after == before
    assert decisions() == kept
    from newsdesk.articles.models import Article

    reviews = {a.integrity.get("review", {}).get("decision") for a in Article.objects.all()}
    assert {"approved", "rejected"} <= reviews


def test_restore_asks_for_yes_and_refuses_other_files(tmp_path: Path) -> None:
    seed_site(articles=8)
    target = tmp_path / "site.backup"
    assert run_cli("backup", str(target)).returncode == 0

    refused = run_cli("restore", str(target))
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        == "newsdesk: error: restore replaces every row of the database; add --yes to go ahead."
    )

    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    wrong = run_cli("restore", "--yes", str(junk))
    assert wrong.returncode == 1
    assert "is not a Newsdesk backup" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    missing = run_cli("restore", "--yes", str(tmp_path / "nowhere.backup"))
    assert missing.returncode == 1
    assert "There is no file" in missing.stderr


def test_a_missing_pg_dump_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from newsdesk.core.backup import _tool
    from newsdesk.core.errors import UserError

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError) as raised:
        _tool("pg_dump")
    assert raised.value.message.startswith("pg_dump is not installed; install the PostgreSQL client tools")
    assert "\n" not in raised.value.message
