"""A person's review is kept once: in `Article.integrity["review"]` (decision, by, at), with the status
saying where the article is. The flags "approved" and "rejected", which said it a second time, go.

Rows flagged by a review whose record is missing (an update from the feed used to replace the whole
integrity record, and the flag carried the decision on alone) get a record with the decision and an
unknown reviewer and time. Backwards, the flags are put back from the records.
"""

from django.db import migrations
from django.db.models import Q

APPROVED, REJECTED = "approved", "rejected"
BATCH = 500


def _flagged(Article, connection):
    """Rows carrying either flag, or rejected without one; only what the conversion needs."""
    if connection.vendor == "postgresql":
        flagged = Q(flags__contains=[APPROVED]) | Q(flags__contains=[REJECTED])
    else:  # SQLite keeps JSON as text, and has no containment lookup
        flagged = Q(flags__icontains=f'"{APPROVED}"') | Q(flags__icontains=f'"{REJECTED}"')
    rows = Article.objects.filter(flagged | Q(status=REJECTED)).only("id", "status", "flags", "integrity")
    return rows.order_by("id").iterator(chunk_size=BATCH)


def _save(Article, rows):
    for start in range(0, len(rows), BATCH):
        Article.objects.bulk_update(rows[start : start + BATCH], ["flags", "integrity"])


def flags_to_reviews(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    changed = []
    for article in _flagged(Article, schema_editor.connection):
        flags = list(article.flags or [])
        if article.status == REJECTED or REJECTED in flags:
            decision = REJECTED
        elif APPROVED in flags and article.status == "published":
            decision = APPROVED
        else:
            decision = None  # an approval left on a quarantined row: it no longer holds
        record = dict(article.integrity or {})
        review = record.get("review")
        if decision is None:
            record.pop("review", None)
        elif not review or review.get("decision") != decision:
            record["review"] = {"decision": decision, "by": "", "at": None}
        article.flags = [flag for flag in flags if flag not in (APPROVED, REJECTED)]
        article.integrity = record
        changed.append(article)
    _save(Article, changed)


def reviews_to_flags(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = (
        Article.objects.filter(integrity__review__decision__in=[APPROVED, REJECTED])
        .only("id", "status", "flags", "integrity")
        .order_by("id")
    )
    changed = []
    for article in rows.iterator(chunk_size=BATCH):
        decision = article.integrity["review"]["decision"]
        if (decision, article.status) not in ((APPROVED, "published"), (REJECTED, REJECTED)):
            continue
        kept = [flag for flag in article.flags or [] if flag not in (APPROVED, REJECTED)]
        article.flags = [*kept, decision]
        changed.append(article)
    _save(Article, changed)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_integrity")]

    operations = [migrations.RunPython(flags_to_reviews, reviews_to_flags, elidable=False)]
