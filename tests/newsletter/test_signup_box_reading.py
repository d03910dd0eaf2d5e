"""The kept newsletter box is rendered from the very reading of the choices that its key names."""

from __future__ import annotations

import pytest
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.test import RequestFactory

from newsdesk.newsletter import boxes, signup_box

pytestmark = pytest.mark.django_db

FIRST = ([("harbour", "Harbour")], [(1, "The Quay Courier")])
LATER = ([("weather", "Weather")], [(2, "The Hill Bulletin")])


def test_a_box_rendered_while_the_choices_change_holds_the_reading_its_key_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The choices are worked out again every few seconds. Here the second reading comes between the
    # box's key (taken from the first) and its rendering: the kept box must still show the first.
    readings = iter([FIRST, LATER, LATER, LATER])
    monkeypatch.setattr(boxes, "choices", lambda: next(readings))
    monkeypatch.setattr(signup_box, "choices", lambda: next(readings))
    monkeypatch.setattr(signup_box, "_read", None)
    signup_box.forget_boxes()
    engine = engines["jinja2"]
    assert isinstance(engine, Jinja2)
    env = engine.env
    request = RequestFactory().get("/")
    html = env.from_string("{{ newsletter_signup_box() }}").render(request=request)
    assert "The Quay Courier" in html
    assert "The Hill Bulletin" not in html
    assert 'value="harbour"' in html
    signup_box.forget_boxes()
