"""Newsdesk's own settings, part of the base settings: one dict per concern, named NEWSDESK_<CONCERN> and
read by that concern's code only. config/settings/base.py imports every name of this module, so each
setting here is a setting of base, prod and test alike. A key is named after its environment variable
without the concern's prefix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .env import _env_bool, _env_float, _env_int, _env_str
from .paths import DATA_DIR, REDIS_URL

# ---- Newsdesk: ingest (fetching feeds and pages, and what is stored) --------------------------
NEWSDESK_INGEST: dict[str, Any] = {
    # Sources on loopback or private addresses are refused (SSRF) unless this is on. Also governs the
    # image proxy's fetches.
    "ALLOW_PRIVATE_NETWORKS": _env_bool("NEWSDESK_ALLOW_PRIVATE_NETWORKS", False),
    # Seconds between the scheduler's looks for due sources.
    "SCHEDULER_TICK": _env_int("NEWSDESK_SCHEDULER_TICK", 15),
    # How often (milliseconds) an idle `newsdesk worker` looks for queued tasks in the database: the
    # wait of a pushed story (WebSub) before it is ingested.
    "WORKER_POLL_MS": _env_int("NEWSDESK_WORKER_POLL_MS", 200),
    # Tasks one `newsdesk worker` runs at once with the database backend, each on its own thread.
    "WORKER_THREADS": _env_int("NEWSDESK_WORKER_THREADS", 1),
    # Fetching limits.
    "FETCH_TIMEOUT": _env_int("NEWSDESK_FETCH_TIMEOUT", 20),
    "FETCH_MAX_BYTES": _env_int("NEWSDESK_FETCH_MAX_BYTES", 10 * 1024 * 1024),
    "FETCH_PER_HOST": _env_int("NEWSDESK_FETCH_PER_HOST", 4),
    "FETCH_WORKERS": _env_int("NEWSDESK_FETCH_WORKERS", 8),
    # Article pages of one source fetched (and extracted) at once, still within FETCH_PER_HOST per host.
    "FETCH_PAGE_WORKERS": _env_int("NEWSDESK_FETCH_PAGE_WORKERS", 8),
    # At most this many entries of one feed are processed per fetch.
    "MAX_ENTRIES_PER_FEED": _env_int("NEWSDESK_MAX_ENTRIES_PER_FEED", 200),
    # Words in an excerpt before it is cut with "…".
    "EXCERPT_WORDS": _env_int("NEWSDESK_EXCERPT_WORDS", 60),
}

# ---- Newsdesk: the public site (pages, feeds, search, images, the page cache) ------------------
# Threads of a web process that run Django's pages (`newsdesk run --web-threads` sets it). 4: more pages
# running at once only hand the GIL back and forth (decision 0017, 2026-12-07 h11l).
_WEB_THREADS = _env_int("NEWSDESK_WEB_THREADS", 4)

NEWSDESK_SITE: dict[str, Any] = {
    # Public pages and feeds may be kept this long (seconds) by browsers, CDNs and proxies.
    "PAGE_MAX_AGE": _env_int("NEWSDESK_PAGE_MAX_AGE", 60),
    # Articles per page on the home, source, topic and search pages, and items per outgoing feed.
    "PAGE_SIZE": _env_int("NEWSDESK_PAGE_SIZE", 20),
    "FEED_ITEMS": _env_int("NEWSDESK_FEED_ITEMS", 30),
    # The page cache in front of Django (config/wsgi.py): seconds an anonymous page is reused (0 turns
    # it off), and how many pages it keeps per web process.
    "PAGE_CACHE_SECONDS": _env_int("NEWSDESK_PAGE_CACHE_SECONDS", 5),
    "PAGE_CACHE_ENTRIES": _env_int("NEWSDESK_PAGE_CACHE_ENTRIES", 2000),
    # Story cards rendered once per article version and reused on every list (newsdesk/web/cards.py):
    # how many each web process keeps (0 renders every card every time).
    "CARD_CACHE_ENTRIES": _env_int("NEWSDESK_CARD_CACHE_ENTRIES", 10_000),
    # Site-wide counts and dates (topic and source indexes, sitemaps) are reused until content changes or
    # this many seconds pass (newsdesk/core/figures.py; 0 counts on every render).
    "FIGURES_SECONDS": _env_int("NEWSDESK_FIGURES_SECONDS", 5),
    # auto (the database's own), sqlite (FTS5) or postgres (tsvector + GIN).
    "SEARCH_BACKEND": _env_str("NEWSDESK_SEARCH_BACKEND", "auto").strip().lower(),
    # The image proxy: outlets' images and icons are fetched by us, kept under DATA_DIR/images.
    "IMAGE_MAX_BYTES": _env_int("NEWSDESK_IMAGE_MAX_BYTES", 5 * 1024 * 1024),
    # One deadline for an image fetch (seconds), the wait for a turn at the outlet included.
    "IMAGE_TIMEOUT": _env_int("NEWSDESK_IMAGE_TIMEOUT", 8),
    # Image fetches one web process runs at once (by default half of WEB_THREADS, at most 4, so never all
    # of them, except with a single page thread, which its one fetch then shares); beyond it, the placeholder.
    "IMAGE_FETCHES": _env_int("NEWSDESK_IMAGE_FETCHES", max(1, min(4, _WEB_THREADS // 2))),
    # An outlet whose image fetches fail or time out this many times in a row gets no image request for
    # IMAGE_HOST_COOLOFF seconds; its images are answered with the placeholder at once meanwhile.
    "IMAGE_HOST_FAILURES": _env_int("NEWSDESK_IMAGE_HOST_FAILURES", 3),
    "IMAGE_HOST_COOLOFF": _env_int("NEWSDESK_IMAGE_HOST_COOLOFF", 300),
    # Fetch an article's lead image in the background when the article is stored.
    "IMAGE_PREFETCH": _env_bool("NEWSDESK_IMAGE_PREFETCH", True),
    # The image folder's bound in bytes (0: none); `newsdesk prune` removes the copies read longest ago.
    "IMAGE_CACHE_MAX_BYTES": _env_int("NEWSDESK_IMAGE_CACHE_MAX_BYTES", 1024 * 1024 * 1024),
    "WEB_THREADS": _WEB_THREADS,
    # Proxies in front of us that append to X-Forwarded-For (0: use the connection's address).
    "TRUSTED_PROXIES": _env_int("NEWSDESK_TRUSTED_PROXIES", 0),
}

# ---- Newsdesk: integrity (spam and hostile sources) ---------------------------------------------
NEWSDESK_INTEGRITY: dict[str, Any] = {
    # A source from which this many spam items (or articles with planted spam) arrive within the window
    # is marked possibly compromised: its new items wait in the admin's review queue. 0 never holds.
    "SPAM_HOLD_AFTER": _env_int("NEWSDESK_SPAM_HOLD_AFTER", 3),
    "SPAM_WINDOW_DAYS": _env_int("NEWSDESK_SPAM_WINDOW_DAYS", 30),
}

# ---- Newsdesk: Live News -----------------------------------------------------------------------
NEWSDESK_LIVE: dict[str, Any] = {
    # How events reach the web processes: "database" (the embedded default: each web process polls the
    # event table), "redis" (pub/sub; the default when NEWSDESK_REDIS_URL is set), "memory" (tests), or
    # a dotted path to a transport class.
    "TRANSPORT": _env_str("NEWSDESK_LIVE_TRANSPORT") or ("redis" if REDIS_URL else "database"),
    # Redis channel names start with this, so that several sites (or test runs) can share one Redis.
    "CHANNEL_PREFIX": _env_str("NEWSDESK_LIVE_CHANNEL_PREFIX", "newsdesk"),
    # How often (milliseconds) a web process looks for new events in the database: the embedded
    # transport's delay, and the other transports' safety net.
    "POLL_MS": _env_int("NEWSDESK_LIVE_POLL_MS", 250),
    # Concurrent stream connections one web process accepts; beyond it, 503 with Retry-After.
    "MAX_STREAMS": _env_int("NEWSDESK_LIVE_MAX_STREAMS", 2000),
    # Concurrent streams one client address may hold (always kept below MAX_STREAMS); beyond it, 429.
    # The address is the connection's, or the one NEWSDESK_TRUSTED_PROXIES hops into X-Forwarded-For.
    "MAX_STREAMS_PER_ADDRESS": _env_int("NEWSDESK_LIVE_MAX_STREAMS_PER_ADDRESS", 10),
    # Seconds between heartbeats (an SSE comment) on an idle stream; a dead reader is noticed then.
    "HEARTBEAT_SECONDS": _env_int("NEWSDESK_LIVE_HEARTBEAT_SECONDS", 15),
    # A stream is closed after this many seconds and the browser reconnects where it left off.
    "MAX_STREAM_SECONDS": _env_int("NEWSDESK_LIVE_MAX_STREAM_SECONDS", 3600),
    # At most this many missed events are replayed to a reconnecting client.
    "REPLAY_LIMIT": _env_int("NEWSDESK_LIVE_REPLAY_LIMIT", 200),
    # Events older than this many days lose their payload (the row stays, so a story is announced once).
    "KEEP_DAYS": _env_int("NEWSDESK_LIVE_KEEP_DAYS", 7),
    # A story whose publication date is older than this many hours when we store it is not live news
    # (a new source's back catalogue); 0 streams every story.
    "MAX_AGE_HOURS": _env_int("NEWSDESK_LIVE_MAX_AGE_HOURS", 48),
}

# ---- Newsdesk: stories (one event, every outlet's coverage; docs/decisions/0020-stories.md) -------
NEWSDESK_STORIES: dict[str, Any] = {
    # Place each stored article in a story as it arrives (off: only `newsdesk stories rebuild` does).
    "ENABLED": _env_bool("NEWSDESK_STORIES", True),
    # A story takes no new article after this many hours without one (it closes).
    "OPEN_HOURS": _env_int("NEWSDESK_STORIES_OPEN_HOURS", 72),
}

# ---- Newsdesk: the newsletter (the From address is DEFAULT_FROM_EMAIL, with the mail settings) ----
NEWSDESK_NEWSLETTER: dict[str, Any] = {
    # A List-Id (RFC 2919); by default built from the site's host name.
    "LIST_ID": _env_str("NEWSDESK_NEWSLETTER_LIST_ID"),
    # Messages per second while sending digests (0 = as fast as the server takes them).
    "RATE": _env_float("NEWSDESK_NEWSLETTER_RATE", 10),
    # Tries per message on a transient (4xx) failure, and the first wait between them (doubles each time).
    "RETRIES": _env_int("NEWSDESK_NEWSLETTER_RETRIES", 4),
    "RETRY_BACKOFF": _env_float("NEWSDESK_NEWSLETTER_RETRY_BACKOFF", 2),
    # Most stories in one digest (the rest are counted, with a link to the site).
    "MAX_ITEMS": _env_int("NEWSDESK_NEWSLETTER_MAX_ITEMS", 20),
    # How often (seconds) `newsdesk run` looks for due digests and purges stale signups.
    "CHECK_SECONDS": _env_int("NEWSDESK_NEWSLETTER_CHECK_SECONDS", 300),
    # Sending across workers: tasks queued per due run (each worker that takes one claims batches of
    # subscribers), subscribers per batch, and the seconds a claim lasts unless its worker renews it.
    "SENDERS": _env_int("NEWSDESK_NEWSLETTER_SENDERS", 2),
    "CLAIM_BATCH": _env_int("NEWSDESK_NEWSLETTER_CLAIM_BATCH", 100),
    "CLAIM_LEASE": _env_float("NEWSDESK_NEWSLETTER_CLAIM_LEASE", 60),
    # Sign-up limits: per network address and per mail address, each per hour.
    "SIGNUPS_PER_IP": _env_int("NEWSDESK_NEWSLETTER_SIGNUPS_PER_IP", 10),
    "SIGNUPS_PER_ADDRESS": _env_int("NEWSDESK_NEWSLETTER_SIGNUPS_PER_ADDRESS", 3),
    # A manage link (preferences) older than this many days no longer opens export and delete: the page
    # offers a fresh link by mail instead. The List-Unsubscribe link only ever unsubscribes.
    "MANAGE_LINK_DAYS": _env_float("NEWSDESK_NEWSLETTER_MANAGE_LINK_DAYS", 30),
    # Ask DNS whether the address's domain takes mail (off in tests: no packet leaves the machine).
    "CHECK_DELIVERABILITY": _env_bool("NEWSDESK_NEWSLETTER_CHECK_DELIVERABILITY", True),
}

# ---- Newsdesk: WebSub (outlets' hubs push new stories to us; docs/decisions/0016-websub.md) -------
NEWSDESK_WEBSUB: dict[str, Any] = {
    # Subscribe to the hubs that feeds advertise (off: every source is only polled).
    "ENABLED": _env_bool("NEWSDESK_WEBSUB", True),
    # The lease asked of a hub, in seconds; it is renewed before it runs out.
    "LEASE_SECONDS": _env_int("NEWSDESK_WEBSUB_LEASE_SECONDS", 10 * 24 * 3600),
    # While a hub pushes a feed, the feed is still polled this often (seconds), in case a push is lost.
    "SAFETY_POLL_SECONDS": _env_int("NEWSDESK_WEBSUB_SAFETY_POLL_SECONDS", 6 * 3600),
    # The largest pushed body accepted (bytes); a larger one is refused with 413.
    "MAX_BYTES": _env_int("NEWSDESK_WEBSUB_MAX_BYTES", 2 * 1024 * 1024),
}

# ---- Newsdesk: cookie consent and the privacy pages (README "Privacy and cookies") ---------------
NEWSDESK_CONSENT: dict[str, Any] = {
    # Bump to ask every reader again (the registry's own changes already do; see README).
    "POLICY_VERSION": _env_str("NEWSDESK_CONSENT_POLICY_VERSION", "1"),
    "COOKIE_NAME": "newsdesk_consent",
    "PRIVACY_CONTACT": _env_str("NEWSDESK_PRIVACY_CONTACT"),
}

# ---- Newsdesk: operations (metrics, retention; README "Operating Newsdesk") ---------------------
NEWSDESK_OPS: dict[str, Any] = {
    # The bearer token that /metrics asks for; without one, /metrics does not exist (404).
    "METRICS_TOKEN": _env_str("NEWSDESK_METRICS_TOKEN"),
    # Where every process writes its Prometheus samples (docs/decisions/0023-metrics.md).
    "METRICS_DIR": Path(_env_str("PROMETHEUS_MULTIPROC_DIR") or DATA_DIR / "metrics"),
    # Articles older than this many days keep their excerpt, link and metadata, and lose their stored
    # full text (0 keeps it for ever).
    "KEEP_FULL_TEXT_DAYS": _env_int("NEWSDESK_KEEP_FULL_TEXT_DAYS", 0),
    # How often (seconds) the worker prunes (full text, Live News events, the image cache).
    "PRUNE_SECONDS": _env_int("NEWSDESK_PRUNE_SECONDS", 3600),
}
