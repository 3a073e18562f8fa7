"""The embedded search engine: the site's own database, no other server.

Text matching and ranking run in the database's full-text search (SQLite FTS5 or
PostgreSQL tsvector, see sqlite_fts.py / postgres_fts.py) over terms produced by the shared
Python analysis chain (search/analysis.py), so both databases and Elasticsearch see the
same terms. Filters, disjunctive facet counts, sorting and paging run in a per-process
in-memory facet index: one Python int per facet value used as a bitset, so a facet count
is ``(base & value_bits).bit_count()``. The index is rebuilt from ``IndexedDocument``
whenever the stamp in ``IndexVersion`` changes (one small query per search).
docs/search.md describes the whole engine and where it differs from Elasticsearch.
"""

import bisect
import contextlib
import gc
import heapq
import json
import math
import re
import threading
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe

from register.geo import EARTH_RADIUS_KM, distance_km

from ..analysis import (
    TOKEN_RE,
    allowed_edits,
    clean_text,
    decompound,
    edit_distance,
    normalise,
    query_clauses,
    stem,
    stopwords,
    tokenise,
)
from ..contract import Hit, SearchResults
from ..facets import FACETS, FACETS_BY_KEY
from ..models import IndexedDocument, IndexVersion
from ..results import facet_results

MAX_EXPANSIONS = 50  # typo variants per query term (Elasticsearch's fuzzy default)
SNIPPET_LENGTH = 180  # characters of body text around the matches
SNIPPET_CONTEXT = 40  # characters before the first match
BATCH_SIZE = 500

# --- analysis of stored text -------------------------------------------------------------


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
    words, parts = [], []
    for token in tokenise(text):
        term, part_terms = analyse_token(token)
        if term is not None:
            words.append(term)
            parts.extend(part_terms)
    return " ".join(words + parts)


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
    title_key: str
    published_at: datetime | None
    start_year: int | None
    partner_count: int
    filter_data: dict


ROW_COLUMNS = [*StoredRow._fields, "indexed_at"]
JSON_COLUMNS = {"document", "filter_data"}


def stored_row(document):
    """The IndexedDocument row of a search document (documents.build_document)."""
    title = document.get("title") or ""
    published = document.get("published_at")
    extra = "\n".join([*(document.get("partners") or []), *(document.get("keywords") or [])])
    return StoredRow(
        page_id=int(document["id"]),
        document=document,
        title_terms=analysed_text(title),
        extra_terms=analysed_text(extra),
        body_terms=analysed_text(document.get("body") or ""),
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


# --- highlighting --------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


def _match_spans(text, terms, phrases=()):
    """(start, end, label) of the words of ``text`` that a query matches: a word whose term
    (or one of its compound parts) is in ``terms``, or a run of words forming one of
    ``phrases`` (stop words in between are skipped, as in the index)."""
    tokens = []
    for match in TOKEN_RE.finditer(text):
        term, parts = analyse_token(match.group().lower())
        if term is not None:
            tokens.append((match.start(), match.end(), term, parts))
    marked = {}
    for index, (_, _, term, parts) in enumerate(tokens):
        if term in terms:
            marked[index] = term
        else:
            part = next((part for part in parts if part in terms), None)
            if part is not None:
                marked[index] = part
    for phrase in phrases:
        size = len(phrase)
        for first in range(len(tokens) - size + 1):
            if all(tokens[first + k][2] == phrase[k] for k in range(size)):
                for k in range(size):
                    marked[first + k] = " ".join(phrase)
    return [(tokens[index][0], tokens[index][1], marked[index]) for index in sorted(marked)]


def _best_window(text, spans, length):
    """(start, end) of a passage of about ``length`` characters with the most different
    matched terms (the earliest of equals), starting and ending at word boundaries."""
    best, best_count = 0, 0
    for first in range(len(spans)):
        window_start = spans[first][0]
        seen = set()
        for index in range(first, len(spans)):
            _, span_end, term = spans[index]
            if span_end - window_start > length:
                break
            seen.add(term)
        if len(seen) > best_count:
            best, best_count = first, len(seen)
    match_start = spans[best][0]
    start = max(0, match_start - SNIPPET_CONTEXT)
    if start > 0:
        space = text.find(" ", start, match_start)
        start = space + 1 if space != -1 else match_start
    end = max(start + length, spans[best][1])
    if end < len(text):
        space = text.rfind(" ", spans[best][1], end)
        end = space if space != -1 else end
        # never cut through a marked word
        for span_start, span_end, _ in spans:
            if span_start < end < span_end:
                end = span_end
    return start, min(end, len(text))


def _render(text, spans, start, end):
    pieces = ["… "] if start > 0 else []
    cursor = start
    for span_start, span_end, _ in spans:
        if span_end <= start or span_start < cursor:
            continue
        if span_start >= end:
            break
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return _WHITESPACE.sub(" ", "".join(pieces)).strip()


def highlight(document, terms, phrases=(), length=SNIPPET_LENGTH):
    """Safe HTML from the document's summary, or else the best passage of its body: all
    text escaped, words matching ``terms`` or ``phrases`` (analysed, as in
    analysis.Clause) wrapped in <mark>.

    Empty when neither contains a match (the match was in the title or the partners).
    The same on both databases; Elasticsearch's highlighter works alike (whole summary,
    else a body fragment).
    """
    if not terms and not phrases:
        return ""
    summary = document.get("summary") or ""
    spans = _match_spans(summary, terms, phrases)
    if spans:
        return mark_safe(_render(summary, spans, 0, len(summary)))
    body = document.get("body") or ""
    spans = _match_spans(body, terms, phrases)
    if not spans:
        return ""
    start, end = _best_window(body, spans, length)
    return mark_safe(_render(body, spans, start, end))


# --- the in-memory facet index --------------------------------------------------------------


def longitude_band(lat, lat_margin, radius_km):
    """Degrees of longitude beyond which no point within ``lat_margin`` degrees of latitude
    ``lat`` is within ``radius_km`` of (lat, any longitude); None when there is no such bound
    (near a pole, or a radius of half the globe).

    By the haversine formula, a point within ``radius_km`` has
    cos(lat) * cos(lat2) * sin²(Δlon / 2) <= sin²(radius / 2R); cos(lat2) is smallest at the
    edge of the latitude band. The bound is widened a little, so that rounding can never
    drop a point that ``distance_km`` would keep."""
    low, high = math.radians(lat - lat_margin), math.radians(lat + lat_margin)
    if low <= -math.pi / 2 or high >= math.pi / 2:
        return None
    cosines = math.cos(math.radians(lat)) * min(math.cos(low), math.cos(high))
    half_angle = radius_km / (2 * EARTH_RADIUS_KM)
    if cosines <= 0 or half_angle >= math.pi / 2:
        return None
    bound = math.sin(half_angle) ** 2 / cosines
    if bound >= 1:
        return None
    band = math.degrees(2 * math.asin(math.sqrt(bound)))
    return band * (1 + 1e-9) + 1e-9


_BITS_OF_BYTE = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]
_NONZERO = re.compile(rb"[^\x00]")


class FacetIndex:
    """Bitsets over positions 0..n-1, which list the documents newest first.

    One Python int per facet value and start year; set operations and
    ``int.bit_count()`` run in C, so counting every facet value is cheap even at 100,000
    profiles. Built from ``IndexedDocument`` rows; never changed, only replaced.
    """

    def __init__(self, stamp, rows, filter_data):
        """``rows``: (page_id, published_at, title_key, partner_count, start_year) as the
        database driver returns them; ``filter_data``: (page_id, filter_data) pairs, read
        one at a time so that the decoded JSON never has to be held all at once."""
        self.stamp = stamp
        rows = _newest_first(rows)
        self.size = len(rows)
        self.nbytes = (self.size + 7) // 8
        self.all = (1 << self.size) - 1
        self.ids = [row[0] for row in rows]
        self.position = {page_id: position for position, page_id in enumerate(self.ids)}

        published_rank, previous, rank = [], object(), 0
        year_positions = defaultdict(list)
        for position, (_, published, _, _, start_year) in enumerate(rows):
            if published != previous:
                rank, previous = position, published
            published_rank.append(rank)
            if start_year is not None:
                year_positions[start_year].append(position)

        value_positions = defaultdict(list)  # (facet key, value) -> positions
        point_positions = defaultdict(list)  # (lat, lon) -> positions
        for page_id, data in filter_data:
            position = self.position.get(page_id)
            if position is None:
                continue  # written between the two reads: the next search reloads
            for key, values in (data.get("facets") or {}).items():
                for value in values:
                    value_positions[key, value].append(position)
            for lat, lon in data.get("locations") or ():
                point_positions[lat, lon].append(position)

        self.published_rank = published_rank  # equal dates share a rank (relevance ties)
        self.facets = {facet.key: {} for facet in FACETS}
        for (key, value), positions in value_positions.items():
            self.facets.setdefault(key, {})[value] = self.bits_of(positions)
        self.years = {year: self.bits_of(positions) for year, positions in year_positions.items()}
        # Positions, not bitsets: most of the ~10,000 places have few profiles, and a
        # bitset always costs n/8 bytes.
        points = sorted(point_positions.items())
        self.point_lats = [lat for (lat, _), _ in points]
        self.points = [(lat, lon, positions) for (lat, lon), positions in points]

        title_keys = [row[2] for row in rows]
        partner_counts = [row[3] for row in rows]
        self.orders = {}
        self.ranks = {}
        for sort, key in {
            "name": lambda p: (title_keys[p], self.ids[p]),
            "partner": lambda p: (-partner_counts[p], title_keys[p], self.ids[p]),
        }.items():
            order = sorted(range(self.size), key=key)
            rank = [0] * self.size
            for place, position in enumerate(order):
                rank[position] = place
            self.orders[sort], self.ranks[sort] = order, rank
        self._unfiltered_counts = None

    @classmethod
    def load(cls, stamp):
        """Read what the facet index needs of every stored document. Plain cursors: the
        ORM's per-value converters would double the time at 100,000 profiles."""
        table = IndexedDocument._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id, published_at, title_key, partner_count, start_year FROM {table}"
            )
            rows = cursor.fetchall()
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT page_id, filter_data FROM {table}")
            return cls(stamp, rows, _decoded(cursor))

    def bits_of(self, positions):
        buffer = bytearray(self.nbytes)
        for position in positions:
            buffer[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(buffer, "little")

    def iter_positions(self, bits):
        """Set positions in ascending order (newest first)."""
        data = bits.to_bytes(self.nbytes, "little")
        for match in _NONZERO.finditer(data):
            offset = match.start() * 8
            for bit in _BITS_OF_BYTE[data[match.start()]]:
                yield offset + bit

    # filters

    def facet_filter(self, key, values):
        """Values of one facet are ORed."""
        by_value = self.facets.get(key, {})
        bits = 0
        for value in values:
            bits |= by_value.get(value, 0)
        return bits

    def year_filter(self, minimum, maximum):
        bits = 0
        for year, year_bits in self.years.items():
            if (minimum is None or year >= minimum) and (maximum is None or year <= maximum):
                bits |= year_bits
        return bits

    def geo_filter(self, lat, lon, radius_km):
        """Documents with a partner location within ``radius_km``."""
        # A latitude band first: the distance is at least the meridian distance.
        margin = math.degrees(radius_km / EARTH_RADIUS_KM) + 1e-9
        low = bisect.bisect_left(self.point_lats, lat - margin)
        high = bisect.bisect_right(self.point_lats, lat + margin)
        # Then a longitude band (when there is one): cheaper than the distance.
        band = longitude_band(lat, margin, radius_km)
        positions = []
        for point_lat, point_lon, point_positions in self.points[low:high]:
            if band is not None and band < abs(point_lon - lon) < 360 - band:
                continue
            if distance_km(lat, lon, point_lat, point_lon) <= radius_km:
                positions.extend(point_positions)
        return self.bits_of(positions)

    # counting

    def facet_counts(self, narrowing, selections):
        """Disjunctive counts: each facet is counted under every filter but its own."""
        full = narrowing
        for bits in selections.values():
            full &= bits
        counts = {}
        for facet in FACETS:
            base = full
            if facet.key in selections:
                base = narrowing
                for key, bits in selections.items():
                    if key != facet.key:
                        base &= bits
            if base == self.all:
                counts[facet.key] = self.unfiltered_counts()[facet.key]
            elif base:
                counts[facet.key] = self._count(facet.key, base)
            else:
                counts[facet.key] = {}
        return counts

    def _count(self, key, base):
        counts = {}
        for value, bits in self.facets.get(key, {}).items():
            count = (base & bits).bit_count()
            if count:
                counts[value] = count
        return counts

    def unfiltered_counts(self):
        if self._unfiltered_counts is None:
            self._unfiltered_counts = {
                facet.key: self._count(facet.key, self.all) for facet in FACETS
            }
        return self._unfiltered_counts

    # ordering

    def ranked_page(self, result, ranked, offset, limit):
        """(position, score) of hits ``offset`` to ``offset + limit`` of ``result`` by
        relevance. ``ranked``: (position, score) of the text matches, best first; equal
        scores go newest first, then by page id (as in Elasticsearch)."""
        need = offset + limit
        if need <= 0 or not result:
            return []
        members = result.to_bytes(self.nbytes, "little")
        found = []
        for position, score in ranked:
            if position is None or not members[position >> 3] >> (position & 7) & 1:
                continue
            if len(found) >= need and score != found[-1][1]:
                break  # past the page and past every tie with its last hit
            found.append((position, score))
        found.sort(key=lambda entry: (-entry[1], self.published_rank[entry[0]], self.ids[entry[0]]))
        return found[offset:need]

    def page(self, result, sort, offset, limit):
        """Positions of hits ``offset`` to ``offset + limit`` of ``result`` in ``sort`` order
        ("neueste", "name" or "partner")."""
        need = offset + limit
        if need <= 0 or not result:
            return []
        if sort not in self.orders:  # "neueste": positions are in that order already
            found = []
            for position in self.iter_positions(result):
                found.append(position)
                if len(found) >= need:
                    break
            return found[offset:]
        if result.bit_count() * 16 < self.size:
            # Few hits: take them all and order them.
            rank = self.ranks[sort]
            return heapq.nsmallest(need, self.iter_positions(result), key=rank.__getitem__)[offset:]
        # Many hits: walk the precomputed order until the page is full.
        members = result.to_bytes(self.nbytes, "little")
        found = []
        for position in self.orders[sort]:
            if members[position >> 3] >> (position & 7) & 1:
                found.append(position)
                if len(found) >= need:
                    break
        return found[offset:]


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


def _decoded(cursor, size=2000):
    while batch := cursor.fetchmany(size):
        for page_id, data in batch:
            yield page_id, json.loads(data) if isinstance(data, str) else data


def _stored_documents(page_ids):
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
        return dict(_decoded(cursor))


def _newest_first(rows):
    """``published_at`` desc (none last), then title key, then page id. Two stable sorts,
    so the dates are compared as the driver returns them (ISO text on SQLite)."""
    rows = sorted(rows, key=lambda row: (row[2], row[0]))
    rows.sort(key=lambda row: (row[1] is not None, row[1] or ""), reverse=True)
    return rows


# --- text queries ---------------------------------------------------------------------------


@dataclass
class TextPlan:
    """A query's clauses as the full-text index gets them, after typo expansion."""

    clauses: list  # [[alternative phrase (tuple of terms), ...], ...], ANDed
    terms: frozenset  # single terms that may match (with typo variants): for highlighting
    phrases: tuple  # multi-word alternatives: for highlighting
    suggestion: str | None = None


def corrected_text(text, corrections):
    """``text`` with each word whose normalised form is in ``corrections`` replaced."""
    pieces, cursor, changed = [], 0, False
    for match in TOKEN_RE.finditer(text):
        replacement = corrections.get(normalise(match.group()))
        if replacement is not None:
            pieces.append(text[cursor : match.start()])
            pieces.append(replacement)
            cursor = match.end()
            changed = True
    pieces.append(text[cursor:])
    return "".join(pieces) if changed else None


# --- the engine -------------------------------------------------------------------------


class EmbeddedEngine:
    """Implements contract.SearchEngine on the default database (SQLite or PostgreSQL)."""

    def __init__(self):
        self._facet_index = None
        self._lock = threading.Lock()

    @property
    def name(self):
        return f"embedded-{connection.vendor}"

    @cached_property
    def fulltext(self):
        if connection.vendor == "sqlite":
            from .sqlite_fts import SqliteFullText

            return SqliteFullText()
        if connection.vendor == "postgresql":
            from .postgres_fts import PostgresFullText

            return PostgresFullText()
        raise ImproperlyConfigured(
            f"The embedded search engine supports SQLite and PostgreSQL, not {connection.vendor}."
        )

    # indexing

    def index_documents(self, documents):
        rows = list({row.page_id: row for row in map(stored_row, documents)}.values())
        if not rows:
            return
        page_ids = [row.page_id for row in rows]
        with transaction.atomic():
            self.fulltext.write(page_ids, rows)
            self._delete_rows(page_ids)
            insert_rows(rows)
            IndexVersion.bump()

    def delete_documents(self, page_ids):
        page_ids = sorted({int(page_id) for page_id in page_ids})
        if not page_ids:
            return
        with transaction.atomic():
            self.fulltext.write(page_ids, [])
            if self._delete_rows(page_ids):
                IndexVersion.bump()

    def rebuild(self, documents, *, total=None, progress=False):
        """Replace the whole index in one transaction: searches see the old one until then."""
        if progress:
            from tqdm import tqdm

            documents = tqdm(documents, total=total, desc=self.name, unit="Profil")
        count = 0
        with transaction.atomic():
            self.fulltext.clear()
            IndexedDocument.objects.all().delete()
            batch = []
            for document in documents:
                batch.append(stored_row(document))
                if len(batch) >= BATCH_SIZE:
                    count += self._write_batch(batch)
                    batch = []
            count += self._write_batch(batch)
            self.fulltext.finish_rebuild()
            IndexVersion.bump()
        return count

    def _write_batch(self, rows):
        if rows:
            self.fulltext.write([], rows, rebuilding=True)
            insert_rows(rows)
        return len(rows)

    def _delete_rows(self, page_ids):
        deleted = 0
        for start in range(0, len(page_ids), BATCH_SIZE):
            chunk = page_ids[start : start + BATCH_SIZE]
            deleted += IndexedDocument.objects.filter(page_id__in=chunk).delete()[0]
        return deleted

    def count(self):
        return IndexedDocument.objects.count()

    # searching

    def facet_index(self):
        """The in-memory facet index of the current index version."""
        # The stamp is read first: a change committed while loading only causes one more
        # reload later, never a stale index kept as current.
        stamp = IndexVersion.current_stamp()
        index = self._facet_index
        if index is not None and index.stamp == stamp:
            return index
        with self._lock:
            index = self._facet_index
            if index is None or index.stamp != stamp:
                with paused_gc():
                    index = FacetIndex.load(stamp)
                self._facet_index = index
        return index

    def search(self, query):
        started = time.perf_counter()
        index = self.facet_index()
        sort = query.effective_sort
        plan, narrowing, selections, ranked = self._matching(index, query, scored=True)
        if sort == "relevanz" and plan is None:
            sort = "neueste"  # nothing to rank by (e.g. only punctuation typed)
        result = narrowing
        for bits in selections.values():
            result &= bits

        counts = index.facet_counts(narrowing, selections)
        offset = max(0, query.offset)
        limit = max(0, query.page_size)
        if sort == "relevanz" and ranked is not None:
            entries = index.ranked_page(result, ranked, offset, limit)
        else:
            entries = [(position, None) for position in index.page(result, sort, offset, limit)]
        return SearchResults(
            query=query,
            hits=self._hits(index, entries, plan, query),
            total=result.bit_count(),
            facets=facet_results(counts, query),
            suggestion=plan.suggestion if plan else None,
            engine=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def total(self, query):
        """``search(query).total``, without sorting, counting facets or loading hits."""
        index = self.facet_index()
        _, result, selections, _ = self._matching(index, query, scored=False)
        for bits in selections.values():
            result &= bits
        return result.bit_count()

    def _matching(self, index, query, *, scored):
        """(text plan or None, bits of the documents matching the text, years and place,
        {facet key: bits of its selected values}, ranked text matches or None).

        ``ranked``: (position, score) of the documents matching the text, best first with
        a score when ``scored`` and the query is sorted by relevance. Without ``scored``
        there is no suggestion ("Meinten Sie …?") either: only the matches count."""
        text = clean_text(query.text).strip()
        clauses = query_clauses(text) if text else []
        plan = self.text_plan(clauses, text, index.stamp, suggest=scored) if clauses else None
        narrowing, ranked = index.all, None
        if plan is not None:
            position_of = index.position.get  # None: indexed after the facet index was loaded
            by_relevance = scored and query.effective_sort == "relevanz"
            ranked = [
                (position_of(page_id), score)
                for page_id, score in self.fulltext.match(plan.clauses, scored=by_relevance)
            ]
            narrowing &= index.bits_of(position for position, _ in ranked if position is not None)
        if query.start_year_min is not None or query.start_year_max is not None:
            narrowing &= index.year_filter(query.start_year_min, query.start_year_max)
        if query.geo is not None:
            geo = query.geo
            narrowing &= index.geo_filter(geo.latitude, geo.longitude, geo.radius_km)
        selections = {
            key: index.facet_filter(key, values)
            for key, values in query.filters.items()
            if key in FACETS_BY_KEY and values
        }
        return plan, narrowing, selections, ranked

    def _hits(self, index, entries, plan, query):
        page_ids = [index.ids[position] for position, _ in entries]
        documents = _stored_documents(page_ids)
        hits = []
        for (_, score), page_id in zip(entries, page_ids, strict=True):
            document = documents.get(page_id)
            if document is None:  # deleted after the facet index was loaded
                continue
            distance = None
            if query.geo is not None and document.get("locations"):
                distance = min(
                    distance_km(query.geo.latitude, query.geo.longitude, lat, lon)
                    for lat, lon in document["locations"]
                )
            hits.append(
                Hit(
                    page_id=page_id,
                    title=document.get("title", ""),
                    url=document.get("url", ""),
                    summary=document.get("summary", ""),
                    highlight=highlight(document, plan.terms, plan.phrases) if plan else "",
                    score=score,
                    document=document,
                    distance_km=round(distance, 1) if distance is not None else None,
                )
            )
        return hits

    def text_plan(self, clauses, text, stamp, *, suggest=True):
        """Expand unknown terms to their typo variants and find "Meinten Sie …?" (only
        if ``suggest``; it costs queries)."""
        everything = {t for clause in clauses for phrase in clause.alternatives for t in phrase}
        frequencies = self.fulltext.document_frequencies(everything)
        terms = {p[0] for clause in clauses for p in clause.alternatives if len(p) == 1}
        phrases = tuple(
            sorted({p for clause in clauses for p in clause.alternatives if len(p) > 1})
        )
        expanded, corrections = [], {}
        for clause in clauses:
            alternatives = list(clause.alternatives)
            for phrase in clause.alternatives:
                if len(phrase) != 1 or frequencies.get(phrase[0]):
                    continue
                candidates = self.typo_candidates(phrase[0], stamp)
                for candidate in candidates:
                    terms.add(candidate)
                    if (candidate,) not in alternatives:
                        alternatives.append((candidate,))
                # A plain word (not a synonym) that nothing contains: suggest the best.
                plain = len(clause.alternatives) == 1 and len(clause.words) == 1
                if candidates and plain and suggest:
                    corrections[clause.words[0]] = self.surface_form(candidates[0], clause.words[0])
            expanded.append(alternatives)
        return TextPlan(expanded, frozenset(terms), phrases, corrected_text(text, corrections))

    def typo_candidates(self, term, stamp):
        """Vocabulary terms within fuzziness AUTO of ``term``: the nearest first, then the
        most frequent (as Elasticsearch ranks fuzzy expansions), at most MAX_EXPANSIONS."""
        max_edits = allowed_edits(term)
        if not max_edits:
            return []
        found = self.fulltext.fuzzy_candidates(term, max_edits, stamp)
        found.sort(key=lambda entry: (entry[1], -entry[2], entry[0]))
        return [candidate for candidate, _, _ in found[:MAX_EXPANSIONS]]

    def surface_form(self, term, user_word):
        """A word as it is written in the profiles whose term is ``term`` (terms are stems
        such as "behord"): the one closest to what the user typed. ``term`` if none."""
        page_ids = self.fulltext.first_documents(term, 3)
        best = None
        for document in IndexedDocument.objects.filter(page_id__in=page_ids).values_list(
            "document", flat=True
        ):
            text = "\n".join(
                [
                    document.get("title") or "",
                    *(document.get("partners") or []),
                    *(document.get("keywords") or []),
                    document.get("body") or "",
                ]
            )
            for token in set(tokenise(text)):
                if analyse_token(token)[0] == term:
                    limit = max(len(token), len(user_word))
                    key = (edit_distance(normalise(token), user_word, limit), len(token), token)
                    best = min(best, key) if best else key
        return best[2] if best else term
