"""Full-text part of the embedded engine on SQLite: FTS5 over the analysed terms.

The analysis chain runs in Python (engines/embedded.py); the FTS5 table receives the
resulting terms separated by spaces and its unicode61 tokenizer (no diacritic removal, no
stemming) only splits them again. fts5vocab is the vocabulary.
"""

import threading

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..evidence import CONFIRMED
from ..models import IndexedDocument
from .storage import TERM_COLUMNS, paused_gc, terms_of

FTS_TABLE = "atlas_search_fts"
VOCAB_TABLE = "atlas_search_fts_vocab"
# Column weights: a title match must beat any body match, and a match only through a
# task-area name or a tag ranks below the profile's text
# (docs/search.md).
TITLE_WEIGHT, EXTRA_WEIGHT, BODY_WEIGHT, META_WEIGHT = 10.0, 3.0, 1.0, 0.3
# Each column is scored on its own (bm25 with the other columns weighted 0) and the
# scores are added with the weights above. One bm25 with column weights would let many
# body occurrences outweigh a title match, because BM25 saturates per document.
SCORE_SQL = (
    f"{TITLE_WEIGHT} * bm25({FTS_TABLE}, 1, 0, 0, 0)"
    f" + {EXTRA_WEIGHT} * bm25({FTS_TABLE}, 0, 1, 0, 0)"
    f" + {BODY_WEIGHT} * bm25({FTS_TABLE}, 0, 0, 1, 0)"
    f" + {META_WEIGHT} * bm25({FTS_TABLE}, 0, 0, 0, 1)"
)
CHUNK = 500


def _phrase(terms):
    return '"' + " ".join(term.replace('"', '""') for term in terms) + '"'


def match_expression(clauses):
    """FTS5 MATCH syntax: clauses ANDed, alternatives ORed, each alternative a phrase."""
    return " AND ".join(
        "(" + " OR ".join(_phrase(alternative) for alternative in alternatives) + ")"
        for alternatives in clauses
    )


def evidence_expression(clauses, level):
    """FTS5 syntax for ``evidence.CONFIRMED`` (each clause in title or partners, or in the
    text and the labels) or ``evidence.TEXT`` (each clause in title, partners or text)."""
    parts = []
    for alternatives in clauses:
        any_of = "(" + " OR ".join(_phrase(alternative) for alternative in alternatives) + ")"
        if level == CONFIRMED:
            parts.append(
                f"({{title extra}} : {any_of} OR (body : {any_of} AND meta : {any_of}))"
            )
        else:
            parts.append(f"({{title extra body}} : {any_of})")
    return " AND ".join(parts)


class SqliteFullText:
    vendor = "sqlite"

    def __init__(self):
        self._vocabulary = None  # Vocabulary, read on the first typo search
        self._vocabulary_lock = threading.Lock()

    # writing

    def write(self, page_ids, rows, *, rebuilding=False):
        """Replace the full-text rows of ``page_ids`` by ``rows`` (embedded.StoredRow)."""
        with connection.cursor() as cursor:
            ids = list(page_ids)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", chunk)
            if rows:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, extra, body, meta) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [
                        (
                            row.page_id,
                            row.title_terms,
                            row.extra_terms,
                            row.body_terms,
                            row.meta_terms,
                        )
                        for row in rows
                    ],
                )

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def finish_rebuild(self):
        # Merge the b-trees written in batches: faster queries afterwards.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")

    # reading

    def match(self, clauses, *, scored):
        """[(page_id, score)] of every document matching: best first with a score (higher
        is better) if ``scored``, else in any order with None."""
        expression = match_expression(clauses)
        with connection.cursor() as cursor:
            if scored:
                # bm25() is lower for better matches.
                cursor.execute(
                    f"SELECT rowid, -({SCORE_SQL}) AS score FROM {FTS_TABLE} "
                    f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC",
                    [expression],
                )
                return cursor.fetchall()
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]
            )
            return [(page_id, None) for (page_id,) in cursor.fetchall()]

    def evidence(self, clauses, level):
        """Page ids of the documents where every clause has evidence of ``level``."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [evidence_expression(clauses, level)],
            )
            return {page_id for (page_id,) in cursor.fetchall()}

    def first_documents(self, term, limit):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s",
                [match_expression([[(term,)]]), limit],
            )
            return [page_id for (page_id,) in cursor.fetchall()]

    def document_frequencies(self, terms):
        terms = sorted(set(terms))
        if not terms:
            return {}
        placeholders = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {VOCAB_TABLE} WHERE term IN ({placeholders})", terms
            )
            return dict(cursor.fetchall())

    def fuzzy_candidates(self, term, max_edits):
        """Vocabulary terms within ``max_edits`` of ``term``: [(term, distance, doc count)].

        The vocabulary in memory is scanned by rapidfuzz (in C), only the terms of a length
        within ``max_edits``; the candidates' counts are then read from the index, which
        also drops terms whose last document is gone (``follow`` only adds terms).
        """
        vocabulary = self.vocabulary()
        distances = {}
        for length in range(len(term) - max_edits, len(term) + max_edits + 1):
            for candidate, distance, _ in process.extract(
                term,
                vocabulary.of_length(length),
                scorer=OSA.distance,
                score_cutoff=max_edits,
                limit=None,
            ):
                distances[candidate] = distance
        counts = self.document_frequencies(distances)
        return [(candidate, distances[candidate], count) for candidate, count in counts.items()]

    # the typo vocabulary in memory

    def vocabulary(self):
        """Every term of the index (and perhaps some of removed documents, see ``follow``),
        read whole on the first typo search of this process and after a rebuild."""
        vocabulary = self._vocabulary
        if vocabulary is None:
            with self._vocabulary_lock:
                vocabulary = self._vocabulary
                if vocabulary is None:
                    with paused_gc(), connection.cursor() as cursor:
                        cursor.execute(f"SELECT term FROM {VOCAB_TABLE}")
                        vocabulary = Vocabulary().with_terms(term for (term,) in cursor)
                    self._vocabulary = vocabulary
        return vocabulary

    def follow(self, changed_page_ids):
        """The index moved on: add the terms of the documents ``changed_page_ids`` to the
        vocabulary in memory, or drop it when the change is not known (None: a rebuild)."""
        with self._vocabulary_lock:
            if self._vocabulary is None:
                return
            if changed_page_ids is None:
                self._vocabulary = None
                return
            rows = IndexedDocument.objects.filter(page_id__in=list(changed_page_ids))
            terms = set()
            for texts in rows.values_list(*TERM_COLUMNS):
                terms |= terms_of(*texts)
            self._vocabulary = self._vocabulary.with_terms(terms)


class Vocabulary:
    """The terms of the index by length. Never changed in place: ``with_terms`` returns a
    copy that shares the lengths it does not touch, so a search goes on scanning the
    version it started with while another thread adds a document's terms."""

    def __init__(self, by_length=None):
        self._by_length = by_length or {}  # length -> frozenset of terms

    def of_length(self, length):
        return self._by_length.get(length, frozenset())

    def with_terms(self, terms):
        added = {}
        for term in terms:
            if term not in self.of_length(len(term)):
                added.setdefault(len(term), []).append(term)
        if not added:
            return self
        by_length = dict(self._by_length)
        for length, new in added.items():
            by_length[length] = self.of_length(length).union(new)
        return Vocabulary(by_length)
