"""/live/stream for a server without the async path (the /live page itself is web's: web/views/live.py).

`newsdesk run` answers /live/stream itself (server/app.py routes it to stream.py before Django). Behind
a plain WSGI server (gunicorn, or granian in WSGI mode) the same URL reaches `stream_fallback`:
it sends what the client missed and closes, with `retry:` telling EventSource to come back in a
few seconds, which turns the same protocol and the same script into polling. Nothing holds a thread.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .events import BadFilter, Filters, cursor_only, parse_cursor, retry
from .queries import latest_event_id, missed_events
from .stream import STREAM_HEADERS

FALLBACK_RETRY_MS = 5000


@require_safe
def stream_fallback(request: HttpRequest) -> HttpResponse:
    try:
        filters = Filters.parse(request.GET.get("topic"), request.GET.get("source"))
    except BadFilter as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    resume = parse_cursor(request.headers.get("Last-Event-ID"))
    if resume is None:
        resume = parse_cursor(request.GET.get("since"))
    latest = latest_event_id()
    parts = [retry(FALLBACK_RETRY_MS)]
    if resume is not None and resume < latest:
        missed = missed_events(resume, latest, filters, settings.NEWSDESK_LIVE["REPLAY_LIMIT"])
        parts.extend(event.wire() for event in missed)
    if resume is None or resume <= latest:
        parts.append(cursor_only(latest))
    response = HttpResponse(b"".join(parts))
    for name, value in STREAM_HEADERS:
        response[name] = value
    return response
