"""WebSub's background work, as django.tasks taking ids: asking a hub, and ingesting pushed bodies."""

from __future__ import annotations

from typing import Any

from newsdesk.core.tasks import task


@task()
def send_request(subscription_id: int, mode: str) -> dict[str, Any]:
    """Send the pending subscribe or unsubscribe request of one subscription to its hub."""
    from .subscriber import send

    return send(subscription_id, mode)


@task()
def ingest_pushes(subscription_id: int) -> dict[str, Any]:
    """Ingest every body pushed for one subscription, oldest first, until none waits."""
    from .delivery import ingest_waiting

    return ingest_waiting(subscription_id)
