"""The callback a hub talks to: NEWSDESK_SITE_URL/websub/<token>/ (the W3C Recommendation, 5.3 and 7).

GET is the hub verifying intent: the challenge is echoed only for the request pending on this callback,
for its topic; anything else is 404. POST is content distribution: refused unless signed with the
subscription's secret (X-Hub-Signature), capped in size, stored, and ingested by a queued task, never
here. Answers are never cached (the page cache passes them by) and the POST is exempt from CSRF: it
comes from a server, and the signature is its authentication.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.core.clock import utcnow

from . import actions
from .conf import conf
from .models import SUBSCRIBE, UNSUBSCRIBE, Subscription
from .signature import check_signature

TEXT = "text/plain; charset=utf-8"


def _answer(status: int, text: str = "") -> HttpResponse:
    return HttpResponse(text, status=status, content_type=TEXT)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _distribution(request, token)
    mode = request.GET.get("hub.mode", "")
    topic = request.GET.get("hub.topic", "")
    if mode == "denied":
        reason = " ".join(request.GET.get("hub.reason", "").split())[:300]
        return _answer(200 if actions.do_denied(token, topic, reason, utcnow()) else 404)
    challenge = request.GET.get("hub.challenge", "")
    if mode not in (SUBSCRIBE, UNSUBSCRIBE) or not challenge:
        return _answer(404)
    lease = request.GET.get("hub.lease_seconds", "")
    lease_seconds = int(lease) if lease.isdigit() and len(lease) < 12 else None
    if not actions.do_verify(token, mode, topic, lease_seconds, utcnow()):
        return _answer(404)
    return _answer(200, challenge)


def _distribution(request: HttpRequest, token: str) -> HttpResponse:
    limit = conf().max_bytes
    length = request.META.get("CONTENT_LENGTH") or ""
    if length and (not length.isdigit() or int(length) > limit):
        return _answer(413, "The pushed body is larger than this subscriber accepts.\n")
    sub = Subscription.objects.filter(token=token).values("pk", "secret", "signed_with", "removed").first()
    if sub is None or sub["removed"]:
        return _answer(410, "There is no subscription here.\n")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _answer(413, "The pushed body is larger than this subscriber accepts.\n")
    header = request.headers.get("X-Hub-Signature")
    method = check_signature(header, body, sub["secret"], sub["signed_with"])
    if method is None:
        return _answer(403, "The X-Hub-Signature is missing or does not match.\n")
    actions.do_store_push(sub["pk"], body, request.headers.get("Content-Type", ""), method, utcnow())
    return _answer(202)
