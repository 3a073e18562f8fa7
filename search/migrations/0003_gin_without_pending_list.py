"""PostgreSQL: the GIN indexes of the search write every entry at once (fastupdate off).

With GIN's default pending list, new entries (a whole rebuild, or every publish) wait in an
unsorted list that every search scans until VACUUM merges it; with autovacuum off or
behind, a search of the 10,000-profile benchmark cost the database 17 ms instead of 4 ms
(docs/load.md). Searches far outnumber writes here, so writes pay instead. Entries already
pending are merged now.
"""

from django.db import migrations

INDEXES = ("atlas_search_document_vector", "atlas_search_vocabulary_trgm")


def _set_fastupdate(schema_editor, value):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = {value})")
        if value == "off":
            schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def forward(apps, schema_editor):
    _set_fastupdate(schema_editor, "off")


def backward(apps, schema_editor):
    _set_fastupdate(schema_editor, "on")


class Migration(migrations.Migration):
    dependencies = [("atlas_search", "0002_full_text")]

    operations = [migrations.RunPython(forward, backward)]
