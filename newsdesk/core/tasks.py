"""The django.tasks API. Django 6 ships it as `django.tasks`; on Django 5.2 the
`django-tasks` package is the same code (docs/decisions/0001)."""

try:  # pragma: no cover - depends on the Django version
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django < 6
    from django_tasks import task

__all__ = ["task"]
