"""Operator snippets (with the storage they declare) and the consent log (the proof of consent)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import Category, Kind

_SOURCES = RegexValidator(
    r"^(?:\s*(?:https?://[A-Za-z0-9.\-\[\]:]+|'self')\s*)*$",
    _("Give origins separated by spaces, e.g. https://stats.example.org (no paths, no wildcards)."),
)


class Snippet(models.Model):
    """An analytics or marketing snippet: HTML rendered server-side, only after consent to its category."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=[(c.value, c.value.title()) for c in Category if c != Category.NECESSARY],
        help_text=_("Rendered only for readers who consented to this category."),
    )
    html = models.TextField(
        _("HTML"),
        help_text=_(
            "Placed at the end of the page body. Inline script and style tags get the page's CSP nonce "
            "automatically."
        ),
    )
    provider = models.CharField(
        _("third party"),
        max_length=200,
        blank=True,
        help_text=_("Who receives the data, e.g. 'Example Analytics Ltd (stats.example.org)'."),
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    csp_sources = models.CharField(
        _("allowed origins"),
        max_length=500,
        blank=True,
        validators=[_SOURCES],
        help_text=_(
            "Origins the snippet loads from or sends to, added to this page's Content-Security-Policy "
            "(script-src, connect-src, img-src) only when the snippet is rendered."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("snippet")

    def __str__(self) -> str:
        return self.name


class StorageItem(models.Model):
    """A cookie or local-storage entry a snippet sets, declared so that the policy can list it."""

    snippet = models.ForeignKey(Snippet, on_delete=models.CASCADE, related_name="storage")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(Kind.COOKIE.value, _("cookie")), (Kind.LOCAL_STORAGE.value, _("local storage"))],
        default=Kind.COOKIE.value,
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    duration = models.CharField(_("duration"), max_length=100, help_text=_("e.g. '13 months', 'session'."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("cookie or storage item")

    def __str__(self) -> str:
        return self.name


class PolicySnapshot(models.Model):
    """What a policy version listed, kept so each log entry shows exactly what the reader was told."""

    version = models.CharField(max_length=64, unique=True)
    items = models.JSONField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.version


class ConsentRecord(models.Model):
    """One choice a reader made. `subject` is a keyed hash of the random id in their consent cookie."""

    class Action(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("Accept all")
        REJECT_ALL = "reject_all", _("Reject all")
        CUSTOM = "custom", _("Custom choice")

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    policy = models.ForeignKey(PolicySnapshot, on_delete=models.PROTECT, related_name="records")
    subject = models.CharField(_("pseudonymous id"), max_length=64, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    preferences = models.BooleanField(_("preferences"))
    analytics = models.BooleanField(_("analytics"))
    marketing = models.BooleanField(_("marketing"))
    gpc = models.BooleanField(_("Global Privacy Control"), help_text=_("The browser sent Sec-GPC: 1."))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("consent record")

    def __str__(self) -> str:
        return f"{self.subject[:12]} {self.action} {self.created:%Y-%m-%d %H:%M}"
