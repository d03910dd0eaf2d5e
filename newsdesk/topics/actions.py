"""Every write to topic assignments goes through here, one transaction each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from .models import Topic


def do_set_article_topics(assignments: Mapping[int, Sequence[str]]) -> int:
    """Replace the topics of the given articles with these slugs (unknown slugs are ignored).

    One transaction for the whole batch: the articles' old rows go, the new ones come.
    Returns how many (article, topic) rows were written.
    """
    if not assignments:
        return 0
    through = Topic.articles.through
    topic_ids = dict(Topic.objects.values_list("slug", "id"))
    rows = [
        through(article_id=article_id, topic_id=topic_ids[slug])
        for article_id, slugs in assignments.items()
        for slug in dict.fromkeys(slugs)
        if slug in topic_ids
    ]
    with transaction.atomic():
        through.objects.filter(article_id__in=list(assignments)).delete()
        through.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def do_sync_topics(topics: Sequence[tuple[str, str, str]]) -> int:
    """Create the topics of the tables that the database lacks (slug, name, description).

    Existing topics keep their name and description: an operator may have reworded them.
    Returns how many were created.
    """
    created = 0
    with transaction.atomic():
        for slug, name, description in topics:
            _, made = Topic.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            created += made
    return created
