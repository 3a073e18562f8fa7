"""The interface of the embedded engine's two full-text backends, and the choice between
them. Both receive the analysed terms of search/analysis.py (storage.StoredRow) and
match the clauses of a typo.TextPlan; neither analyses text of its own."""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection


class FullTextBackend(Protocol):
    vendor: str

    # writing (inside the engine's transaction)

    def write(self, page_ids: list[int], rows: list, *, rebuilding: bool = False) -> None:
        """Replace the full-text entries of ``page_ids`` by ``rows`` (storage.StoredRow);
        called before the ``IndexedDocument`` rows change."""

    def clear(self) -> None:
        """Remove everything (a rebuild follows)."""

    def finish_rebuild(self) -> None:
        """After a rebuild's last ``write``: merge, count, gather statistics."""

    # reading

    def match(self, clauses: list, *, scored: bool) -> list[tuple[int, float | None]]:
        """[(page_id, score)] of every document matching all ``clauses`` (each a list of
        alternative phrases, tuples of terms): best first with a score (higher is
        better) if ``scored``, else in any order with None."""

    def evidence(self, clauses: list, level: str) -> set[int]:
        """Page ids of the documents where every clause has evidence of ``level``
        (``evidence.CONFIRMED`` or ``evidence.TEXT``; search/evidence.py says which
        fields give which)."""

    def first_documents(self, term: str, limit: int) -> list[int]:
        """Page ids of up to ``limit`` documents containing ``term``."""

    def document_frequencies(self, terms) -> dict[str, int]:
        """{term: number of documents containing it} for the ``terms`` in the index."""

    def fuzzy_candidates(self, term: str, max_edits: int) -> list[tuple]:
        """Vocabulary terms within ``max_edits`` of ``term``: [(term, distance, doc count)]."""

    def follow(self, changed_page_ids: set[int] | None) -> None:
        """The index moved on (the engine's facet index catches up, once per process and
        index version): ``changed_page_ids`` changed since the last call, or None when not
        known (a rebuild, the first search). For backends that keep something in memory."""


def fulltext_backend() -> FullTextBackend:
    """The backend of the default database."""
    if connection.vendor == "sqlite":
        from .sqlite_fts import SqliteFullText

        return SqliteFullText()
    if connection.vendor == "postgresql":
        from .postgres_fts import PostgresFullText

        return PostgresFullText()
    raise ImproperlyConfigured(
        f"The embedded search engine supports SQLite and PostgreSQL, not {connection.vendor}."
    )
