from django.contrib import admin
from django.urls import include, path

from newsdesk.core.views import metrics

urlpatterns = [
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.urls")),
    path("live/", include("newsdesk.live.urls")),
    path("newsletter/", include("newsdesk.newsletter.urls")),
    path("privacy/", include("newsdesk.consent.urls")),
    path("websub/", include("newsdesk.websub.urls")),
    path("", include("newsdesk.web.urls")),
]
