from __future__ import annotations

import zlib
from typing import Any

from django.db import models
from django.utils import timezone


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published", "-id")


class Article(models.Model):
    """One story, stored once whatever number of feeds carried it."""

    class Status(models.TextChoices):
        PUBLISHED = "published"
        QUARANTINED = "quarantined"  # spam or held: waits in the admin's review queue, shown nowhere
        REJECTED = "rejected"  # a person kept it off the site; kept so the feed entry is not taken again

    class Decision(models.TextChoices):
        """A person's decision in the review, as `integrity["review"]["decision"]` records it."""

        APPROVED = "approved"  # published from the review queue
        REJECTED = "rejected"  # kept off the site for good (status `rejected`)

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="articles")
    # The canonical URL, normalised (no tracking parameters, fragment or default port).
    url = models.URLField(max_length=2000, unique=True)
    # The feed's link for the item, normalised; often equal to `url`.
    link = models.URLField(max_length=2000, blank=True, db_index=True)
    guid = models.CharField(max_length=2000, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # A hash of what the feed and page said, to tell an update from a repeat.
    content_hash = models.CharField(max_length=64, blank=True)

    title = models.CharField(max_length=1000)
    authors = models.JSONField(default=list, blank=True)
    published = models.DateTimeField(db_index=True)
    updated = models.DateTimeField(null=True, blank=True)
    excerpt = models.TextField(blank=True)
    text = models.TextField(blank=True)
    content_html = models.TextField(blank=True)
    language = models.CharField(max_length=20, blank=True)
    lead_image = models.URLField(max_length=2000, blank=True)
    categories = models.JSONField(default=list, blank=True)

    # Where the article is. Whether a person decided is not said again here: see `review`.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True)
    # What the machine found (newsdesk.types: spam, held, spam-removed; page-unavailable).
    flags = models.JSONField(default=list, blank=True)
    # The spam review's decision, score, the signals that fired, what was cut out (see
    # newsdesk/integrity/review.py), and after a person looked, their review: {"decision", "by", "at"}.
    integrity = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    modified_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            models.Index(fields=["status", "-published", "-id"], name="article_status_published"),
            models.Index(fields=["source", "status", "-published"], name="article_source_published"),
            # The sitemaps' "last modified" (the newest change among published stories) reads it backwards.
            models.Index(fields=["-modified_at"], name="article_modified"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def review(self) -> dict[str, Any] | None:
        """A person's last decision on the article ("approved" or "rejected", by whom, when), or None.

        The one record of it: an approved article is a published one with an "approved" review, and the
        review goes when a spam update sends the article back to the queue.
        """
        return (self.integrity or {}).get("review") or None

    @property
    def approved(self) -> bool:
        review = self.review
        return review is not None and review.get("decision") == self.Decision.APPROVED


class QuarantinedArticle(Article):
    """The admin's review queue: the same rows, only those waiting for a person."""

    class Meta:
        proxy = True
        verbose_name = "quarantined article"
        verbose_name_plural = "review queue"


class ArticleAlias(models.Model):
    """Another feed entry that tells a stored article's story (a syndicated copy, a re-post).

    Remembered so that the next poll recognises the entry without fetching its page again.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="aliases")
    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="+")
    guid = models.CharField(max_length=2000, blank=True)
    link = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["source", "guid"], name="alias_source_guid"),
            models.Index(fields=["link"], name="alias_link"),
        ]

    def __str__(self) -> str:
        return self.link or self.guid


class ArticlePage(models.Model):
    """The article page's own part (headline, byline, picture, excerpt, link out, its head tags), rendered
    when the article is written and read with it by the article page (newsdesk/web/article_page.py).

    `key` is what the markup was made from (the article's version, its source's and topics' names, the
    templates and settings in effect): the page uses the markup only while its own key is the same.
    `markup` is the HTML's UTF-8, zlib-compressed: about 4.6 KB a story becomes 1.3 KB, read back in about
    9 µs (docs/decisions/0017-uncached-pages.md)."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="page")
    key = models.CharField(max_length=32)
    markup = models.BinaryField()

    @classmethod
    def of(cls, article_id: int, key: str, html: str) -> ArticlePage:
        return cls(article_id=article_id, key=key, markup=zlib.compress(html.encode(), 6))

    @property
    def html(self) -> str:
        return zlib.decompress(self.markup).decode()

    def __str__(self) -> str:
        return f"page of article {self.article_id}"
