"""The embedded search engine: the site's own database, no other server.

Text matching and ranking run in the database's full-text search (a ``FullTextBackend``:
SQLite FTS5 or PostgreSQL tsvector, see fulltext.py) over terms produced by the shared
Python analysis chain (search/analysis.py), so both databases and Elasticsearch see the
same terms. Filters, disjunctive facet counts, sorting and paging run in a per-process
in-memory facet index (facet_index.py), brought up to date whenever the version in
``IndexVersion`` changes (one small query per search): with the documents the change log
names, or read whole after a rebuild. The modules beside this one: storage.py (the rows),
highlight.py, typo.py (typo variants and "Meinten Sie …?").
docs/search.md describes the whole engine and where it differs from Elasticsearch.
"""

import threading
import time
from functools import cached_property

from django.db import connection, transaction

from register.geo import distance_km

from .. import thesaurus
from ..analysis import clean_text, query_clauses
from ..contract import Hit, SearchResults
from ..evidence import ANY, chosen_level
from ..facets import FACETS_BY_KEY
from ..models import IndexChange, IndexedDocument, IndexVersion
from ..results import facet_results
from .facet_index import FacetIndex
from .fulltext import FullTextBackend, fulltext_backend
from .highlight import highlight
from .storage import BATCH_SIZE, insert_rows, paused_gc, stored_documents, stored_row
from .typo import text_plan

# Changed documents applied to a facet index at most (or a twentieth of the index): beyond,
# reading every document is about as fast. Holes (slots of removed documents) at most (or
# a quarter of the index): beyond, a fresh read makes the bitsets shorter.
MAX_CHANGES = 500


class EmbeddedEngine:
    """Implements contract.SearchEngine on the default database (SQLite or PostgreSQL)."""

    def __init__(self):
        self._facet_index = None
        self._lock = threading.Lock()

    @property
    def name(self):
        return f"embedded-{connection.vendor}"

    @cached_property
    def fulltext(self) -> FullTextBackend:
        return fulltext_backend()

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
            IndexVersion.bump(page_ids)

    def delete_documents(self, page_ids):
        page_ids = sorted({int(page_id) for page_id in page_ids})
        if not page_ids:
            return
        with transaction.atomic():
            self.fulltext.write(page_ids, [])
            if self._delete_rows(page_ids):
                IndexVersion.bump(page_ids)

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
        # The version is read first: a change committed while reading documents is applied
        # again on the next search (applying a change reads the document as it is then).
        version, stamp = IndexVersion.current()
        index = self._facet_index
        if index is not None and index.stamp == stamp:
            return index
        with self._lock:
            index = self._facet_index
            if index is None or index.stamp != stamp:
                index = self._caught_up(index, version, stamp)
                self._facet_index = index
        return index

    def _caught_up(self, index, version, stamp):
        """The facet index at (version, stamp): ``index`` with the documents changed since
        applied, when the change log names them and they are few; otherwise read whole."""
        changed = None
        if index is not None:
            changed = IndexChange.changed_pages(index.version, index.stamp, version)
            if changed is not None and len(changed) > max(MAX_CHANGES, index.size // 20):
                changed = None
        self.fulltext.follow(changed)
        if changed is not None:
            index = index.updated(version, stamp, changed)
            if index.holes <= max(MAX_CHANGES, index.size // 4):
                return index
        with paused_gc():
            return FacetIndex.load(version, stamp)

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
        thesaurus.refresh(index.stamp)  # editors' synonyms as of this index version
        clauses = query_clauses(text) if text else []
        plan = None
        if clauses:
            plan = text_plan(self.fulltext, clauses, text, suggest=scored)
        narrowing, ranked = index.all, None
        if plan is not None:
            by_relevance = scored and query.effective_sort == "relevanz"
            matches = self.fulltext.match(plan.clauses, scored=by_relevance)
            # Precision: only the documents of the best evidence level are hits
            # (search/evidence.py).
            if matches:
                found = {}

                def has_matches(level):
                    found[level] = self.fulltext.evidence(plan.clauses, level)
                    return bool(found[level])

                level = chosen_level(has_matches, guessed=plan.guessed)
                if level != ANY:
                    kept = found.get(level, set())
                    matches = [(page_id, score) for page_id, score in matches if page_id in kept]
            ranked = index.ranked_slots(matches)
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
        documents = stored_documents(page_ids)
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
