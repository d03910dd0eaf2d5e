from __future__ import annotations

from django.db import models


class Topic(models.Model):
    """One of a clean, curated set of topics (e.g. "Transport", "Science").

    Feed categories and keywords from the text are mapped onto these; raw categories stay on
    the article (Article.categories) for reference.
    """

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    articles = models.ManyToManyField("articles.Article", related_name="topics", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
