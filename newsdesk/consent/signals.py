"""Forget the cached snippets the moment one changes, so the next page asks and renders the new set."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .current import snippet_cache
from .models import Snippet, StorageItem


@receiver([post_save, post_delete], sender=Snippet)
@receiver([post_save, post_delete], sender=StorageItem)
def snippets_changed(**kwargs: Any) -> None:
    snippet_cache.forget()
