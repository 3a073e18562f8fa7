"""PostgreSQL: keep ``search_vector`` in the row (storage MAIN) instead of the TOAST table.

A row holds the search document, the filter data, the analysed terms and the tsvector,
together about 4.5 kB at the benchmark's profiles: above PostgreSQL's 2 kB threshold, so
the largest values went out of line, the tsvector among them. A text search uses it four
times per row (the ``@@`` match and three ``ts_rank`` calls), and each use fetched it
from the TOAST table again: 65,681 buffer reads for one broad word over 10,000 profiles
("Vergabestelle", 3,707 matches, 281 ms on a busy machine). With MAIN the other columns
go out of line first and the tsvector stays in the row: 2,484 buffer reads, 57–68 ms on
the same machine (docs/search.md). The existing rows are rewritten, so that they move.
"""

from django.db import migrations

TABLE = "atlas_search_document"


def _set_storage(schema_editor, storage):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE {storage}")
    schema_editor.execute(f"UPDATE {TABLE} SET title_terms = title_terms")


def forward(apps, schema_editor):
    _set_storage(schema_editor, "MAIN")


def backward(apps, schema_editor):
    _set_storage(schema_editor, "EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("atlas_search", "0005_pending_index_updates")]

    operations = [migrations.RunPython(forward, backward)]
