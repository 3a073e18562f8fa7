"""The Elasticsearch engine (elasticsearch.dsl, client 9).

One index per build, named ``<alias>-<timestamp>``; searches and live updates go through
the alias. ``rebuild`` fills a new index and swaps the alias atomically, so search never
goes dark. Requests are built with elasticsearch.dsl and are plain dicts, so tests can
check them without a server (``build_search``, ``index_body``, ``alias_swap_actions``);
responses are turned into ``SearchResults`` by ``parse_response``.

Facets are disjunctive: the selection narrows the hits through ``post_filter``, and each
selected facet is counted in a filter aggregation that applies every *other* facet's
selection, so its own values keep their counts (multi-select, as in good shops).
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import (
    A,
    Date,
    Document,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    Text,
)
from elasticsearch.helpers import streaming_bulk

from register.geo import distance_km

from .. import evidence
from ..analysis import (
    FUZZINESS,
    clean_text,
    elasticsearch_analysis,
    is_cooperation_part,
    query_clauses,
    split_compound,
)
from ..contract import MAX_PAGE, Hit, SearchQuery, SearchResults
from ..facets import FACETS, FACETS_BY_KEY
from ..results import facet_results
from ..thesaurus import abbreviations

logger = logging.getLogger(__name__)

GERMAN = "atlas_german"  # index analyzer (from analysis.elasticsearch_analysis)
GERMAN_SEARCH = "atlas_german_search"  # query analyzer: adds synonyms
SORT_NORMALIZER = "atlas_sort"
SUGGEST_ANALYZER = "atlas_suggest"

# Title beats everything, then partners and their places (Kreis, Regierungsbezirk, Land,
# regions); the profile's text next. Task areas, forms and tags (keywords) count least: a
# profile matched only through a task-area name ranks below one whose text says it.
BOOSTS = {"title": 4, "partners": 2, "places": 2, "summary": 1.5, "body": 1, "keywords": 0.5}


def _fields(names):
    return [name if BOOSTS[name] == 1 else f"{name}^{BOOSTS[name]:g}" for name in names]


TEXT_FIELDS = _fields(BOOSTS)
# The fields by the evidence they give (search/evidence.py): the strong fields' words
# (``.words``: no compound parts) are strong, their parts count as text.
STRONG = [
    field.replace(name, f"{name}.words", 1) if name in evidence.PARTS_ARE_TEXT else field
    for name, field in zip(evidence.STRONG_FIELDS, _fields(evidence.STRONG_FIELDS), strict=True)
]
TEXT_ONLY = _fields(evidence.PARTS_ARE_TEXT + evidence.TEXT_FIELDS)
STRONG_AND_TEXT = STRONG + TEXT_ONLY
LABELS = _fields(evidence.LABEL_FIELDS)
FACET_SIZE = 1000  # every value of a facet is listed (there are about 400 Kreise)
MAX_PAGE_SIZE = 100
HIGHLIGHT = {
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",  # the text around the marks is HTML-escaped
}
SUGGESTION = "meinten_sie"
INDEX_TIMEOUT = 120  # seconds; indexing may wait, a search may not
INDEX_RETRIES = 3


def _german_text(**kwargs):
    return Text(analyzer=GERMAN, search_analyzer=GERMAN_SEARCH, **kwargs)


def _words_text():
    return Text(analyzer=GERMAN_SEARCH)  # the chain without the decompounder


# Everything a user may type is also copied into all_text (every word must match
# somewhere) and suggest (the vocabulary of "Meinten Sie …?").
_COPY = ["all_text", "suggest"]


class ProfileDocument(Document):
    """The explicit mapping of a search document (see documents.build_document)."""

    id = Integer()
    title = _german_text(copy_to=_COPY, fields={"sort": Keyword(normalizer=SORT_NORMALIZER)})
    url = Keyword(index=False)
    # ``words``: without compound parts, the strong evidence of evidence.PARTS_ARE_TEXT.
    summary = _german_text(fields={"words": _words_text()})
    body = _german_text(copy_to=_COPY)
    partners = _german_text(copy_to=_COPY, fields={"raw": Keyword(), "words": _words_text()})
    keywords = _german_text(copy_to=_COPY, fields={"raw": Keyword()})
    places = _german_text(copy_to=_COPY, fields={"words": _words_text()})
    published_at = Date()
    start_year = Integer()
    partner_count = Integer()
    locations = GeoPoint()
    facets = Object(properties={facet.key: Keyword() for facet in FACETS})
    display = Object(enabled=False)  # only shown, never searched
    all_text = _german_text()
    suggest = Text(analyzer=SUGGEST_ANALYZER)

    class Meta:
        # A field added to build_document later is kept in _source but not indexed,
        # instead of getting a guessed mapping (or breaking indexing).
        dynamic = MetaField(False)

    @classmethod
    def from_search_document(cls, document, index):
        source = dict(document)
        # geo_point arrays are [lon, lat]; objects leave no doubt.
        source["locations"] = [{"lat": lat, "lon": lon} for lat, lon in document["locations"]]
        return cls(meta={"id": document["id"], "index": index}, **source)


def analysis_settings():
    """analysis.elasticsearch_analysis() plus what only this engine needs."""
    analysis = elasticsearch_analysis()
    # DIN 5007-1 dictionary order: ä sorts as a, ß as ss; case does not matter.
    analysis.setdefault("normalizer", {})[SORT_NORMALIZER] = {
        "type": "custom",
        "filter": ["lowercase", "asciifolding"],
    }
    # Word n-grams for the phrase suggester; no stemming, so suggestions are real words.
    analysis["filter"]["atlas_shingle"] = {
        "type": "shingle",
        "min_shingle_size": 2,
        "max_shingle_size": 3,
    }
    analysis["analyzer"][SUGGEST_ANALYZER] = {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "atlas_shingle"],
    }
    return analysis


def index_definition(name):
    index = Index(name)
    index.settings(
        number_of_shards=1,  # a few thousand profiles: one shard, exact scores and counts
        auto_expand_replicas="0-1",  # green on one node, a replica when there are two
        max_result_window=MAX_PAGE * MAX_PAGE_SIZE,
        analysis=analysis_settings(),
    )
    index.mapping(ProfileDocument._doc_type.mapping)
    return index


def index_body(name):
    """The body of the create-index request."""
    return index_definition(name).to_dict()


def alias_swap_actions(alias, new_index, old_indices, *, alias_is_index=False):
    """The one atomic update_aliases request that points ``alias`` at ``new_index``.

    ``alias_is_index``: a concrete index of that name exists (e.g. created by accident);
    it is removed in the same request, so the name is never unresolvable.
    """
    actions = [{"remove": {"index": old, "alias": alias}} for old in old_indices]
    actions.append({"add": {"index": new_index, "alias": alias}})
    if alias_is_index:
        actions.append({"remove_index": {"index": alias}})
    return actions


# --- requests ----------------------------------------------------------------------------


def _facet_filters(query):
    """facet key -> terms filter for the selected values (values ORed within a facet)."""
    return {
        key: Q("terms", **{f"facets.{key}": list(values)})
        for key, values in query.filters.items()
        if key in FACETS_BY_KEY and values
    }


def _all_of(filters):
    return Q("bool", filter=filters) if filters else Q("match_all")


def _base_filters(query):
    """Filters that narrow hits *and* counts (they are not facets)."""
    filters = []
    if query.start_year_min is not None or query.start_year_max is not None:
        bounds = {}
        if query.start_year_min is not None:
            bounds["gte"] = query.start_year_min
        if query.start_year_max is not None:
            bounds["lte"] = query.start_year_max
        filters.append(Q("range", start_year=bounds))
    if query.geo is not None:
        filters.append(
            Q(
                "geo_distance",
                distance=f"{query.geo.radius_km:g}km",
                locations={"lat": query.geo.latitude, "lon": query.geo.longitude},
            )
        )
    return filters


def clause_query(clause, fields=TEXT_FIELDS):
    """One ``analysis.Clause``: any of its alternatives in any of ``fields``. A single
    word forgives typos (fuzziness "AUTO:5,8", as ``analysis.allowed_edits``: none up to
    four letters) unless it is a known abbreviation; a phrase must match as a phrase. A
    compound of the word list also matches through its parts (without the parts every
    cooperation is about), as the embedded engine does for a word no profile contains."""
    alternatives = []
    for phrase in clause.phrases:
        text = " ".join(phrase)
        if len(phrase) > 1:
            alternatives.append(Q("multi_match", query=text, fields=fields, type="phrase"))
            continue
        fuzziness = "0" if text in abbreviations() else FUZZINESS
        alternatives.append(
            Q(
                "multi_match",
                query=text,
                fields=fields,
                type="best_fields",
                tie_breaker=0.3,
                fuzziness=fuzziness,
            )
        )
    if len(clause.phrases) == 1 and len(clause.words) == 1:
        parts = [p for p in split_compound(clause.words[0]) if not is_cooperation_part(p)]
        if parts:
            # A guess from the parts counts only when confirmed (evidence.chosen_level).
            alternatives.append(
                Q("bool", must=[_confirmed(_part_query(part)) for part in parts])
                if fields == TEXT_FIELDS
                else Q("bool", must=[Q("multi_match", query=p, fields=fields) for p in parts])
            )
    if len(alternatives) == 1:
        return alternatives[0]
    return Q("bool", should=alternatives, minimum_should_match=1)


def _part_query(part):
    return lambda fields: Q("multi_match", query=part, fields=fields)


def _confirmed(make):
    """``make(fields)`` (a query on those fields) with evidence.CONFIRMED: in the title,
    partners, places or summary, or in the body and the labels."""
    return Q(
        "bool",
        should=[make(STRONG), Q("bool", must=[make(TEXT_ONLY), make(LABELS)])],
        minimum_should_match=1,
    )


def evidence_filter(clauses, level):
    """The filter of search/evidence.py's ``level`` (CONFIRMED or TEXT): every clause with
    that evidence. None for ANY."""
    if level == evidence.CONFIRMED:
        return Q(
            "bool", filter=[_confirmed(lambda f, c=c: clause_query(c, f)) for c in clauses]
        )
    if level == evidence.TEXT:
        return Q("bool", filter=[clause_query(clause, STRONG_AND_TEXT) for clause in clauses])
    return None


def _text_query(text, filters, level=evidence.ANY):
    # Every clause must match somewhere (analysis.query_clauses: synonyms expanded from
    # the thesaurus, files and editors' groups alike), with the evidence of ``level``; a
    # title match counts most and an exact title phrase more.
    clauses = query_clauses(clean_text(text))
    level_filter = evidence_filter(clauses, level) if clauses else None
    return Q(
        "bool",
        filter=filters + ([level_filter] if level_filter else []),
        must=[clause_query(clause) for clause in clauses] or [Q("match_none")],
        should=[Q("match_phrase", title={"query": text, "boost": 2})],
    )


SORTS = {
    "relevanz": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
    "neueste": [{"published_at": {"order": "desc", "missing": "_last"}}, "title.sort"],
    "name": ["title.sort"],
    "partner": [{"partner_count": {"order": "desc"}}, "title.sort"],
}


def level_body(query: SearchQuery, level):
    """The body of the count request that asks whether ``query``'s text has matches with
    the evidence of ``level`` (no filters: the level depends on the text alone, as on
    the embedded engine)."""
    return {"query": _text_query(query.text.strip(), [], level).to_dict()}


def build_search(query: SearchQuery, index=None, using=None, level=evidence.ANY):
    """The elasticsearch.dsl Search for ``query``; ``.to_dict()`` is the request body.
    ``level``: the evidence level chosen for its text (search/evidence.py)."""
    search = Search(using=using or "default", index=index)
    text = query.text.strip()
    filters = _base_filters(query)
    if text:
        search = search.query(_text_query(text, filters, level))
    elif filters:
        search = search.query(Q("bool", filter=filters))
    else:
        search = search.query(Q("match_all"))

    selected = _facet_filters(query)
    if selected:
        search = search.post_filter(_all_of(list(selected.values())))
    # Facets without a selection share one bucket filtered by the whole selection; each
    # selected facet gets its own bucket filtered by the others' selections only.
    shared = search.aggs.bucket("facets", "filter", filter=_all_of(list(selected.values())))
    for facet in FACETS:
        terms = A("terms", field=f"facets.{facet.key}", size=FACET_SIZE)
        if facet.key in selected:
            others = [f for key, f in selected.items() if key != facet.key]
            search.aggs.bucket(f"facet_{facet.key}", "filter", filter=_all_of(others)).bucket(
                "values", terms
            )
        else:
            shared.bucket(facet.key, terms)

    search = search.sort(*SORTS[query.effective_sort], {"id": "asc"})
    search = search[query.offset : query.offset + query.page_size]
    search = search.extra(track_total_hits=True)

    if text:
        search = search.highlight_options(**HIGHLIGHT)
        search = search.highlight("summary", number_of_fragments=0)
        search = search.highlight("body", fragment_size=180, number_of_fragments=1)
        search = search.suggest(
            SUGGESTION,
            text,
            phrase={
                "field": "suggest",
                "size": 1,
                "max_errors": 2,
                "direct_generator": [{"field": "suggest", "suggest_mode": "always"}],
                # Only suggest what finds something.
                "collate": {
                    "query": {
                        "source": {
                            "match": {"all_text": {"query": "{{suggestion}}", "operator": "and"}}
                        }
                    },
                    "prune": False,
                },
            },
        )
    return search


def count_body(query: SearchQuery, level=evidence.ANY):
    """The body of the count request: what ``build_search`` matches, facet selections
    included (the count API has no post_filter, so they join the query's filters)."""
    search = build_search(query, level=level)
    body = search.to_dict()
    selected = list(_facet_filters(query).values())
    match = Q(body["query"])
    if selected:
        match = Q("bool", must=[match], filter=selected)
    return {"query": match.to_dict()}


# --- responses ---------------------------------------------------------------------------


def document_from_source(source):
    """The search document as build_document made it (locations back to [lat, lon])."""
    document = dict(source)
    document["locations"] = [
        [point["lat"], point["lon"]] if isinstance(point, dict) else list(point)
        for point in source.get("locations") or []
    ]
    return document


def _highlight(raw_hit):
    highlight = raw_hit.get("highlight") or {}
    for field in ("summary", "body"):
        fragments = highlight.get(field)
        if fragments:
            return " … ".join(fragments)
    return ""


def _facet_counts(aggregations, query):
    """{facet key: {value: count}}, read from where build_search put each facet."""
    selected = _facet_filters(query)
    counts = {}
    for facet in FACETS:
        if facet.key in selected:
            terms = aggregations.get(f"facet_{facet.key}", {}).get("values")
        else:
            terms = aggregations.get("facets", {}).get(facet.key)
        if terms is not None:
            counts[facet.key] = {b["key"]: b["doc_count"] for b in terms["buckets"]}
    return counts


def _suggestion(raw, text):
    for entry in raw.get("suggest", {}).get(SUGGESTION, []):
        for option in entry.get("options", []):
            if option.get("collate_match", True) and option["text"] != " ".join(
                text.lower().split()
            ):
                return option["text"]
    return None


def parse_response(raw, query: SearchQuery, engine_name="elasticsearch"):
    """Turn a search response body into SearchResults."""
    hits = []
    for raw_hit in raw["hits"]["hits"]:
        document = document_from_source(raw_hit["_source"])
        distance = None
        if query.geo is not None and document["locations"]:
            distance = min(
                distance_km(query.geo.latitude, query.geo.longitude, lat, lon)
                for lat, lon in document["locations"]
            )
        hits.append(
            Hit(
                page_id=int(raw_hit["_id"]),
                title=document.get("title", ""),
                url=document.get("url", ""),
                summary=document.get("summary", ""),
                highlight=_highlight(raw_hit),
                score=raw_hit.get("_score"),
                document=document,
                distance_km=round(distance, 1) if distance is not None else None,
            )
        )
    total = raw["hits"]["total"]
    return SearchResults(
        query=query,
        hits=hits,
        total=total["value"] if isinstance(total, dict) else total,
        facets=facet_results(_facet_counts(raw.get("aggregations", {}), query), query),
        suggestion=_suggestion(raw, query.text.strip()) if query.text.strip() else None,
        engine=engine_name,
        took_ms=raw.get("took"),
    )


# --- the engine --------------------------------------------------------------------------


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, url, *, index_prefix=None, timeout=None):
        prefix = settings.ELASTICSEARCH_INDEX_PREFIX if index_prefix is None else index_prefix
        self.alias = f"{prefix}-profiles".lower()
        self.timeout = settings.ELASTICSEARCH_TIMEOUT if timeout is None else timeout
        # A search must answer within the timeout or give way to the embedded engine:
        # no retries, no waiting for a second attempt.
        self.client = Elasticsearch(
            url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False
        )
        self._alias_ready = False

    @property
    def index_client(self):
        """A rebuild (a command, not a request) may take its time and retry."""
        return self.client.options(
            request_timeout=INDEX_TIMEOUT, max_retries=INDEX_RETRIES, retry_on_timeout=True
        )

    @property
    def update_client(self):
        """Live updates run inside publishing requests: a short timeout and no retries;
        what fails is recorded and repaired later (search.indexing)."""
        return self.client.options(
            request_timeout=settings.ELASTICSEARCH_UPDATE_TIMEOUT,
            max_retries=0,
            retry_on_timeout=False,
        )

    # searching

    def level(self, query):
        """The evidence level of ``query``'s text (search/evidence.py): one count request
        per level tried, best first."""
        if not query.text.strip():
            return evidence.ANY

        def has_matches(level):
            return self.client.count(index=self.alias, **level_body(query, level))["count"] > 0

        return evidence.chosen_level(has_matches)

    def build_search(self, query):
        return build_search(query, index=self.alias, using=self.client, level=self.level(query))

    def search(self, query: SearchQuery) -> SearchResults:
        raw = self.build_search(query).execute().to_dict()
        return parse_response(raw, query, self.name)

    def total(self, query: SearchQuery) -> int:
        body = count_body(query, self.level(query))
        return self.client.count(index=self.alias, **body)["count"]

    def count(self):
        try:
            return self.index_client.count(index=self.alias)["count"]
        except NotFoundError:
            return 0

    # indexing

    def new_index_name(self):
        return f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"

    def _actions(self, index, documents):
        for document in documents:
            yield ProfileDocument.from_search_document(document, index).to_dict(
                include_meta=True, skip_empty=False
            )

    def _bulk(self, client, actions, **kwargs):
        done = 0
        for ok, item in streaming_bulk(client, actions, chunk_size=500, **kwargs):
            if ok:
                done += 1
            else:  # only with raise_on_error=False; ignored statuses are "ok"
                logger.warning("Elasticsearch bulk item failed: %s", item)
        return done

    def ensure_index(self, client):
        """Live updates need the alias; before the first rebuild, create an empty index."""
        if self._alias_ready:
            return
        if not client.indices.exists_alias(name=self.alias):
            if client.indices.exists(index=self.alias):
                raise RuntimeError(
                    f"{self.alias} is an index, not an alias: run rebuild_search_index."
                )
            new_index = self.new_index_name()
            index_definition(new_index).create(using=client)
            client.indices.update_aliases(actions=alias_swap_actions(self.alias, new_index, []))
        self._alias_ready = True

    def index_documents(self, documents):
        if not documents:
            return
        client = self.update_client
        self.ensure_index(client)
        # wait_for: the change is searchable when the call returns, without forcing a refresh.
        self._bulk(client, self._actions(self.alias, documents), refresh="wait_for")

    def delete_documents(self, page_ids):
        if not page_ids:
            return
        client = self.update_client
        self.ensure_index(client)
        actions = (
            {"_op_type": "delete", "_index": self.alias, "_id": page_id} for page_id in page_ids
        )
        self._bulk(client, actions, refresh="wait_for", ignore_status=(404,))

    def current_indices(self):
        """(indices behind the alias, whether the alias name is a concrete index)."""
        client = self.index_client
        try:
            found = client.indices.get_alias(name=self.alias)
        except NotFoundError:
            found = {}
        if found:
            return sorted(found), False
        return [], bool(client.indices.exists(index=self.alias))

    def rebuild(self, documents, *, total=None, progress=False):
        """Fill a new index, then point the alias at it in one atomic request."""
        client = self.index_client
        new_index = self.new_index_name()
        index = index_definition(new_index)
        # No refreshes while loading; the default comes back before the swap.
        index.settings(refresh_interval="-1")
        index.create(using=client)
        try:
            if progress:
                from tqdm import tqdm

                documents = tqdm(documents, total=total, desc="Elasticsearch", unit="Profil")
            count = self._bulk(client, self._actions(new_index, documents))
            client.indices.put_settings(
                index=new_index, settings={"index": {"refresh_interval": None}}
            )
            client.indices.refresh(index=new_index)
            old_indices, alias_is_index = self.current_indices()
            client.indices.update_aliases(
                actions=alias_swap_actions(
                    self.alias, new_index, old_indices, alias_is_index=alias_is_index
                )
            )
        except BaseException:
            client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        self._alias_ready = True
        # Searches follow the alias already; the old indices only cost space now.
        for old in old_indices:
            client.indices.delete(index=old, ignore_unavailable=True)
        return count

    def delete_index(self):
        """Remove the alias and every index behind it (tests, uninstalling)."""
        old_indices, alias_is_index = self.current_indices()
        for name in old_indices + ([self.alias] if alias_is_index else []):
            self.index_client.indices.delete(index=name, ignore_unavailable=True)
        self._alias_ready = False
