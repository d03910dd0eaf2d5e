from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "newsdesk.consent"
    label = "consent"
