"""The fetch policy from settings. Reads settings only when called, never at import."""

from __future__ import annotations

from django.conf import settings

from newsdesk.ingest.fetch import FetchPolicy


def fetch_policy() -> FetchPolicy:
    conf = settings.NEWSDESK
    return FetchPolicy(
        allow_private_networks=conf["ALLOW_PRIVATE_NETWORKS"],
        timeout=float(conf["FETCH_TIMEOUT"]),
        max_bytes=conf["FETCH_MAX_BYTES"],
        per_host=conf["FETCH_PER_HOST"],
        site_url=settings.SITE_URL,
    )
