from django.urls import path

from . import views

app_name = "live"
urlpatterns = [
    # `newsdesk run` answers this path before Django (newsdesk/live/server); see views.stream_fallback.
    path("stream", views.stream_fallback, name="stream"),
]
