"""bench.serve.floor finds every middleware layer of Django's handler, in order, and splits a real page.

The benchmark is not run by the suite; the walk it relies on (Django's closures around each layer) is,
so a Django upgrade that changes them fails here rather than giving a split with layers missing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from bench.serve.floor import Proto, Scope, Timed, middleware_layers

pytestmark = pytest.mark.django_db


def test_the_walk_finds_each_configured_middleware_outermost_first() -> None:
    handler: Any = WSGIHandler()  # its _middleware_chain is not in the type stubs
    names = [
        f"{type(layer).__module__}.{type(layer).__name__}"
        for layer in middleware_layers(handler._middleware_chain)
    ]
    assert names == list(settings.MIDDLEWARE)


def test_timed_layers_answer_the_same_page_and_count_time_below_each_layer() -> None:
    from newsdesk.live.server.wsgi import WSGIBridge, build_environ

    handler: Any = WSGIHandler()  # its _middleware_chain is not in the type stubs
    bridge = WSGIBridge(handler, 1)
    try:
        plain = Proto()
        bridge._answer(build_environ(Scope("/robots.txt"), b""), plain)
        layers = middleware_layers(handler._middleware_chain)
        timers = [Timed(layer.get_response) for layer in layers]
        for layer, timer in zip(layers, timers, strict=True):
            layer.get_response = timer
        timed = Proto()
        bridge._answer(build_environ(Scope("/robots.txt"), b""), timed)
    finally:
        bridge.close()
    assert plain.status == timed.status == 200
    assert timed.body == plain.body
    totals = [timer.total for timer in timers]
    assert all(total > 0 for total in totals)
    assert totals == sorted(totals, reverse=True)  # each layer's time holds the time of every layer below
