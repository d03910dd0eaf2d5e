from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_tallies")]

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
    ]
