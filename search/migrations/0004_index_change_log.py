"""The change log of the search index (``IndexChange``): which documents each index
version changed, so that every process can bring its in-memory facet index up to date
without reading all documents again."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("atlas_search", "0003_gin_without_pending_list")]

    operations = [
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                ("version", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("stamp", models.CharField(max_length=32)),
                ("page_ids", models.JSONField(null=True)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "Änderung des Suchindex",
                "verbose_name_plural": "Änderungen des Suchindex",
                "db_table": "atlas_search_change",
            },
        ),
    ]
