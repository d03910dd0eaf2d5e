"""Background work, as django.tasks (ids in, plain data out), so a bigger deployment runs it on its queue."""

from __future__ import annotations

import logging
from typing import Any

from newsdesk.core.tasks import task

log = logging.getLogger(__name__)


@task()
def record_signup(
    email: str,
    frequency: str,
    topic_ids: list[int],
    source_ids: list[int],
    form_version: str,
    source_hash: str,
    at: str,
) -> bool:
    """Record a signup from the public form, and send the confirmation mail when one is due.

    Queued by the form for every valid address alike, so that the request's work does not depend on
    whether the address is already subscribed. True if a confirmation mail is on its way.
    """
    from datetime import datetime

    from . import actions

    choices = actions.Choices(frequency, tuple(topic_ids), tuple(source_ids))
    proof = actions.Proof(form_version, source_hash)
    subscriber_id = actions.do_signup(email, choices, proof, datetime.fromisoformat(at))
    if subscriber_id is None:
        return False
    send_confirmation.enqueue(subscriber_id)
    return True


@task()
def send_confirmation(subscriber_id: int) -> bool:
    """Send the double opt-in mail, unless one went to this address within the hour. True if sent."""
    from django.core.mail import get_connection

    from newsdesk.core.clock import utcnow

    from . import actions
    from .links import confirm_url
    from .render import confirmation_message

    claim = actions.do_claim_confirmation_mail(subscriber_id, utcnow())
    if claim is None:
        return False
    email, nonce, previous = claim
    try:
        message = confirmation_message(email, confirm_url(subscriber_id, nonce))
        get_connection(fail_silently=False).send_messages([message])
    except Exception:
        actions.do_release_confirmation_mail(subscriber_id, previous)
        log.exception("Could not send the confirmation mail to subscriber %s", subscriber_id)
        raise
    return True


@task()
def send_manage_link(subscriber_id: int) -> bool:
    """Mail a subscriber a fresh link to their preferences (and so their data). True if sent."""
    from django.core.mail import get_connection

    from .links import manage_url
    from .models import Subscriber
    from .render import manage_link_message

    row = Subscriber.objects.filter(pk=subscriber_id).values_list("email", "manage_key").first()
    if row is None:
        return False
    email, manage_key = row
    get_connection(fail_silently=False).send_messages([manage_link_message(email, manage_url(manage_key))])
    return True


@task()
def send_due_digests() -> dict[str, Any]:
    """Send digests of the open run (or of a new one, when some are due) beside any other worker doing the
    same: each takes batches of subscribers by claim. A run being started by another worker for more than
    a few seconds makes this a no-op."""
    from .locking import RunInProgress
    from .sending import send_due_digests as run

    try:
        report = run(join=True)
    except RunInProgress:
        log.info("A digest run is already in progress; this one stops.")
        return {"skipped_run": True}
    log.info(
        "Digest run %s: %d sent, %d skipped (nothing new), %d failed, %d bounced",
        report.run_id, report.sent, report.skipped, report.failed, report.bounced,
    )  # fmt: skip
    return {"run_id": report.run_id, **report.counts()}
