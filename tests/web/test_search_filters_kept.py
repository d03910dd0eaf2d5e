"""The search form's filter block, kept per language for searches that name no filter: the same bytes as the
block rendered afresh for that reader's form, and never one reader's choices, errors or words in another's."""

from __future__ import annotations

import re

import pytest
from django.template.loader import get_template
from django.test import Client

from newsdesk.core import figures
from newsdesk.web.views.search import SearchForm
from tests.support.newsroom import make_source

from .seed import Newsroom

pytestmark = pytest.mark.django_db

BLOCK = re.compile(r'  <div class="search-form__filters">.*?\n  </div>\n', re.S)


def _block(body: bytes) -> str:
    match = BLOCK.search(body.decode())
    assert match is not None
    return match.group(0)


def _fresh(data: dict[str, str]) -> str:
    form = SearchForm(data or None)
    form.is_valid()
    return get_template("web/partials/search_filters.html").render({"form": form})


def test_a_search_without_filters_gets_the_same_block_as_a_fresh_render(newsroom: Newsroom) -> None:
    client = Client()
    for data in ({}, {"q": "harbour"}, {"q": "harbour <b>", "page": "2"}, {"q": "harbour"}):
        block = _block(client.get("/search", data).content)
        assert block == _fresh(data)
        assert "harbour" not in block
        assert " selected>" in block  # the empty choices, as Django's select marks them


def test_one_readers_filters_and_errors_never_reach_the_next_reader(newsroom: Newsroom) -> None:
    source = newsroom.sources[1]
    plain = _block(Client().get("/search", {"q": "harbour"}).content)
    chosen = Client().get("/search", {"q": "harbour", "source": str(source.pk)})
    chosen_block = _block(chosen.content)
    assert chosen_block == _fresh({"q": "harbour", "source": str(source.pk)})
    assert f'<option value="{source.pk}" selected>' in chosen_block
    wrong = Client().get("/search", {"q": "harbour", "since": "not a date"})
    assert wrong.status_code == 400
    assert "field--invalid" in _block(wrong.content)
    after = _block(Client().get("/search", {"q": "harbour"}).content)
    assert after == plain
    assert f'<option value="{source.pk}" selected>' not in after
    assert "field--invalid" not in after


def test_a_new_source_shows_in_the_kept_block_when_the_figures_are_read_again(newsroom: Newsroom) -> None:
    client = Client()
    assert "The Late Arrival" not in _block(client.get("/search", {"q": "harbour"}).content)
    make_source(name="The Late Arrival")
    figures.forget()
    assert "The Late Arrival" in _block(client.get("/search", {"q": "harbour"}).content)
