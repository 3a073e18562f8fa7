"""Full-text part of the embedded engine on SQLite: FTS5 over the analysed terms.

The analysis chain runs in Python (engines/embedded.py); the FTS5 table receives the
resulting terms separated by spaces and its unicode61 tokenizer (no diacritic removal, no
stemming) only splits them again. fts5vocab is the vocabulary.
"""

from django.db import connection

from ..analysis import edit_distance
from ..evidence import CONFIRMED

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


def char_mask(term):
    """The set of a term's characters as bits (hashed into 64; collisions only weaken
    the bound, they never reject a true candidate)."""
    mask = 0
    for char in term:
        mask |= 1 << (ord(char) % 64)
    return mask


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
        self._vocabulary = (None, None)  # (index stamp, Vocabulary)

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

    def fuzzy_candidates(self, term, max_edits, stamp):
        """Vocabulary terms within ``max_edits`` of ``term``: [(term, distance, doc count)].

        The whole vocabulary is scanned in memory (loaded once per index version), narrowed
        by length and by a character-set bound before the exact edit distance.
        """
        vocabulary = self._vocabulary_for(stamp)
        mask = char_mask(term)
        found = []
        for length in range(len(term) - max_edits, len(term) + max_edits + 1):
            for candidate, doc_count, candidate_mask in vocabulary.of_length(length):
                # Each edit changes the set of characters by at most two.
                if (mask ^ candidate_mask).bit_count() > 2 * max_edits:
                    continue
                distance = edit_distance(term, candidate, max_edits)
                if distance <= max_edits:
                    found.append((candidate, distance, doc_count))
        return found

    def _vocabulary_for(self, stamp):
        cached_stamp, vocabulary = self._vocabulary
        if cached_stamp == stamp and vocabulary is not None:
            return vocabulary
        from .storage import paused_gc

        with paused_gc(), connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {VOCAB_TABLE}")
            vocabulary = Vocabulary(cursor.fetchall())
        self._vocabulary = (stamp, vocabulary)
        return vocabulary


class Vocabulary:
    """The (term, doc count) pairs of the index by term length; the character masks of a
    length are computed when a search first needs that length."""

    def __init__(self, rows):
        self._rows = {}  # length -> [(term, doc count)]
        for term, doc_count in rows:
            self._rows.setdefault(len(term), []).append((term, doc_count))
        self._masked = {}  # length -> [(term, doc count, char mask)]

    def of_length(self, length):
        masked = self._masked.get(length)
        if masked is None:
            masked = [(term, count, char_mask(term)) for term, count in self._rows.get(length, ())]
            self._masked[length] = masked  # concurrent threads compute the same list
        return masked
