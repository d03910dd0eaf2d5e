from django.contrib import admin
from django.urls import include, path

from newsdesk.core.views import metrics

# The public site's patterns first: an uncached page (the crawler's path) then matches without trying the
# other prefixes. None of its patterns matches an address under another entry's prefix ("live/" is its own
# page; the Live News stream is "live/stream"), so no address reaches another view
# (tests/web/test_url_order.py).
urlpatterns = [
    path("", include("newsdesk.web.urls")),
    path("metrics", metrics, name="metrics"),
    path("admin/console/", include("newsdesk.console.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.urls")),
    path("live/", include("newsdesk.live.urls")),
    path("newsletter/", include("newsdesk.newsletter.urls")),
    path("privacy/", include("newsdesk.consent.urls")),
    path("websub/", include("newsdesk.websub.urls")),
]
