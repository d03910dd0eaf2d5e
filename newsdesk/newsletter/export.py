"""A subscriber's own data, as the JSON the export link gives them (GDPR art. 15 and 20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .models import Subscriber


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def subscriber_export(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "frequency": subscriber.frequency,
        "paused": subscriber.paused,
        "topics": list(subscriber.topics.order_by("name").values_list("name", flat=True)),
        "sources": list(subscriber.sources.order_by("name").values_list("name", flat=True)),
        "signed_up": _iso(subscriber.created_at),
        "confirmed": _iso(subscriber.confirmed_at),
        "unsubscribed": _iso(subscriber.unsubscribed_at),
        "last_digest": _iso(subscriber.last_digest_at),
        "bounces": subscriber.bounce_count,
        "consents": [
            {
                "action": c.action,
                "at": _iso(c.at),
                "form_version": c.form_version,
                "source": c.source_hash or None,
                "details": c.details,
            }
            for c in subscriber.consents.all()
        ],
        "digests": [
            {"at": _iso(s.at), "state": s.state, "stories": len(s.items)}
            for s in subscriber.sends.order_by("at", "id")
        ],
    }
