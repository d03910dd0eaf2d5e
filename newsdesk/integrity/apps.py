from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "newsdesk.integrity"
    label = "integrity"
