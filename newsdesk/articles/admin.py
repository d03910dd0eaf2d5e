"""Articles in the Django admin, and the review queue of quarantined items.

- "Articles": everything stored, with filters by status, flag, editor's review, source and language;
  read-only (no adding, editing or deleting), since articles come from their sources. What the spam
  review decided, and why, and what an editor decided, is shown on each.
- "Review queue": only quarantined articles (whole spam, or held because their source looks
  compromised), oldest first, with the signals that fired; "Approve and publish" and "Reject"
  call articles/actions.py, which announces on commit so search and the live stream follow.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from newsdesk.types import HELD, SPAM, SPAM_REMOVED

from . import actions
from .models import Article, QuarantinedArticle

FLAGS = (
    (SPAM, "spam (quarantined)"),
    (HELD, "held: source possibly compromised"),
    (SPAM_REMOVED, "planted spam cut out"),
    ("page-unavailable", "page unavailable: feed text kept"),
)


class FlagFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> tuple[tuple[str, str], ...]:
        return FLAGS

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        flag = self.value()
        if not flag or flag not in dict(FLAGS):
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(flags__contains=[flag])
        return queryset.filter(flags__icontains=f'"{flag}"')  # SQLite keeps JSON as text


class ReviewFilter(admin.SimpleListFilter):
    """What an editor decided, from the one review record (`Article.review`)."""

    title = "editor's review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> tuple[tuple[str, str], ...]:
        return (
            (Article.Decision.APPROVED, "approved by an editor"),
            (Article.Decision.REJECTED, "rejected by an editor"),
            ("none", "not reviewed"),
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        value = self.value()
        if value == "none":
            return queryset.filter(integrity__review__isnull=True)
        if value in Article.Decision.values:
            return queryset.filter(integrity__review__decision=value)
        return queryset


def _reviewer(request: HttpRequest) -> str:
    return request.user.get_username() if request.user.is_authenticated else ""


def signals_table(article: Article) -> SafeString:
    """The signals that fired, heaviest first, as a small table."""
    record = article.integrity or {}
    rows = sorted(record.get("signals", []), key=lambda s: -float(s.get("weight", 0)))
    if not rows:
        return mark_safe("<em>none fired</em>")
    body = format_html_join(
        "", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
        ((s.get("name", ""), s.get("weight", ""), s.get("detail", "")) for s in rows),
    )  # fmt: skip
    total = format_html(
        "<tr><th>score</th><th>{}</th><th>spam at {} or more</th></tr>",
        record.get("score"),
        record.get("threshold"),
    )
    return format_html('<table class="integrity-signals">{}{}</table>', body, total)


def removed_list(article: Article) -> SafeString:
    removed = (article.integrity or {}).get("removed", [])
    if not removed:
        return mark_safe("<em>nothing</em>")
    items = format_html_join(
        "", "<li><strong>{}</strong> ({}): <q>{}</q></li>",
        ((r.get("kind", ""), "; ".join(r.get("reasons", [])), r.get("text", "")) for r in removed),
    )  # fmt: skip
    return format_html('<ul style="margin: 0; padding-left: 1.2em">{}</ul>', items)


class _ArticleBase(admin.ModelAdmin):  # type: ignore[type-arg]  # not subscriptable at run time
    list_select_related = ("source",)
    search_fields = ("title", "url", "guid")
    date_hierarchy = "published"
    actions = ("approve", "reject")
    readonly_fields = (
        "title", "source", "status", "flag_list", "decision", "reason", "signals", "removed", "review",
        "url", "link", "guid", "published", "updated", "authors", "language", "categories", "excerpt",
        "text", "lead_image", "created_at", "modified_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("title", "source", "status", "flag_list", "url", "published")}),
        ("Spam review", {"fields": ("decision", "reason", "signals", "removed", "review")}),
        ("Content", {"fields": ("excerpt", "text", "authors", "language", "categories", "lead_image")}),
        (
            "Identity",
            {"classes": ("collapse",), "fields": ("link", "guid", "updated", "created_at", "modified_at")},
        ),
    )

    def has_review_permission(self, request: HttpRequest) -> bool:
        """Approving and rejecting need the right to change articles (the pages themselves stay read-only)."""
        return request.user.has_perm("articles.change_article")

    @admin.action(description="Approve and publish the selected articles", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        ids = list(queryset.exclude(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
        for article_id in ids:
            actions.do_approve_article(article_id, reviewer=_reviewer(request))
        self.message_user(request, f"{len(ids)} article(s) approved and published.", messages.SUCCESS)

    @admin.action(
        description="Reject: keep the selected articles off the site for good", permissions=["review"]
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        ids = list(queryset.exclude(status=Article.Status.REJECTED).values_list("pk", flat=True))
        for article_id in ids:
            actions.do_reject_article(article_id, reviewer=_reviewer(request))
        self.message_user(request, f"{len(ids)} article(s) rejected.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles come from their sources

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only pages: a review is an action, not an edit

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a rejected article must stay stored, so its feed entry is never taken in again

    @admin.display(description="decision")
    def decision(self, article: Article) -> str:
        return str((article.integrity or {}).get("decision", "—"))

    @admin.display(description="reason")
    def reason(self, article: Article) -> str:
        return str((article.integrity or {}).get("reason", "")) or "—"

    @admin.display(description="signals that fired")
    def signals(self, article: Article) -> SafeString:
        return signals_table(article)

    @admin.display(description="cut out of the article")
    def removed(self, article: Article) -> SafeString:
        return removed_list(article)

    @admin.display(description="editor's review")
    def review(self, article: Article) -> str:
        done = article.review
        if done is None:
            return "—"
        when = f" at {done['at']}" if done.get("at") else ""
        return f"{done.get('decision', '?')} by {done.get('by') or 'someone'}{when}"

    @admin.display(description="flags")
    def flag_list(self, article: Article) -> str:
        return ", ".join(article.flags) or "—"


@admin.register(Article)
class ArticleAdmin(_ArticleBase):
    list_display = ("title", "source", "status", "flag_list", "published", "language")
    list_filter = ("status", FlagFilter, ReviewFilter, "source", "language")


@admin.register(QuarantinedArticle)
class ReviewQueueAdmin(_ArticleBase):
    list_display = ("title", "source", "why", "fired", "created_at")
    list_filter = (FlagFilter, "source")
    ordering = ("created_at", "id")
    change_form_template = "admin/articles/quarantinedarticle/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).filter(status=Article.Status.QUARANTINED)

    @admin.display(description="why")
    def why(self, article: Article) -> str:
        reason = str((article.integrity or {}).get("reason", ""))
        return reason[:160] or ("held for review" if HELD in article.flags else "—")

    @admin.display(description="signals")
    def fired(self, article: Article) -> str:
        return ", ".join(s.get("name", "") for s in (article.integrity or {}).get("signals", [])) or "—"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The page has two buttons of its own: approve and publish, or reject."""
        if request.method == "POST" and self.has_review_permission(request):
            article = self.get_object(request, object_id)
            if article is not None and "_approve" in request.POST:
                actions.do_approve_article(article.pk, reviewer=_reviewer(request))
                self.message_user(request, f"“{article.title}” is published.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_quarantinedarticle_changelist"))
            if article is not None and "_reject" in request.POST:
                actions.do_reject_article(article.pk, reviewer=_reviewer(request))
                self.message_user(request, f"“{article.title}” is rejected.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_quarantinedarticle_changelist"))
        context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, context)
