"""/api/: the read-only JSON API. The OpenAPI schema is at /api/openapi.json."""

from django.urls import path

from .api import api

urlpatterns = [path("", api.urls)]
