"""The fetch policy from settings. Reads settings only when called, never at import."""

from __future__ import annotations

from django.conf import settings

from newsdesk.ingest.stages.fetch import FetchPolicy


def fetch_policy() -> FetchPolicy:
    conf = settings.NEWSDESK_INGEST
    total = float(conf["FETCH_TIMEOUT"])
    return FetchPolicy(
        site_url=settings.SITE_URL,
        connect_timeout=min(10.0, total),
        read_timeout=total,
        total_timeout=total,
        max_body_bytes=conf["FETCH_MAX_BYTES"],
        per_host_concurrency=conf["FETCH_PER_HOST"],
        allow_private_networks=bool(conf["ALLOW_PRIVATE_NETWORKS"]),
    )
