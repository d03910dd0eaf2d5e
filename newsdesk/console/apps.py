from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "newsdesk.console"
    label = "console"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from django.contrib import admin

        # The admin's front page leads to the console (a link above the list of apps).
        admin.site.index_template = "console/admin_index.html"
