"""Our templates that Django's engine still renders (admin, console, mails, the news sitemap, the monogram;
docs/decisions/0029) all compile: every tag and filter they use exists. The page helpers are plain
functions for the Jinja2 environment; Django's `newsdesk_web` library registers only what those templates
load from it."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import engines
from django.template.utils import get_app_template_dirs

from newsdesk.web.templatetags import newsdesk_web

ROOT = Path(__file__).resolve().parents[2]


def our_django_templates() -> dict[str, Path]:
    found = {}
    for folder in get_app_template_dirs("templates"):
        if ROOT / "newsdesk" not in Path(folder).parents:
            continue  # Django's own and other apps' templates
        for path in Path(folder).rglob("*"):
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = path
    return found


def test_every_django_engine_template_of_ours_compiles() -> None:
    templates = our_django_templates()
    assert {"web/sitemap_news.xml", "web/monogram.svg", "console/dashboard.html"} <= set(templates)
    assert any(name.startswith("newsletter/email/") for name in templates)
    engine = engines["django"]
    for name in templates:
        engine.get_template(name)  # an unknown tag or filter fails here


def test_the_django_library_registers_what_those_templates_use_from_it() -> None:
    used: set[str] = set()
    for path in our_django_templates().values():
        text = path.read_text(encoding="utf-8")
        if re.search(r"{%\s*load\b[^%]*\bnewsdesk_web\b", text):
            used |= set(re.findall(r"\|\s*(\w+)", text)) & set(newsdesk_web.register.filters)
            used |= set(re.findall(r"{%\s*(\w+)", text)) & set(newsdesk_web.register.tags)
    assert used == {"news_language"}
    assert set(newsdesk_web.register.filters) | set(newsdesk_web.register.tags) == used
