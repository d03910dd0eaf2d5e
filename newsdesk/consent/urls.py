from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("consent/", views.consent_settings, name="settings"),
]
