"""Django's own middleware, trimmed where a public page pays for something it never uses.

`LazyMessageMiddleware` is Django's MessageMiddleware, except that the message storage (a cookie signer
and a session-backed store) is made only when something adds or reads a message: the admin does, the
public pages never do. A request that never touched it saves nothing in its answer, as before (Django's
storage writes nothing when no message was added or read).
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:  # type: ignore[attr-defined]
            return response  # nobody added or read a message: nothing to store
        return super().process_response(request, response)
