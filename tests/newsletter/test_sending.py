"""Digest runs against a real SMTP server: retries, bounces, skips, and never a second send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.cli import main
from newsdesk.newsletter.models import DigestRun, Send, Subscriber
from newsdesk.newsletter.sending import DigestSender, Pacer, send_due_digests

from .conftest import confirmed_subscriber, make_article, make_source, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def news():
    transport, science = make_topic("transport"), make_topic("science")
    gazette = make_source("Harbour Gazette")
    now = timezone.now()
    stories = [
        make_article(
            gazette, "Ferry fares frozen for the winter", topics=[transport], stored=now - timedelta(hours=3)
        ),
        make_article(
            gazette, "Observatory opens its doors", topics=[science], stored=now - timedelta(hours=2)
        ),
    ]
    return {"transport": transport, "science": science, "gazette": gazette, "stories": stories}


def test_451_then_250_is_retried_and_delivered(smtp, news) -> None:
    confirmed_subscriber("slow@example.org", topics=[news["transport"]])
    confirmed_subscriber("later@example.org", topics=[news["transport"]])
    smtp.handler.answers_rcpt["slow@example.org"] = ["451 4.7.1 Greylisted, try again later"]
    smtp.handler.answers_data["later@example.org"] = ["451 4.3.0 Queue full, try again"]
    report = send_due_digests(force=True)
    assert (report.sent, report.failed, report.bounced) == (2, 0, 0)
    assert smtp.handler.attempts["slow@example.org"] == 2
    assert smtp.handler.attempts["later@example.org"] == 2
    assert len(smtp.handler.to("slow@example.org")) == 1
    assert len(smtp.handler.to("later@example.org")) == 1
    assert sorted(Send.objects.values_list("state", "attempts")) == [("sent", 2), ("sent", 2)]


def test_transient_failure_on_every_try_fails_and_stays_due(smtp, news, settings) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "RETRIES": 3}
    subscriber = confirmed_subscriber("full@example.org")
    cursor = subscriber.digest_cursor
    smtp.handler.answers_data["full@example.org"] = ["452 4.2.2 Mailbox full"] * 3
    report = send_due_digests(force=True)
    assert (report.sent, report.failed) == (0, 1)
    send = Send.objects.get()
    assert send.state == Send.State.FAILED
    assert send.attempts == 3
    assert "452" in send.error
    subscriber.refresh_from_db()
    assert subscriber.digest_cursor == cursor  # put back: the next run tries again
    assert subscriber.status == Subscriber.Status.CONFIRMED
    report = send_due_digests(force=True)
    assert report.sent == 1
    assert len(smtp.handler.to("full@example.org")) == 1


def test_550_marks_the_address_bounced_and_stops_mail(smtp, news) -> None:
    gone = confirmed_subscriber("gone@example.org")
    confirmed_subscriber("here@example.org")
    smtp.handler.answers_rcpt["gone@example.org"] = ["550 5.1.1 No such user here"]
    report = send_due_digests(force=True)
    assert (report.sent, report.bounced) == (1, 1)
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    assert gone.bounce_count == 1
    assert "550" in gone.last_bounce
    assert Send.objects.get(subscriber=gone).state == Send.State.BOUNCED
    make_article(news["gazette"], "Another story", stored=timezone.now())
    report = send_due_digests(force=True)
    assert smtp.handler.attempts["gone@example.org"] == 1  # never tried again
    assert len(smtp.handler.to("here@example.org")) == 2


def test_nothing_new_means_no_mail_and_the_cursor_moves(smtp, news) -> None:
    quiet = confirmed_subscriber("quiet@example.org", topics=[make_topic("sport")])
    report = send_due_digests(force=True)
    assert (report.sent, report.skipped) == (0, 1)
    assert smtp.messages == []
    quiet.refresh_from_db()
    assert quiet.digest_cursor == DigestRun.objects.get().cutoff


def test_topics_and_sources_pick_the_stories(smtp, news) -> None:
    courier = make_source("Valley Courier")
    make_article(courier, "Choir wins regional prize", stored=timezone.now() - timedelta(hours=1))
    confirmed_subscriber("science@example.org", topics=[news["science"]])
    confirmed_subscriber("courier@example.org", sources=[courier])
    confirmed_subscriber("all@example.org")
    send_due_digests(force=True)

    def titles(address: str) -> set[str]:
        (received,) = smtp.handler.to(address)
        text = received.message.get_body(("plain",)).get_content()
        return {t for t in ("Ferry fares", "Observatory", "Choir") if t in text}

    assert titles("science@example.org") == {"Observatory"}
    assert titles("courier@example.org") == {"Choir"}
    assert titles("all@example.org") == {"Ferry fares", "Observatory", "Choir"}


def test_only_stories_since_the_last_digest(smtp, news) -> None:
    confirmed_subscriber("ada@example.org", since=timezone.now() - timedelta(hours=2, minutes=30))
    send_due_digests(force=True)
    (first,) = smtp.handler.to("ada@example.org")
    text = first.message.get_body(("plain",)).get_content()
    assert "Observatory" in text
    assert "Ferry fares" not in text
    send_due_digests(force=True)
    assert len(smtp.handler.to("ada@example.org")) == 1  # nothing new since
    make_article(news["gazette"], "Harbour crane returns", stored=timezone.now())
    send_due_digests(force=True)
    second = smtp.handler.to("ada@example.org")[-1].message.get_body(("plain",)).get_content()
    assert "Harbour crane" in second
    assert "Observatory" not in second


def test_due_follows_the_frequency(smtp, news) -> None:
    now = timezone.now()
    daily = confirmed_subscriber("daily@example.org", since=now - timedelta(days=1, minutes=1))
    weekly = confirmed_subscriber(
        "weekly@example.org", frequency="weekly", since=now - timedelta(days=1, minutes=1)
    )
    Subscriber.objects.filter(pk=weekly.pk).update(next_digest_at=weekly.confirmed_at + timedelta(days=7))
    paused = confirmed_subscriber("paused@example.org", since=now - timedelta(days=2))
    Subscriber.objects.filter(pk=paused.pk).update(paused=True)
    report = send_due_digests()
    assert report.sent == 1
    assert [m.rcpt_tos for m in smtp.messages] == [["daily@example.org"]]
    daily.refresh_from_db()
    assert daily.next_digest_at == daily.confirmed_at + timedelta(days=2)  # the rhythm is kept


def test_a_second_run_sends_nothing_again(smtp, news, capsys) -> None:
    for n in range(5):
        confirmed_subscriber(f"reader{n}@example.org")
    assert main(["newsletter", "send", "--now"]) == 0
    assert main(["newsletter", "send", "--now"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Digests: 5 sent, 0 skipped (nothing new), 0 failed.",
        "Digests: 0 sent, 5 skipped (nothing new), 0 failed.",
    ]
    assert len(smtp.messages) == 5
    assert len({m.message["Message-ID"] for m in smtp.messages}) == 5


def test_dry_run_sends_and_records_nothing(smtp, news, capsys) -> None:
    subscriber = confirmed_subscriber("ada@example.org")
    assert main(["newsletter", "send", "--now", "--dry-run"]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "Dry run. Digests: 1 would be sent, 0 skipped (nothing new), 0 failed."
    )
    assert smtp.messages == []
    assert not DigestRun.objects.exists()
    assert not Send.objects.exists()
    assert Subscriber.objects.get(pk=subscriber.pk).digest_cursor == subscriber.digest_cursor


def test_unreachable_mail_server_is_one_clear_line(settings, news, capsys) -> None:
    from .smtp_sink import free_port

    settings.EMAIL_BACKEND = "newsdesk.newsletter.mailer.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    confirmed_subscriber("ada@example.org")
    assert main(["newsletter", "send", "--now"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsdesk: error: Cannot reach the mail server at 127.0.0.1:")
    assert "Connection refused" in err
    assert "\n" not in err
    run = DigestRun.objects.get()
    assert run.finished_at is None  # the next run resumes it


def test_pacer_spaces_messages() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        clock[0] += seconds

    pacer = Pacer(4, lambda: clock[0], sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]
    clock[0] += 10  # a long pause earns no burst afterwards
    pacer.wait()
    pacer.wait()
    assert slept[-1] == 0.25


def test_connection_is_reused_for_the_whole_run(smtp, news) -> None:
    sessions: set[object] = set()
    original = smtp.handler.handle_DATA

    async def counting(server, session, envelope):
        sessions.add(id(session))
        return await original(server, session, envelope)

    smtp.handler.handle_DATA = counting
    for n in range(4):
        confirmed_subscriber(f"reader{n}@example.org")
    DigestSender().run(force=True)
    assert len(smtp.messages) == 4
    assert len(sessions) == 1


def test_subscribers_command_lists_people_plain_and_as_json(capsys) -> None:
    import json

    transport = make_topic("transport")
    confirmed_subscriber("ada@example.org", topics=[transport], frequency="weekly")
    Subscriber.objects.create(email="pending@example.org")
    assert main(["newsletter", "subscribers"]) == 0
    out = capsys.readouterr().out
    assert "ada@example.org  confirmed, weekly" in out
    assert "transport · last digest never" in out
    assert "pending@example.org  pending, daily" in out
    assert main(["newsletter", "subscribers", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["email"], r["status"], r["topics"]) for r in rows] == [
        ("ada@example.org", "confirmed", ["transport"]),
        ("pending@example.org", "pending", []),
    ]


@pytest.mark.django_db(transaction=True)
def test_another_run_in_progress_is_a_clear_error(smtp, news, capsys) -> None:
    import threading

    from django.db import connection

    from newsdesk.newsletter.locking import digest_run_lock

    held, done = threading.Event(), threading.Event()

    def holder() -> None:  # another thread is another database session
        with digest_run_lock():
            held.set()
            done.wait(30)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(30)
        assert main(["newsletter", "send"]) == 1
    finally:
        done.set()
        thread.join()
    err = capsys.readouterr().err.strip()
    assert err == "newsdesk: error: Another digest run is in progress; try again when it has finished."


def test_the_subject_arrives_readable_and_folded(smtp, news, settings) -> None:
    settings.SITE_NAME = "Gazette de l'Île · Nouvelles"
    make_article(
        news["gazette"], "Fête du port: les bateaux-dragons reviennent à Saint-Aubin après dix ans d'absence",
        topics=[news["transport"]], stored=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    confirmed_subscriber("reader@example.org", topics=[news["transport"]])
    send_due_digests(force=True)
    (received,) = smtp.handler.to("reader@example.org")
    subject = received.message["Subject"]
    assert subject.startswith("Fête du port: les bateaux-dragons reviennent à Saint-Aubin")
    assert subject.endswith(" and 1 more · your daily Gazette de l'Île · Nouvelles digest")
    lines = received.raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith(b" "))
    assert end - start > 1  # a long subject, folded
    assert all(len(line) <= 78 for line in lines[start:end])  # RFC 5322's line length
    assert lines[start].startswith(b"Subject: =?utf-8?b?")  # the first word on the Subject line itself
