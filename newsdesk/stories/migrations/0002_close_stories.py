from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

KEEP_HOURS = 24  # core.Params.keep_hours when this was written


def close_stories(apps, schema_editor):
    """Close the stories that are already closed: their postings go, as closing one does from now on."""
    Story = apps.get_model("stories", "Story")
    StoryKey = apps.get_model("stories", "StoryKey")
    newest = Story.objects.aggregate(newest=Max("last_updated"))["newest"]
    if newest is None:
        return
    hours = float(settings.NEWSDESK_STORIES["OPEN_HOURS"]) + KEEP_HOURS
    closed = Story.objects.filter(last_updated__lt=min(newest, timezone.now()) - timedelta(hours=hours))
    StoryKey.objects.filter(story__in=closed.values("id")).delete()
    closed.update(indexed=False)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_modified_index'),
        ('stories', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='story',
            name='indexed',
            field=models.BooleanField(db_default=True, default=True),
        ),
        migrations.AddIndex(
            model_name='story',
            index=models.Index(fields=['indexed', 'last_updated'], name='story_indexed'),
        ),
        migrations.RunPython(close_stories, migrations.RunPython.noop),
    ]
