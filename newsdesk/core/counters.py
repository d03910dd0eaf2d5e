"""Running totals every process adds to, kept in the database: "tasks.requeued" (work of a dead
worker queued again), "tasks.enqueue_failed" (the queue refused a task)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F


def add(name: str, amount: int = 1) -> None:
    from .models import Counter

    if amount == 0:
        return
    if Counter.objects.filter(name=name).update(value=F("value") + amount):
        return
    try:
        with transaction.atomic():
            Counter.objects.create(name=name, value=amount)
    except IntegrityError:  # created by another process meanwhile
        Counter.objects.filter(name=name).update(value=F("value") + amount)


def value(name: str) -> int:
    from .models import Counter

    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0
