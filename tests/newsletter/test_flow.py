"""The whole path through HTTP, with a real SMTP server: signup, confirm, digest, one-click unsubscribe."""

from __future__ import annotations

import re

import httpx
import pytest
from django.utils import timezone

from newsdesk.cli import main
from newsdesk.newsletter.models import Consent, Subscriber

from .conftest import make_article, make_source, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_signup_confirm_digest_unsubscribe(live_server, smtp, settings, capsys) -> None:
    settings.SITE_URL = live_server.url
    transport, science = make_topic("transport"), make_topic("science")
    gazette, courier = make_source("Harbour Gazette"), make_source("Valley Courier")
    origin = {"Origin": live_server.url}

    with httpx.Client(base_url=live_server.url, timeout=20) as client:
        # 1. signup, through the plain (no-JavaScript) form
        page = client.get("/newsletter/subscribe/")
        assert page.status_code == 200
        assert "Get more stuff like this in your inbox" in page.text
        assert "set-cookie" not in page.headers
        answer = client.post(
            "/newsletter/subscribe/",
            data={
                "email": "Reader@Example.org",
                "frequency": "daily",
                "topics": ["transport"],
                "fv": "signup-v1",
            },
            headers=origin,
        )
        assert answer.status_code == 200
        assert "Thank you for subscribing — check your inbox to confirm." in answer.text
        assert "set-cookie" not in answer.headers

        # 2. the confirmation mail arrives
        assert len(smtp.messages) == 1
        mail = smtp.messages[0].message
        assert smtp.messages[0].rcpt_tos == ["Reader@example.org"]
        assert mail.is_multipart()
        confirm = next(
            link for link in _links(mail.get_body(("plain",)).get_content()) if "/confirm/" in link
        )
        assert confirm.startswith(live_server.url)

        # 3. a GET on its link (what a link scanner does) does not confirm
        shown = client.get(confirm)
        assert shown.status_code == 200
        assert ">Confirm</button>" in shown.text
        subscriber = Subscriber.objects.get(email__iexact="reader@example.org")
        assert subscriber.status == Subscriber.Status.PENDING

        # 4. a POST on it does
        done = client.post(confirm, headers=origin)
        assert done.status_code == 200
        assert "You are subscribed" in done.text
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.CONFIRMED
        actions = list(subscriber.consents.values_list("action", "form_version"))
        assert actions == [(Consent.Action.SIGNUP, "signup-v1"), (Consent.Action.CONFIRM, "confirm-v1")]
        assert all(
            len(c.source_hash) == 32 and "127.0.0.1" not in c.source_hash for c in subscriber.consents.all()
        )

        # 5. stories arrive: two match the reader's topic, one does not, one is quarantined
        now = timezone.now()
        first = make_article(gazette, "Night ferry timetable doubles", topics=[transport], stored=now)
        second = make_article(
            courier, "Tram line reaches the hospital", topics=[transport, science], stored=now
        )
        make_article(courier, "A comet over the valley", topics=[science], stored=now)
        make_article(gazette, "Spam about ferries", topics=[transport], stored=now, status="quarantined")

        # 6. send --now delivers one digest with the right items and headers
        smtp.handler.messages.clear()
        assert main(["newsletter", "send", "--now"]) == 0
        assert "Digests: 1 sent, 0 skipped (nothing new), 0 failed." in capsys.readouterr().out
        assert len(smtp.messages) == 1
        digest = smtp.messages[0].message
        assert smtp.messages[0].rcpt_tos == ["Reader@example.org"]
        assert digest.get_content_type() == "multipart/alternative"
        text = digest.get_body(("plain",)).get_content()
        html = digest.get_body(("html",)).get_content()
        for story in (first, second):
            assert story.title in text
            assert story.url in text
            assert story.title in html
            assert story.url in html
            assert story.excerpt in html
        assert "comet" not in text
        assert "Spam" not in text
        assert "Harbour Gazette" in html
        assert "Valley Courier" in html
        assert 'style="' in html  # CSS is inlined
        header = re.fullmatch(r"<(.+)>", str(digest["List-Unsubscribe"]).strip())
        assert header is not None
        unsubscribe = header.group(1)
        assert unsubscribe.startswith(f"{live_server.url}/newsletter/unsubscribe/")
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert digest["List-Id"].endswith(">")
        assert "<digest." in digest["List-Id"]
        assert unsubscribe in html
        assert unsubscribe in text
        assert "/newsletter/preferences/" in html

        # 7. a one-click POST, as a mail provider's server sends it, unsubscribes at once
        gone = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
        assert gone.status_code == 200
        assert gone.headers["content-type"].startswith("text/plain")
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    # 8. the next send sends that address nothing
    make_article(gazette, "Bridge lights switched on", topics=[transport], stored=timezone.now())
    smtp.handler.messages.clear()
    assert main(["newsletter", "send", "--now"]) == 0
    assert "Digests: 0 sent" in capsys.readouterr().out
    assert smtp.messages == []
