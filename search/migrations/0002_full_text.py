"""Full-text structures of the embedded engine, per database (one migration set for both).

SQLite: an FTS5 table over the analysed terms (the analysis chain runs in Python, so the
tokenizer only splits on spaces: unicode61 without diacritic removal, no stemming) and an
fts5vocab table over it (the vocabulary for typos and "Meinten Sie …?").

PostgreSQL: the text search configuration ``atlas_german`` (a copy of ``german``: Snowball
German stemming, but no stop-word file, because the shared stop words are already removed
in Python), a generated tsvector column (title A, partners/keywords B, body C) with a GIN
index, and the vocabulary table with a pg_trgm index for typo candidates.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE atlas_search_fts USING fts5(
        title, extra, body, tokenize = 'unicode61 remove_diacritics 0'
    )""",
    "CREATE VIRTUAL TABLE atlas_search_fts_vocab USING fts5vocab(atlas_search_fts, 'row')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS atlas_search_fts_vocab",
    "DROP TABLE IF EXISTS atlas_search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH DICTIONARY atlas_german_stem (TEMPLATE = snowball, LANGUAGE = german)",
    "CREATE TEXT SEARCH CONFIGURATION atlas_german (COPY = pg_catalog.german)",
    """ALTER TEXT SEARCH CONFIGURATION atlas_german
        ALTER MAPPING REPLACE german_stem WITH atlas_german_stem""",
    """ALTER TABLE atlas_search_document ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('atlas_german'::regconfig, title_terms), 'A')
            || setweight(to_tsvector('atlas_german'::regconfig, extra_terms), 'B')
            || setweight(to_tsvector('atlas_german'::regconfig, body_terms), 'C')
        ) STORED""",
    """CREATE INDEX atlas_search_document_vector ON atlas_search_document
        USING gin (search_vector)""",
    """CREATE TABLE atlas_search_vocabulary (
        term text PRIMARY KEY,
        doc_count integer NOT NULL
    )""",
    """CREATE INDEX atlas_search_vocabulary_trgm ON atlas_search_vocabulary
        USING gin (term gin_trgm_ops)""",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS atlas_search_vocabulary",
    "DROP INDEX IF EXISTS atlas_search_document_vector",
    "ALTER TABLE atlas_search_document DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS atlas_german",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS atlas_german_stem",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, direction):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return  # other databases: the embedded engine refuses to start (see engines/embedded)
    for statement in statements[direction]:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def create_version_row(apps, schema_editor):
    # The single row exists from the start, so concurrent first writers only update it.
    apps.get_model("atlas_search", "IndexVersion").objects.get_or_create(pk=1)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("atlas_search", "0001_initial")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(create_version_row, migrations.RunPython.noop),
    ]
