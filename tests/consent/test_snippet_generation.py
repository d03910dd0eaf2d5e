"""A snippet change reaches every web process at its next page when they share Django's cache (Redis in
production): the process that saved it writes a new generation, and the others read the snippets again
instead of waiting out their 30-second copy. Two `_SnippetCache`s stand for two processes here."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from newsdesk.consent.current import _SnippetCache
from newsdesk.consent.models import Snippet

pytestmark = pytest.mark.django_db


def test_a_change_saved_in_one_process_is_seen_by_another_at_once() -> None:
    cache.delete(_SnippetCache.GENERATION_KEY)
    saving, reading = _SnippetCache(), _SnippetCache()
    assert reading.get() == []
    Snippet.objects.create(name="Example Stats", category="analytics", html="<p>stats</p>", purpose="Counts.")
    assert reading.get() == []  # its copy is still within its lifetime
    saving.forget()  # what the action does as the change commits
    assert [s.name for s in reading.get()] == ["Example Stats"]
