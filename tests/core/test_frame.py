"""A page's render holds the language, catalog, script prefix and URLconf (newsdesk/core/frame.py): each
render reads its own, and nothing is held once it ends, not even when it fails."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import set_script_prefix
from django.utils import translation

from newsdesk.core import frame

SHOWN = "{{ get_language() }}|{{ url('web:topics') }}|{{ _('Search') }}"


@pytest.fixture
def template():
    return engines["jinja2"].from_string(SHOWN)


def test_each_render_reads_its_own_language_and_prefix(template):
    try:
        with translation.override("de"):
            set_script_prefix("/news/")
            german = template.render()
        with translation.override("en"):
            set_script_prefix("/")
            english = template.render()
    finally:
        set_script_prefix("/")
    assert german == "de|/news/topics/|Suchen"
    assert english == "en|/topics/|Search"
    assert frame._held.depth == 0
    with translation.override("de"):
        assert frame.language() == "de"


def test_a_failed_render_holds_nothing(template):
    failing = engines["jinja2"].from_string("{{ get_language() }}{{ 1 // 0 }}")
    with translation.override("de"), pytest.raises(ZeroDivisionError):
        failing.render()
    assert frame._held.depth == 0
    with translation.override("en"):
        assert template.render() == "en|/topics/|Search"


def test_nested_renders_share_the_outer_ones_frame():
    with translation.override("de"), frame.rendering():
        translation.activate("en")  # nothing in a render does this; the held language stays the page's
        try:
            assert frame.language() == "de"
            with frame.rendering():
                assert frame.language() == "de"
            assert frame._held.depth == 1
        finally:
            translation.activate("de")
    assert frame._held.depth == 0
