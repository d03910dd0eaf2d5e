"""The newsletter speaks the site's language: every word a reader sees goes through gettext.

Two checks: the templates hold no words outside `{% translate %}`/`{% blocktranslate %}` in the mails
(Django's engine, scanned with its own lexer) or `_("…")`/`{% trans %}` in the pages (Jinja2, scanned
with Jinja's lexer), and with a German catalog the pages, the form errors and the
mails come out in German while their English stays exactly as before.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from django.core.mail import EmailMultiAlternatives
from django.template.base import Lexer, TokenType
from django.test import override_settings

import newsdesk.newsletter
from newsdesk.newsletter.digest import Digest, Story
from newsdesk.newsletter.render import Recipient, confirmation_message, digest_message

APP = Path(newsdesk.newsletter.__file__).parent
JINJA = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)

# Text that is not language: the demo address in the email field, and the rule between stories.
NOT_WORDS = {"you@example.org"}
MARK = "\x00"
# Attributes a reader sees or hears; their values must be translated like text.
SHOWN_ATTRIBUTES = re.compile(
    r"""\b(?:title|alt|placeholder|aria-label|data-failed|data-offline)="([^"]*)\""""
)


def _untranslated_jinja(source: str) -> list[str]:
    """`_untranslated` for a Jinja2 template: text inside {% trans %}…{% endtrans %} is covered, and every
    expression ({{ _("…") }} included) and statement is a neutral mark."""
    parts: list[str] = []
    skipping = 0
    tokens = [token for token in JINJA.lex(source) if token[1] != "whitespace"]
    for index, (_, kind, value) in enumerate(tokens):
        if kind == "name" and tokens[index - 1][1] == "block_begin":
            if value == "trans":
                skipping += 1
            elif value == "endtrans":
                skipping -= 1
        if kind == "data" and not skipping:
            parts.append(value)
        elif not parts or parts[-1] != MARK:
            parts.append(MARK)
    return _words_left("".join(parts))


def _untranslated(source: str) -> list[str]:
    """Words in a template that no translate tag covers.

    Template tags and variables become a neutral mark and what a translate tag covers is dropped;
    then HTML markup is removed from the whole, so an `{% if %} checked{% endif %}` inside a tag is
    still markup. What is left with letters in it is text a reader would see untranslated.
    """
    parts: list[str] = []
    skipping: list[str] = []  # the block tags whose content is not shown text
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ("blocktranslate", "comment"):
                skipping.append(name)
            elif name in ("endblocktranslate", "endcomment"):
                skipping.pop()
        if token.token_type is TokenType.TEXT and not skipping:
            parts.append(token.contents)
        elif not parts or parts[-1] != MARK:
            parts.append(MARK)
    return _words_left("".join(parts))


def _words_left(joined: str) -> list[str]:
    text = re.sub(r"<style.*?</style>|<!doctype[^>]*>", " ", joined, flags=re.S | re.I)
    found = [value for value in SHOWN_ATTRIBUTES.findall(text) if value not in NOT_WORDS and _words(value)]
    text = re.sub(r"<[^>]*>", " ", text).replace("&nbsp;", " ")
    return found + [word for word in _words(text) if word not in NOT_WORDS]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][^\s\x00<>]*[^\W\d_]|[^\W\d_]{2,}", text)


TEMPLATE_FILES = sorted(
    p
    for folder in ("templates", "jinja2")
    for p in (APP / folder).rglob("*")
    if p.suffix in (".html", ".txt")
)


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(APP)))
def test_no_template_text_escapes_translation(path: Path) -> None:
    scan = _untranslated_jinja if "jinja2" in path.relative_to(APP).parts else _untranslated
    assert scan(path.read_text()) == [], f"{path.name} has text outside a translation"


def test_the_scan_finds_untranslated_text() -> None:
    assert _untranslated('<p class="x">Hello <strong>{{ name }}</strong></p>') == ["Hello"]
    assert _untranslated('<input placeholder="Your address">') == ["Your address"]
    assert _untranslated("{% autoescape off %}Unsubscribe: {{ url }}{% endautoescape %}") == ["Unsubscribe"]
    assert _untranslated('{% load i18n %}<p>{% translate "Hello" %}</p>') == []
    assert _untranslated("{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}") == []
    assert _untranslated_jinja('<p class="x">Hello <strong>{{ name }}</strong></p>') == ["Hello"]
    assert _untranslated_jinja('<input placeholder="Your address">') == ["Your address"]
    assert _untranslated_jinja('<p>{{ _("Hello") }} {% if x %}there{% endif %}</p>') == ["there"]
    assert _untranslated_jinja("{% trans %}Hi {{ name }}{% endtrans %}{# a note #}") == []


GERMAN: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Get more stuff like this in your inbox": "Mehr davon in Ihrem Postfach",
    "Your email address": "Ihre E-Mail-Adresse",
    "Please enter your email address.": "Bitte geben Sie Ihre E-Mail-Adresse ein.",
    "Please choose daily or weekly.": "Bitte wählen Sie täglich oder wöchentlich.",
    "Confirm your %(site_name)s digest": "Bestätigen Sie Ihren %(site_name)s-Überblick",
    "Open the confirmation page": "Bestätigungsseite öffnen",
    "To start getting it, open this link and press Confirm:": "Link öffnen, Bestätigen drücken:",
    "Read More: %(url)s": "Weiterlesen: %(url)s",
    "all our stories": "alle unsere Meldungen",
    ("%(count)s new story", "%(count)s new stories"): ("%(count)s neue Meldung", "%(count)s neue Meldungen"),
}


@pytest.fixture
def german(tmp_path: Path):
    catalog = Catalog(locale="de")
    for msgid, msgstr in GERMAN.items():
        catalog.add(msgid, msgstr)
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "django.mo").open("wb") as handle:
        write_mo(handle, catalog)
    with override_settings(LOCALE_PATHS=[str(tmp_path)], LANGUAGE_CODE="de"):
        yield


@pytest.mark.django_db
def test_signup_page_and_errors_follow_the_site_language(client, german) -> None:
    page = client.get("/newsletter/subscribe/").content.decode()
    assert "Mehr davon in Ihrem Postfach" in page
    assert "Ihre E-Mail-Adresse" in page
    assert "Your email address" not in page
    answer = client.post(
        "/newsletter/subscribe/", {"email": "", "frequency": "daily"}, HTTP_ACCEPT="application/json"
    )
    assert answer.json()["message"] == "Bitte geben Sie Ihre E-Mail-Adresse ein."
    answer = client.post("/newsletter/subscribe/", {"email": "a@example.org"}, HTTP_ACCEPT="application/json")
    assert answer.json()["message"] == "Bitte wählen Sie täglich oder wöchentlich."


LINKS = {"unsubscribe": "https://u", "preferences": "https://p", "export": "https://e", "delete": "https://d"}


def _story(n: int) -> Story:
    return Story(
        n, f"Story {n}", "", f"https://example.org/{n}", 1, "Gazette", datetime(2026, 1, 1, tzinfo=UTC)
    )


def _html(message: EmailMultiAlternatives) -> str:
    content = message.alternatives[0][0]
    assert isinstance(content, str)
    return content


def test_mails_follow_the_site_language(german, settings) -> None:
    settings.SITE_NAME = "Newsdesk"
    mail = confirmation_message("reader@example.org", "https://news.example/c/abc")
    assert mail.subject == "Bestätigen Sie Ihren Newsdesk-Überblick"
    assert "Link öffnen, Bestätigen drücken:" in mail.body
    assert "Bestätigungsseite öffnen" in _html(mail)

    digest = digest_message(
        Digest((_story(1), _story(2))), Recipient("reader@example.org", "daily", LINKS), message_id="<m@x>"
    )
    assert "2 neue Meldungen" in digest.body
    assert "Weiterlesen: https://example.org/1" in digest.body
    assert "alle unsere Meldungen" in digest.body
    assert "alle unsere Meldungen" in _html(digest)


def test_mails_in_english_are_unchanged(settings) -> None:
    settings.SITE_NAME = "Newsdesk"
    mail = confirmation_message("reader@example.org", "https://news.example/c/abc")
    assert mail.subject == "Confirm your Newsdesk digest"
    digest = digest_message(
        Digest((_story(1),), more=1), Recipient("reader@example.org", "weekly", LINKS), message_id="<m@x>"
    )
    assert digest.subject == "Story 1 and 1 more · your weekly Newsdesk digest"
    assert digest.body.splitlines()[1] == "2 new stories"
    assert "And 1 more new story on Newsdesk: " in digest.body
