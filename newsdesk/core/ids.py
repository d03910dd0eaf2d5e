"""Whole numbers from clients (ids, cursors) are range-checked before they reach a query.

Database ids are 64-bit signed integers: a larger number makes SQLite raise OverflowError and
PostgreSQL refuse the query, either of which would be a 500. Every id a client sends is checked against
MAX_ID first: a filter or form value that is out of range answers 400 (422 in the API), an id in a path
answers 404 (no such thing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

MAX_ID = 2**63 - 1
ID_PATTERN = "[0-9]{1,19}"  # in URL patterns; IdConverter also checks the value


def parse_id(text: object) -> int | None:
    """A positive id that a database can hold, or None for anything else."""
    raw = str(text).strip() if text is not None else ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in a path(): like `<int:pk>`, but a number no database id can be is no match (404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads this as "the pattern does not match"
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)


def _check_bounded(field: forms.Field, values: Iterable[Any], code: str) -> None:
    """Refuse, before any query, a value of a model choice field that no database id can be."""
    for value in values:
        if value in field.empty_values or isinstance(value, Model) or parse_id(value) is not None:
            continue
        raise ValidationError(field.error_messages[code], code=code, params={"pk": value, "value": value})


class IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField (on the id) that refuses, as an invalid choice, an id out of range."""

    def to_python(self, value: Any) -> Any:
        _check_bounded(self, [value], "invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A ModelMultipleChoiceField (on ids) that refuses, as an invalid choice, an id out of range."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            _check_bounded(self, value, "invalid_pk_value")
        return super().clean(value)
