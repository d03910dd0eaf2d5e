"""The same site with Django's own per-site cache middleware instead of our WSGI page cache.

Only for bench.serve's comparison (docs/decisions/0007-page-cache.md): a local-memory cache per process,
with the same lifetime as the page cache's default.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE, NEWSDESK_SITE

MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    *MIDDLEWARE,
    "django.middleware.cache.FetchFromCacheMiddleware",
]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
}
CACHE_MIDDLEWARE_SECONDS = 5
CACHE_MIDDLEWARE_KEY_PREFIX = "bench"
NEWSDESK_SITE["PAGE_CACHE_SECONDS"] = 0
