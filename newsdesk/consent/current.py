"""The consent of the request at hand: the registry (our items plus enabled snippets) and the reader's state.

Built lazily, once per request, by the middleware; a page that never looks at consent costs nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.http import HttpRequest

from newsdesk.core.clock import Clock, utcnow

from . import registry
from .models import Snippet
from .registry import Category, Item, Kind, Registry
from .state import ConsentState, decode, gpc_from_header


def cookie_name() -> str:
    return str(settings.NEWSDESK_CONSENT["COOKIE_NAME"])


def our_items() -> list[Item]:
    return registry.builtin_items(cookie_name(), settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME)


def declared_items(snippets: list[Snippet]) -> list[Item]:
    """Each enabled snippet is itself an item (a request to its provider), plus the storage it declares."""
    items: list[Item] = []
    for snippet in snippets:
        category, third = Category(snippet.category), snippet.provider or snippet.name
        items.append(Item(snippet.name, category, snippet.purpose, "—", Kind.REQUEST, third))
        for entry in snippet.storage.all():
            items.append(Item(entry.name, category, entry.purpose, entry.duration, Kind(entry.kind), third))
    return items


class _SnippetCache:
    """The enabled snippets, read at most every SNIPPET_TTL seconds instead of twice a page.

    Saving or deleting a snippet (actions.py, which the admin calls) forgets them in this process as the
    change commits, and writes a new generation to Django's cache. With Redis as that cache, every web
    process sees the new generation at its next page and reads the snippets again; without it (one
    machine's local memory), other processes see the change within SNIPPET_TTL seconds.
    """

    GENERATION_KEY = "consent:snippets:generation"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: list[Snippet] | None = None
        self._read_at = 0.0
        self._generation: object = None

    @classmethod
    def _current_generation(cls) -> object:
        from django.core.cache import cache

        try:
            return cache.get(cls.GENERATION_KEY)
        except Exception:  # the cache is away: fall back on the lifetime alone
            return None

    def get(self) -> list[Snippet]:
        now = time.monotonic()
        generation = self._current_generation()
        with self._lock:
            fresh = now - self._read_at < SNIPPET_TTL and generation == self._generation
            if self._value is not None and fresh:
                return self._value
        value = enabled_snippets()
        with self._lock:
            self._value, self._read_at, self._generation = value, now, generation
        return value

    def forget(self) -> None:
        import uuid

        from django.core.cache import cache

        with self._lock:
            self._value = None
        with contextlib.suppress(Exception):  # the others then see the change within SNIPPET_TTL
            cache.set(self.GENERATION_KEY, uuid.uuid4().hex, None)


SNIPPET_TTL = 30.0
snippet_cache = _SnippetCache()


def enabled_snippets() -> list[Snippet]:
    """The enabled snippets with their storage, from the database."""
    return list(Snippet.objects.filter(enabled=True).prefetch_related("storage"))


def registry_of(snippets: list[Snippet]) -> Registry:
    """The registry these enabled snippets make, with our own items and the operator's policy version."""
    version = str(settings.NEWSDESK_CONSENT["POLICY_VERSION"])
    return registry.build(version, our_items(), declared_items(snippets))


_built: tuple[list[Snippet], tuple[str, ...], Registry] | None = None


def load_registry() -> tuple[Registry, list[Snippet]]:
    """The registry of the enabled snippets, built once per reading of them (and of the settings it names),
    not on every page: the same `Registry` object until the snippets are read again."""
    global _built
    snippets = snippet_cache.get()
    names = (
        str(settings.NEWSDESK_CONSENT["POLICY_VERSION"]),
        cookie_name(),
        settings.CSRF_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
    )
    built = _built
    if built is not None and built[0] is snippets and built[1] == names:
        return built[2], snippets
    reg = registry_of(snippets)
    _built = (snippets, names, reg)
    return reg, snippets


@dataclass
class RequestConsent:
    """What templates and views see as `request.consent` (and `consent` in templates)."""

    request: HttpRequest
    clock: Clock = utcnow
    rendered: list[Snippet] = field(default_factory=list)  # snippets put into this response

    @cached_property
    def _loaded(self) -> tuple[Registry, list[Snippet]]:
        return load_registry()

    @property
    def registry(self) -> Registry:
        return self._loaded[0]

    @cached_property
    def state(self) -> ConsentState:
        reg = self.registry
        return ConsentState(
            choice=decode(self.request.COOKIES.get(cookie_name())),
            version=reg.version,
            now=self.clock(),
            gpc=gpc_from_header(self.request.META.get("HTTP_SEC_GPC")),  # not .headers: that builds them all
            asks=reg.asks,
        )

    @property
    def was_consulted(self) -> bool:
        """True once anything read the reader's state: the response then depends on it."""
        return "state" in self.__dict__

    @property
    def show_banner(self) -> bool:
        return self.state.show_banner

    @property
    def gpc(self) -> bool:
        return self.state.gpc

    @property
    def granted_keys(self) -> list[str]:
        """The categories the reader's current choice turned on (for the switches), whatever GPC says."""
        state = self.state
        return sorted(c.value for c in state.choice.granted) if state.current and state.choice else []

    def allows(self, category: str) -> bool:
        return self.state.allows(Category(category))

    def snippets(self) -> list[Snippet]:
        """The enabled snippets the reader consented to; remembered for the response's CSP."""
        allowed = self.state.allowed
        chosen = [s for s in self._loaded[1] if Category(s.category) in allowed]
        self.rendered = chosen
        return chosen


def get_consent(request: HttpRequest) -> RequestConsent:
    """The request's consent, made by the middleware (or here, for a request that did not pass it)."""
    consent = getattr(request, "consent", None)
    if not isinstance(consent, RequestConsent):
        consent = RequestConsent(request)
        request.consent = consent  # type: ignore[attr-defined]
    return consent
