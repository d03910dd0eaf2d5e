# The clean default topic set. Frozen here: later edits to data/topics.json do not rewrite history.
# Existing topics (same slug) are left as the operator made them.

from django.db import migrations

DEFAULT_TOPICS = [
    ('politics', 'Politics', 'Government, parliaments, parties and elections.'),
    ('business', 'Business', 'Companies, markets, jobs and the economy.'),
    ('technology', 'Technology', 'Computing, the internet, gadgets and the companies that make them.'),
    ('science', 'Science', 'Research, discoveries, space and the natural world.'),
    ('health', 'Health', 'Medicine, hospitals, public health and well-being.'),
    ('climate-environment', 'Climate & Environment', 'Climate change, nature, energy and pollution.'),
    ('sport', 'Sport', 'Matches, tournaments, athletes and clubs.'),
    ('culture', 'Culture', 'Arts, books, film, music and the stage.'),
    ('transport', 'Transport', 'Roads, railways, buses, ferries and flights.'),
    ('education', 'Education', 'Schools, universities, teachers and students.'),
    ('crime-justice', 'Crime & Justice', 'Police, courts, crime and the law.'),
    ('world', 'World', 'International news and diplomacy.'),
    ('local', 'Local', 'News from towns, cities and neighbourhoods.'),
    ('weather', 'Weather', 'Forecasts, storms and the seasons.'),
    ('opinion', 'Opinion', 'Comment, columns, editorials and analysis.'),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    for slug, name, description in DEFAULT_TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_topics, migrations.RunPython.noop),
    ]
