"""Stories and the database-backed candidate index (docs/decisions/0020-stories.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Story(models.Model):
    """One event and every outlet's coverage of it."""

    title = models.CharField(max_length=1000, blank=True)  # the lead (first) article's title
    lead = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_published = models.DateTimeField()
    last_updated = models.DateTimeField(db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    # The clustering state: the members' summed terms (the heaviest few hundred) and their MinHashes.
    terms = models.JSONField(default=dict, blank=True)
    minhashes = models.JSONField(default=list, blank=True)
    source_ids = models.JSONField(default=list, blank=True)  # the members' outlets
    head = models.JSONField(default=list, blank=True)  # the members' title words (stems, not names)
    # Whether the story's postings (`StoryKey`) are kept: a story quiet for longer than it stays open (and
    # a margin for late articles) is closed, and closing it (the hourly prune job) deletes them.
    indexed = models.BooleanField(default=True, db_default=True)  # a DB default: rolling deploys insert
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["-source_count", "-last_updated"], name="story_coverage"),
            models.Index(fields=["indexed", "last_updated"], name="story_indexed"),
        ]

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"


class StoryMember(models.Model):
    """An article's place in a story, with why it is there. `group` is set by staff (split, merge):
    articles with one group always share a story, and the algorithm never moves them."""

    class Reason(models.TextChoices):
        NEW = "new", "started the story"
        SIMILAR = "similar", "similar terms and names"
        NEAR_DUPLICATE = "near-duplicate", "near-identical text"
        STAFF = "staff", "placed by staff"

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE, related_name="story_member")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.NEW)
    score = models.FloatField(default=0.0)
    shared = models.JSONField(default=list, blank=True)  # the shared terms behind the decision
    group = models.CharField(max_length=40, blank=True, db_index=True)
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id} in {self.story_id}"


class StoryKey(models.Model):
    """The candidate index: a story is found under its members' heaviest terms and MinHash bands. Only
    stories that are open, or closed for less than a margin, have postings here: closing a story deletes
    them, so the index grows with the arrival rate, not with the archive."""

    key = models.CharField(max_length=100)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "story"], name="story_key_unique")]

    def __str__(self) -> str:
        return self.key


class TermFrequency(models.Model):
    """How many clustered articles contain a term (document frequency, for idf). The empty term
    counts the articles."""

    term = models.CharField(max_length=100, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"
