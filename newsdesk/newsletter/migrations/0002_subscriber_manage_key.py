# A second key per subscriber for the manage links (preferences, export, delete), apart from the
# unsubscribe key that the List-Unsubscribe header carries. Existing subscribers get a random one each.

import secrets

from django.db import migrations, models

import newsdesk.newsletter.models


def fill_manage_keys(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    for subscriber in Subscriber.objects.filter(manage_key="").only("pk").iterator():
        Subscriber.objects.filter(pk=subscriber.pk).update(manage_key=secrets.token_urlsafe(18))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="manage_key",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(fill_manage_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="manage_key",
            field=models.CharField(default=newsdesk.newsletter.models.new_key, max_length=40, unique=True),
        ),
    ]
