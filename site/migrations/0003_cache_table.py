"""The database cache table of the "shared" cache alias (the page cache's content generation).

A migration rather than a separate `createcachetable` step, so every database that is
migrated (setup, tests, browser-test site, restore, benchmarks) has it.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("kooperationsatlas", "0002_editorial_setup")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
