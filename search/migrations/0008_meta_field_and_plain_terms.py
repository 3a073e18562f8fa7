"""A fourth text field, and PostgreSQL without a second stemmer.

* ``meta_terms``: task areas, legal form, cooperation model and tags, ranked below the
  profile's own text
  (SQLite: fourth FTS5 column; PostgreSQL: weight D).
* PostgreSQL: the terms are the output of the shared Python chain, already stemmed; the
  configuration ``atlas_german`` stemmed them a second time with Snowball German (so
  PostgreSQL matched more than SQLite and Elasticsearch). ``atlas_terms`` is a copy of
  ``simple``: it only splits and lowercases.

The stored index is emptied: ``manage.py rebuild_search_index`` fills it again (``make
setup`` does; docs/operations.md).
"""

import uuid

from django.db import migrations, models

SQLITE_FORWARD = [
    "DROP TABLE IF EXISTS atlas_search_fts_vocab",
    "DROP TABLE IF EXISTS atlas_search_fts",
    """CREATE VIRTUAL TABLE atlas_search_fts USING fts5(
        title, extra, body, meta, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    "CREATE VIRTUAL TABLE atlas_search_fts_vocab USING fts5vocab(atlas_search_fts, 'row')",
    "DELETE FROM atlas_search_document",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS atlas_search_fts_vocab",
    "DROP TABLE IF EXISTS atlas_search_fts",
    """CREATE VIRTUAL TABLE atlas_search_fts USING fts5(
        title, extra, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    "CREATE VIRTUAL TABLE atlas_search_fts_vocab USING fts5vocab(atlas_search_fts, 'row')",
    "DELETE FROM atlas_search_document",
]


def _vector(config, with_meta):
    meta = (
        f"\n            || setweight(to_tsvector('{config}'::regconfig, meta_terms), 'D')"
        if with_meta
        else ""
    )
    return [
        "DROP INDEX IF EXISTS atlas_search_document_vector",
        "ALTER TABLE atlas_search_document DROP COLUMN IF EXISTS search_vector",
        f"""ALTER TABLE atlas_search_document ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('{config}'::regconfig, title_terms), 'A')
            || setweight(to_tsvector('{config}'::regconfig, extra_terms), 'B')
            || setweight(to_tsvector('{config}'::regconfig, body_terms), 'C'){meta}
        ) STORED""",
        """CREATE INDEX atlas_search_document_vector ON atlas_search_document
        USING gin (search_vector) WITH (fastupdate = off)""",
        # kept in the row, as migration 0006 set it
        "ALTER TABLE atlas_search_document ALTER COLUMN search_vector SET STORAGE MAIN",
        "DELETE FROM atlas_search_document",
        "DELETE FROM atlas_search_vocabulary",
    ]


POSTGRES_FORWARD = [
    "CREATE TEXT SEARCH CONFIGURATION atlas_terms (COPY = pg_catalog.simple)",
    *_vector("atlas_terms", True),
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_german",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS atlas_german_stem",
]
POSTGRES_BACKWARD = [
    "CREATE TEXT SEARCH DICTIONARY atlas_german_stem (TEMPLATE = snowball, LANGUAGE = german)",
    "CREATE TEXT SEARCH CONFIGURATION atlas_german (COPY = pg_catalog.german)",
    """ALTER TEXT SEARCH CONFIGURATION atlas_german
        ALTER MAPPING REPLACE german_stem WITH atlas_german_stem""",
    *_vector("atlas_german", False),
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_terms",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, direction):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM atlas_search_document")
        emptied = cursor.fetchone()[0] > 0
    for statement in statements[direction]:
        schema_editor.execute(statement)
    if not emptied:
        return
    # A new index version, logged as "everything changed": every process reloads its
    # facet index (the stored documents are gone).
    stamp = uuid.uuid4().hex
    schema_editor.execute(
        "UPDATE atlas_search_version SET stamp = %s, version = version + 1", [stamp]
    )
    schema_editor.execute(
        "INSERT INTO atlas_search_change (version, stamp, page_ids, changed_at) "
        "SELECT version, stamp, NULL, CURRENT_TIMESTAMP FROM atlas_search_version"
    )


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("atlas_search", "0007_synonym_group")]

    operations = [
        migrations.AddField(
            model_name="indexeddocument",
            name="meta_terms",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forward, backward),
    ]
