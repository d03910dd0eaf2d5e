"""Sending a subscription's pending request to its hub (the W3C Recommendation, 5.1).

The request is made pending (an action) before it is sent, because a hub may verify it before it
even answers the POST. A hub accepts with 202 (any 2xx is taken); anything else is a failure with
the hub's own words kept in `last_error`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from newsdesk.core.clock import utcnow
from newsdesk.types import FetchError

from . import actions
from .conf import callback_url, conf
from .hub_client import post_form, unreachable_callback
from .models import SUBSCRIBE, Subscription

log = logging.getLogger(__name__)


def request_form(sub: Subscription, mode: str) -> dict[str, str]:
    """The form fields of a subscribe or unsubscribe request."""
    form = {"hub.callback": callback_url(sub.token), "hub.mode": mode, "hub.topic": sub.topic}
    if mode == SUBSCRIBE:
        form["hub.lease_seconds"] = str(conf().lease_seconds)
        form["hub.secret"] = sub.secret
    return form


def send(subscription_id: int, mode: str) -> dict[str, Any]:
    sub = Subscription.objects.filter(pk=subscription_id).first()
    if sub is None or sub.pending_mode != mode:
        return {"subscription": subscription_id, "sent": False}
    problem = unreachable_callback(settings.SITE_URL, sub.hub)
    status = 0
    if problem is None:
        try:
            status, answer = post_form(sub.hub, request_form(sub, mode))
        except FetchError as exc:
            problem = exc.message
        else:
            if not 200 <= status < 300:
                words = " ".join(answer.split())[:200]
                problem = f"The hub answered {status} to the {mode} request" + (
                    f": {words}" if words else "."
                )
    if problem is not None:
        log.info("WebSub %s for %s at %s failed: %s", mode, sub.topic, sub.hub, problem)
        actions.do_request_failed(subscription_id, mode, problem, utcnow())
    return {"subscription": subscription_id, "sent": problem is None, "status": status}
