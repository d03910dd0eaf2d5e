"""A serving thread runs with the site's default language and time zone active (newsdesk/core/threadstate.py):
every answer is the one Django's fallback gave, a changed setting is taken up, and a thread that
deactivates them is merely back on the fallback."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.translation import trans_real

from newsdesk.core import threadstate


def _in_a_new_thread(work: Callable[[], Any]) -> Any:
    """`work()` in a fresh thread (nothing active there yet), its answer or its error."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["answer"] = work()
        except BaseException as error:  # handed back to the test
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["answer"]


def _what_a_page_asks() -> tuple[Any, ...]:
    return (
        translation.get_language(),
        trans_real.catalog(),
        translation.gettext("Search"),
        timezone.get_current_timezone(),
        timezone.get_current_timezone_name(),
    )


def _through_the_app() -> tuple[Any, ...]:
    seen: list[tuple[Any, ...]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        seen.append(_what_a_page_asks())
        seen.append(_what_a_page_asks())  # a second request on the same thread
        return []

    wrapped = threadstate.with_thread_defaults(app)
    wrapped({}, lambda *args: None)
    return seen[0]


@pytest.mark.parametrize(("language", "zone"), [("en", "UTC"), ("de", "Europe/Berlin")])
def test_the_answers_are_the_fallbacks_answers(settings, language: str, zone: str) -> None:
    settings.LANGUAGE_CODE, settings.TIME_ZONE = language, zone
    fallback = _in_a_new_thread(_what_a_page_asks)
    active = _in_a_new_thread(_through_the_app)
    assert active == fallback
    assert active[0] == language
    assert str(active[3]) == zone


def test_a_code_django_would_respell_stays_inactive(settings) -> None:
    settings.LANGUAGE_CODE = "pt-BR"

    def language() -> tuple[str | None, bool]:
        threadstate.thread_defaults()
        return translation.get_language(), hasattr(vars(trans_real)["_active"], "value")

    assert _in_a_new_thread(language) == ("pt-BR", False)


def test_the_defaults_are_active_and_the_caches_open() -> None:
    def state() -> tuple[bool, bool, bool]:
        threadstate.thread_defaults()
        return (
            hasattr(vars(trans_real)["_active"], "value"),
            hasattr(vars(timezone)["_active"], "value"),
            all(hasattr(vars(caches)["_connections"], alias) for alias in caches),
        )

    assert _in_a_new_thread(state) == (True, True, True)


def test_a_changed_setting_is_taken_up_by_a_thread_already_set(settings) -> None:
    def two_requests() -> tuple[str | None, str | None]:
        answers: list[str | None] = []

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            answers.append(translation.get_language())
            return []

        wrapped = threadstate.with_thread_defaults(app)
        wrapped({}, lambda *args: None)
        settings.LANGUAGE_CODE = "de"
        wrapped({}, lambda *args: None)
        return answers[0], answers[1]

    settings.LANGUAGE_CODE = "en"
    assert _in_a_new_thread(two_requests) == ("en", "de")


def test_a_deactivated_thread_falls_back_as_before(settings) -> None:
    settings.LANGUAGE_CODE = "de"

    def after_deactivating() -> tuple[str | None, str]:
        threadstate.thread_defaults()
        translation.deactivate()
        timezone.deactivate()
        return translation.get_language(), translation.gettext("Search")

    assert _in_a_new_thread(after_deactivating) == ("de", "Suchen")
