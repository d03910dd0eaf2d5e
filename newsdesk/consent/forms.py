"""The one form readers submit: their choice, from the banner or the Cookie settings page."""

from __future__ import annotations

from django import forms

from .models import ConsentRecord
from .registry import OPTIONAL, Category


class ConsentForm(forms.Form):
    action = forms.ChoiceField(choices=ConsentRecord.Action.choices)
    preferences = forms.BooleanField(required=False)
    analytics = forms.BooleanField(required=False)
    marketing = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)  # go straight back there (the banner)
    back = forms.CharField(required=False, max_length=2000)  # offer a link back (Cookie settings)

    def granted(self) -> frozenset[Category]:
        """What the reader asked for: all, none, or the switches they turned on."""
        action = self.cleaned_data["action"]
        if action == ConsentRecord.Action.ACCEPT_ALL:
            return frozenset(OPTIONAL)
        if action == ConsentRecord.Action.REJECT_ALL:
            return frozenset()
        return frozenset(c for c in OPTIONAL if self.cleaned_data.get(c.value))
