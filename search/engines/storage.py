"""Storage of the embedded engine: the analysed rows of ``IndexedDocument`` and reading
stored documents back with plain cursors (the ORM's per-row cost matters at 10,000
profiles). The full-text structures beside the rows belong to the backends
(sqlite_fts.py, postgres_fts.py)."""

import contextlib
import gc
import json
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..analysis import decompound, normalise, stem, stopwords, tokenise
from ..models import IndexedDocument

BATCH_SIZE = 500


@lru_cache(maxsize=200_000)
def analyse_token(token):
    """(term, compound-part terms) of one lowercased token; (None, ()) for a stop word.

    Cached: indexing 10,000 profiles analyses the same few thousand words over and over.
    """
    word = normalise(token)
    if word in stopwords():
        return None, ()
    return stem(word), tuple(stem(part) for part in decompound(word))


def analysed_text(text):
    """The terms of ``analysis.index_terms(text)``, space-separated for the full-text index.

    Words come first in their order, compound parts after them, so the words of a phrase
    stay adjacent (Elasticsearch puts parts at the same position as their word).
    """
    words, parts = analysed_words_and_parts(text)
    return " ".join(words + parts)


def analysed_words_and_parts(text):
    """([word terms in order], [compound-part terms]) of ``text``."""
    words, parts = [], []
    for token in tokenise(text):
        term, part_terms = analyse_token(token)
        if term is not None:
            words.append(term)
            parts.extend(part_terms)
    return words, parts


def title_sort_key(title):
    """Dictionary order (DIN 5007-1) as Elasticsearch's lowercase + asciifolding: ä as a,
    ß as ss, case ignored."""
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class StoredRow(NamedTuple):
    """One IndexedDocument row, without the cost of a model instance (bulk indexing)."""

    page_id: int
    document: dict
    title_terms: str
    extra_terms: str
    body_terms: str
    meta_terms: str
    title_key: str
    published_at: datetime | None
    start_year: int | None
    partner_count: int
    filter_data: dict


ROW_COLUMNS = [*StoredRow._fields, "indexed_at"]
# The columns with a document's analysed terms (space-separated), in the full-text order.
TERM_COLUMNS = ("title_terms", "extra_terms", "body_terms", "meta_terms")


def terms_of(*texts):
    """The set of terms in the space-separated term columns ``texts``."""
    return {term for text in texts for term in text.split()}
JSON_COLUMNS = {"document", "filter_data"}


def stored_row(document):
    """The IndexedDocument row of a search document (documents.build_document)."""
    title = document.get("title") or ""
    published = document.get("published_at")
    # The partners' places count as the partners do, and so does the summary, the
    # profile's own statement of what it is about (search/evidence.py: strong evidence;
    # it stays in the body too). Task areas, forms and tags count least.
    extra = "\n".join(
        [
            *(document.get("partners") or []),
            *(document.get("places") or []),
            document.get("summary") or "",
        ]
    )
    meta = "\n".join(document.get("keywords") or [])
    # The compound parts of partner names, places and the summary count as text, not as
    # strong evidence (evidence.PARTS_ARE_TEXT): they go to the body.
    extra_words, extra_parts = analysed_words_and_parts(extra)
    return StoredRow(
        page_id=int(document["id"]),
        document=document,
        title_terms=analysed_text(title),
        extra_terms=" ".join(extra_words),
        body_terms=" ".join([analysed_text(document.get("body") or ""), *extra_parts]),
        meta_terms=analysed_text(meta),
        title_key=title_sort_key(title),
        published_at=parse_datetime(published) if published else None,
        start_year=document.get("start_year"),
        partner_count=document.get("partner_count") or 0,
        filter_data={
            "facets": document.get("facets") or {},
            "locations": document.get("locations") or [],
        },
    )


def insert_rows(rows):
    """INSERT the rows with one executemany: a tenth of the time of bulk_create, which
    matters when rebuilding 10,000 profiles."""
    if not rows:
        return
    operations = connection.ops
    now = operations.adapt_datetimefield_value(timezone.now())
    table = IndexedDocument._meta.db_table
    columns = ", ".join(ROW_COLUMNS)
    placeholders = ", ".join(["%s"] * len(ROW_COLUMNS))
    values = []
    for row in rows:
        row_values = []
        for name, value in zip(StoredRow._fields, row, strict=True):
            if name in JSON_COLUMNS:
                value = operations.adapt_json_value(value, None)
            elif name == "published_at":
                value = operations.adapt_datetimefield_value(value)
            row_values.append(value)
        row_values.append(now)
        values.append(row_values)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection while loading: the load creates nothing cyclic but
    enough objects to trigger collections that cost three times the load itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decoded(cursor, size=2000):
    while batch := cursor.fetchmany(size):
        for page_id, data in batch:
            yield page_id, json.loads(data) if isinstance(data, str) else data


def stored_documents(page_ids):
    """{page_id: search document} of those ``page_ids`` that are indexed: one plain query,
    without the ORM's per-row cost (the hits of every search page)."""
    if not page_ids:
        return {}
    table = IndexedDocument._meta.db_table
    placeholders = ", ".join(["%s"] * len(page_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page_id, document FROM {table} WHERE page_id IN ({placeholders})",
            list(page_ids),
        )
        return dict(decoded(cursor))
