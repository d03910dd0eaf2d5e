"""/metrics: Prometheus's text format, for whoever holds the bearer token (README "Metrics")."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token: str = settings.NEWSDESK_OPS["METRICS_TOKEN"]
    if not token:
        raise Http404("Metrics are off (NEWSDESK_METRICS_TOKEN is not set).")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = HttpResponse("A bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from .metrics import exposition

    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
