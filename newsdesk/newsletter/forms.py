"""Validation of the public forms. The views turn these into one clear message per problem."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from email_validator import EmailNotValidError, validate_email

from newsdesk.core.ids import IdMultipleChoiceField
from newsdesk.sources.models import Source
from newsdesk.topics.models import Topic

from .conf import conf
from .models import Subscriber

# The wording of the signup form a reader agreed to; bump it when the form's promise changes.
FORM_VERSION = "signup-v1"
KNOWN_FORM_VERSIONS = {FORM_VERSION}
PREFERENCES_VERSION = "preferences-v1"

SOURCE_GONE = gettext_lazy("One of the chosen sources no longer exists; please choose again.")


def normalise_email(value: str) -> str:
    """A clean address, or ValidationError naming the problem (syntax; DNS only when configured)."""
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError(_("Please enter your email address."))
    try:
        result = validate_email(value, check_deliverability=conf().check_deliverability, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise forms.ValidationError(str(exc)) from None
    return result.normalized


class ChoicesForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.DAILY,
        error_messages={
            "required": gettext_lazy("Please choose daily or weekly."),
            "invalid_choice": gettext_lazy("Please choose daily or weekly."),
        },
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("One of the chosen topics no longer exists; please choose again.")
        },
    )
    sources = IdMultipleChoiceField(
        queryset=Source.objects.all(),
        required=False,
        error_messages={
            "invalid_choice": SOURCE_GONE,
            "invalid_pk_value": SOURCE_GONE,
        },
    )

    def topic_ids(self) -> tuple[int, ...]:
        return tuple(sorted(t.pk for t in self.cleaned_data.get("topics") or []))

    def source_ids(self) -> tuple[int, ...]:
        return tuple(sorted(s.pk for s in self.cleaned_data.get("sources") or []))


class SignupForm(ChoicesForm):
    email = forms.CharField(max_length=320, required=False)
    website = forms.CharField(required=False)  # the honeypot: people never see it, bots fill it
    fv = forms.CharField(required=False)

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data.get("email", ""))

    def form_version(self) -> str:
        version = self.cleaned_data.get("fv") or ""
        return version if version in KNOWN_FORM_VERSIONS else FORM_VERSION

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class PreferencesForm(ChoicesForm):
    paused = forms.BooleanField(required=False)
