"""Django's own middleware, trimmed where a public page pays for something it never uses.

`LazyMessageMiddleware` is Django's MessageMiddleware, except that the message storage (a cookie signer
and a session-backed store) is made only when something adds or reads a message: the admin does, the
public pages never do. A request that never touched it saves nothing in its answer, as before (Django's
storage writes nothing when no message was added or read).

`KeptPolicyCSPMiddleware` is django-csp's middleware, except that a Content-Security-Policy header
without a nonce is built once per distinct set of additions (`_csp_update`, the consent snippets'
origins) and then reused: django-csp copies and joins every directive on every response. A page that
drew a nonce, or that replaces or exempts any of the policy, and every response while DEBUG is on or
a report-only policy or excluded prefixes are configured, goes through django-csp unchanged. Whether
those settings allow keeping is worked out once, and again when one of them changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:  # type: ignore[attr-defined]
            return response  # nobody added or read a message: nothing to store
        return super().process_response(request, response)


# What a view or decorator may set on a response to change its policy beyond plain additions.
_OWN_POLICY = frozenset({"_csp_config", "_csp_replace", "_csp_exempt", "_csp_config_ro", "_csp_update_ro",
                         "_csp_replace_ro", "_csp_exempt_ro"})  # fmt: skip
KEPT_POLICIES = 256  # distinct headers kept per process (one per set of snippet origins in use)
_kept: dict[Any, str] = {}
# Whether the settings let a header be kept at all (no DEBUG, no report-only policy, no excluded prefixes):
# worked out at the first response and again after a change to them, not on every response (a missing
# setting's lookup raises and catches inside Django's settings object each time).
_plain: list[bool] = []


def _settings_plain() -> bool:
    if not _plain:
        _plain.append(
            not settings.DEBUG
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        )
    return _plain[0]


def _values(value: Any) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _key(update: Mapping[str, Iterable[str]] | None) -> Any:
    """The additions as a hashable key, in their own order (django-csp appends them in that order)."""
    return None if not update else tuple((name, _values(value)) for name, value in update.items())


class KeptPolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or not _settings_plain()
            or HEADER in response
            or not _OWN_POLICY.isdisjoint(vars(response))  # set on the response itself, never its class
        ):
            return super().process_response(request, response)
        update = getattr(response, "_csp_update", None)
        key = _key(update)
        header = _kept.get(key)
        if header is None:
            header = build_policy(update=update)
            if len(_kept) < KEPT_POLICIES:
                _kept[key] = header
        if header:
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


@receiver(setting_changed)
def _forget_policies(setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _kept.clear()
        _plain.clear()
