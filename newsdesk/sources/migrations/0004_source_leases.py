from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sources", "0003_sourceday_failing_since")]

    operations = [
        migrations.AddField(
            model_name="source",
            name="queued_task",
            field=models.CharField(blank=True, help_text="The id of the queued refresh task.", max_length=64),
        ),
        migrations.AddField(
            model_name="source", name="lease_owner", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AddField(
            model_name="source", name="lease_until", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="source", name="attempted_at", field=models.DateTimeField(blank=True, null=True)
        ),
    ]
