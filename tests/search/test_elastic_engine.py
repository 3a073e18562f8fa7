"""The Elasticsearch engine.

Without a server: the index definition (mapping, analysis from search/data), the exact
request bodies elasticsearch.dsl builds, response bodies turned into SearchResults, and
the alias-swap plan. With a server (ELASTICSEARCH_URL): the whole round trip.
"""

import os
import uuid

import pytest

from search import analysis, thesaurus
from search.contract import GeoFilter, SearchQuery
from search.engines.elastic import (
    FACET_SIZE,
    HIGHLIGHT,
    ElasticsearchEngine,
    ProfileDocument,
    alias_swap_actions,
    build_search,
    count_body,
    document_from_source,
    index_body,
    parse_response,
)
from search.facets import FACETS

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
needs_server = pytest.mark.skipif(
    not ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch server"
)

GERMAN_FIELDS = ["title", "summary", "body", "partners", "keywords", "all_text"]


def body_for(**kwargs):
    return build_search(SearchQuery(**kwargs), index="atlas-profiles").to_dict()


# --- the index ---------------------------------------------------------------------------


def test_mapping_is_explicit():
    mapping = index_body("atlas-profiles-1")["mappings"]
    properties = mapping["properties"]
    assert mapping["dynamic"] is False
    for name in GERMAN_FIELDS:
        assert properties[name]["type"] == "text"
        assert properties[name]["analyzer"] == "atlas_german"
        assert properties[name]["search_analyzer"] == "atlas_german_search"
    assert properties["title"]["fields"]["sort"] == {"type": "keyword", "normalizer": "atlas_sort"}
    assert properties["partners"]["fields"]["raw"] == {"type": "keyword"}
    assert properties["keywords"]["fields"]["raw"] == {"type": "keyword"}
    for name in ["title", "body", "partners", "keywords"]:
        assert properties[name]["copy_to"] == ["all_text", "suggest"]
    assert properties["suggest"] == {"type": "text", "analyzer": "atlas_suggest"}
    assert properties["locations"] == {"type": "geo_point"}
    assert properties["published_at"] == {"type": "date"}
    for name in ["id", "start_year", "partner_count"]:
        assert properties[name] == {"type": "integer"}
    assert properties["url"] == {"type": "keyword", "index": False}
    assert properties["display"] == {"type": "object", "enabled": False}
    assert properties["facets"]["properties"] == {
        facet.key: {"type": "keyword"} for facet in FACETS
    }


def _words(path):
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


def test_analysis_settings_use_the_word_lists():
    settings = index_body("atlas-profiles-1")["settings"]
    assert settings["number_of_shards"] == 1
    filters = settings["analysis"]["filter"]
    analyzers = settings["analysis"]["analyzer"]

    decompound = filters["atlas_decompound"]
    assert decompound["type"] == "dictionary_decompounder"
    assert decompound["only_longest_match"] is True
    # The word list is the one the Python chain splits with: the administrative parts of
    # the repository file and the noun list, normalised like the tokens it meets.
    assert set(decompound["word_list"]) >= {
        analysis.normalise(word) for word in _words(analysis.COMPOUND_PARTS_FILE)
    }
    assert decompound["word_list"] == analysis.decompound_word_list()
    # Written "überwachung" and "bürger" in the files; tokens meet them folded.
    assert {"uberwachung", "burger", "standesamt", "verarbeitung"} <= set(decompound["word_list"])
    assert filters["atlas_plurals"]["type"] == "stemmer_override"
    assert "kitas => kita" in filters["atlas_plurals"]["rules"]
    # No synonym filter: the query expands synonyms (test_editors_extend_the_synonyms).
    assert "atlas_synonyms" not in filters
    assert filters["atlas_stemmer"] == {"type": "stemmer", "language": "light_german"}
    assert set(filters["atlas_stop"]["stopwords"]) == {
        analysis.normalise(word) for word in _words(analysis.STOPWORDS_FILE)
    }

    assert analyzers["atlas_german"]["filter"] == [
        "lowercase",
        "german_normalization",
        "atlas_stop",
        "atlas_decompound",
        "atlas_plurals",
        "atlas_stemmer",
    ]
    # Compounds are split at index time only.
    assert analyzers["atlas_german_search"]["filter"] == [
        "lowercase",
        "german_normalization",
        "atlas_stop",
        "atlas_plurals",
        "atlas_stemmer",
    ]
    assert analyzers["atlas_suggest"]["filter"] == ["lowercase", "atlas_shingle"]
    assert settings["analysis"]["normalizer"]["atlas_sort"] == {
        "type": "custom",
        "filter": ["lowercase", "asciifolding"],
    }

    # Every custom filter an analyzer names is defined.
    builtin = {"lowercase", "german_normalization", "asciifolding"}
    for analyzer in analyzers.values():
        for name in analyzer["filter"]:
            assert name in builtin or name in filters, name


def test_editors_extend_the_synonyms(tmp_path, monkeypatch):
    """A group added to the thesaurus file reaches the query (no new index needed); the
    admin's groups do too (tests/search/test_finding.py)."""
    extended = tmp_path / "synonyms.txt"
    extended.write_text(
        thesaurus.SYNONYMS_FILE.read_text(encoding="utf-8") + "Kirmes, Volksfest\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(thesaurus, "SYNONYMS_FILE", extended)
    thesaurus.file_thesaurus.cache_clear()
    try:
        query = body_for(text="Kirmes")["query"]
    finally:
        monkeypatch.undo()
        thesaurus.file_thesaurus.cache_clear()
    assert "volksfest" in str(query)
    assert "volksfest" not in str(body_for(text="Kirmes")["query"])


# --- requests ----------------------------------------------------------------------------

FIELDS = ["title^4", "partners^2", "places^2", "summary^1.5", "body", "keywords^0.5"]
# One clause per analysed word, typos forgiven from five letters on ("AUTO:5,8").
TEXT_CLAUSES = {
    "must": [
        {
            "multi_match": {
                "query": "hellweg",
                "fields": FIELDS,
                "type": "best_fields",
                "tie_breaker": 0.3,
                "fuzziness": "AUTO:5,8",
            }
        }
    ],
    "should": [{"match_phrase": {"title": {"query": "Hellweg", "boost": 2}}}],
}


def _terms(key):
    return {"terms": {"field": f"facets.{key}", "size": FACET_SIZE}}


def test_text_only_request():
    body = body_for(text="  Hellweg ")
    assert body["query"] == {"bool": TEXT_CLAUSES}
    assert "post_filter" not in body
    # Nothing selected: every facet is counted in one bucket that filters nothing.
    assert body["aggs"] == {
        "facets": {
            "filter": {"match_all": {}},
            "aggs": {facet.key: _terms(facet.key) for facet in FACETS},
        }
    }
    assert body["sort"] == [
        "_score",
        {"published_at": {"order": "desc", "missing": "_last"}},
        {"id": "asc"},
    ]
    assert body["from"] == 0 and body["size"] == 20
    assert body["track_total_hits"] is True


def test_title_is_boosted_over_body():
    fields = body_for(text="Hellweg")["query"]["bool"]["must"][0]["multi_match"]["fields"]
    boosts = {f.split("^")[0]: float(f.split("^")[1]) if "^" in f else 1.0 for f in fields}
    assert boosts["title"] == max(boosts.values())
    assert boosts["body"] < boosts["title"]
    # A match only through a task area, tag or region counts least (precision).
    assert boosts["keywords"] == min(boosts.values()) < boosts["body"]


def test_two_facet_filters_are_disjunctive():
    body = body_for(
        text="Standesamt", filters={"aufgabe": ("standesamt", "archiv"), "land": ("05",)}
    )
    aufgabe = {"terms": {"facets.aufgabe": ["standesamt", "archiv"]}}
    land = {"terms": {"facets.land": ["05"]}}
    # The selection narrows the hits only, after the aggregations ...
    assert body["post_filter"] == {"bool": {"filter": [aufgabe, land]}}
    assert body["query"] == body_for(text="Standesamt")["query"]
    # ... each selected facet is counted with the other facets' selection only ...
    assert body["aggs"]["facet_aufgabe"] == {
        "filter": {"bool": {"filter": [land]}},
        "aggs": {"values": _terms("aufgabe")},
    }
    assert body["aggs"]["facet_land"] == {
        "filter": {"bool": {"filter": [aufgabe]}},
        "aggs": {"values": _terms("land")},
    }
    # ... and the other facets with the whole selection.
    shared = body["aggs"]["facets"]
    assert shared["filter"] == {"bool": {"filter": [aufgabe, land]}}
    assert set(shared["aggs"]) == {f.key for f in FACETS} - {"aufgabe", "land"}
    assert set(body["aggs"]) == {"facets", "facet_aufgabe", "facet_land"}


def test_unknown_facet_and_empty_selection_are_ignored():
    body = body_for(filters={"unbekannt": ("x",), "phase": ()})
    assert "post_filter" not in body
    assert set(body["aggs"]) == {"facets"}


def test_filters_only_request():
    body = body_for(filters={"phase": ("umsetzung",)})
    assert body["query"] == {"match_all": {}}
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"facets.phase": ["umsetzung"]}}]}}
    assert body["aggs"]["facet_phase"]["filter"] == {"match_all": {}}
    # No text: newest first, nothing to highlight or correct.
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert "highlight" not in body and "suggest" not in body


def test_geo_and_start_years_narrow_hits_and_counts():
    geo = GeoFilter(ags="05974016", latitude=51.61, longitude=8.35, radius_km=25, name="Erwitte")
    body = body_for(
        geo=geo, start_year_min=2010, start_year_max=2020, filters={"phase": ("umsetzung",)}
    )
    # In the query, not the post_filter: facet counts respect them too.
    assert body["query"] == {
        "bool": {
            "filter": [
                {"range": {"start_year": {"gte": 2010, "lte": 2020}}},
                {
                    "geo_distance": {
                        "distance": "25km",
                        "locations": {"lat": 51.61, "lon": 8.35},
                    }
                },
            ]
        }
    }
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"facets.phase": ["umsetzung"]}}]}}
    geo_text = body_for(text="Standesamt", geo=GeoFilter("05974016", 51.61, 8.35, 7.5))
    assert geo_text["query"]["bool"]["filter"][0] == {
        "geo_distance": {"distance": "7.5km", "locations": {"lat": 51.61, "lon": 8.35}}
    }


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("relevanz", ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]),
        ("neueste", [{"published_at": {"order": "desc", "missing": "_last"}}, "title.sort"]),
        ("name", ["title.sort"]),
        ("partner", [{"partner_count": {"order": "desc"}}, "title.sort"]),
    ],
)
def test_sorts(sort, expected):
    # The id breaks ties, so pages never overlap.
    assert body_for(text="Standesamt", sort=sort)["sort"] == [*expected, {"id": "asc"}]


def test_relevance_without_text_is_newest_first():
    assert body_for(sort="relevanz")["sort"] == body_for(sort="neueste")["sort"]


def test_count_request_joins_the_facet_selection_to_the_query():
    """``total`` counts what ``search`` finds: the post_filter's selection is a filter."""
    query = SearchQuery(text="Bauhof", filters={"phase": ("umsetzung",)}, page=3)
    search = body_for(text="Bauhof", filters={"phase": ("umsetzung",)})
    body = count_body(query)
    assert set(body) == {"query"}
    assert body["query"]["bool"]["must"] == [search["query"]]
    assert body["query"]["bool"]["filter"] == [search["post_filter"]["bool"]["filter"][0]]
    assert count_body(SearchQuery(text="Bauhof")) == {"query": body_for(text="Bauhof")["query"]}


def test_pagination():
    body = body_for(text="Standesamt", page=3, page_size=10)
    assert (body["from"], body["size"]) == (20, 10)


def test_highlight_and_suggest_sections():
    body = body_for(text="Standesamd Erwite")
    assert body["highlight"] == {
        **HIGHLIGHT,
        "fields": {
            "summary": {"number_of_fragments": 0},
            "body": {"fragment_size": 180, "number_of_fragments": 1},
        },
    }
    assert body["highlight"]["encoder"] == "html"
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["suggest"] == {
        "meinten_sie": {
            "text": "Standesamd Erwite",
            "phrase": {
                "field": "suggest",
                "size": 1,
                "max_errors": 2,
                "direct_generator": [{"field": "suggest", "suggest_mode": "always"}],
                "collate": {
                    "query": {
                        "source": {
                            "match": {"all_text": {"query": "{{suggestion}}", "operator": "and"}}
                        }
                    },
                    "prune": False,
                },
            },
        }
    }


# --- documents and responses -------------------------------------------------------------


@pytest.fixture
def erwitte_document(make_profile):
    from search.documents import build_document, indexable_profiles

    page = make_profile(
        "Standesamt Hellweg",
        partners=[("05974016", "lead"), ("05974004", "member")],
        summary="Drei Kommunen im Kreis Soest betreiben ein gemeinsames Standesamt.",
        phase="umsetzung",
        start_year=2023,
    )
    return build_document(indexable_profiles().get(pk=page.pk))


def test_document_round_trip(erwitte_document):
    action = ProfileDocument.from_search_document(erwitte_document, "atlas-profiles-1").to_dict(
        include_meta=True, skip_empty=False
    )
    assert action["_id"] == erwitte_document["id"]
    assert action["_index"] == "atlas-profiles-1"
    # geo_point arrays would be read as [lon, lat]: objects are sent instead.
    lat, lon = erwitte_document["locations"][0]
    assert action["_source"]["locations"][0] == {"lat": lat, "lon": lon}
    assert document_from_source(action["_source"]) == erwitte_document


def _response(document, **extra):
    source = ProfileDocument.from_search_document(document, "x").to_dict(skip_empty=False)
    return {
        "took": 7,
        "timed_out": False,
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "max_score": 3.2,
            "hits": [
                {
                    "_index": "atlas-profiles-1",
                    "_id": str(document["id"]),
                    "_score": 3.2,
                    "_source": source,
                    "highlight": {
                        "body": ["Ein <mark>Standesamt</mark> für &lt;drei&gt; Kommunen"],
                    },
                    "sort": [3.2, 1700000000000, document["id"]],
                }
            ],
        },
        **extra,
    }


AGGREGATIONS = {
    "facets": {
        "doc_count": 2,
        "phase": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "umsetzung", "doc_count": 2}],
        },
        "kreis": {"buckets": [{"key": "05974", "doc_count": 2}]},
    },
    "facet_land": {
        "doc_count": 5,
        # Counted without the Land selection: other Länder keep their counts.
        "values": {
            "buckets": [{"key": "05", "doc_count": 2}, {"key": "09", "doc_count": 3}],
        },
    },
}


def test_response_parsing(erwitte_document):
    query = SearchQuery(
        text="Standesamd",
        filters={"land": ("05",), "aufgabe": ("archiv",)},
        geo=GeoFilter("05974016", 51.61, 8.35, 25),
    )
    raw = _response(
        erwitte_document,
        aggregations={
            **AGGREGATIONS,
            "facet_aufgabe": {"doc_count": 0, "values": {"buckets": []}},
        },
        suggest={
            "meinten_sie": [
                {
                    "text": "Standesamd",
                    "offset": 0,
                    "length": 10,
                    "options": [{"text": "standesamt", "score": 0.2, "collate_match": True}],
                }
            ]
        },
    )
    results = parse_response(raw, query)

    assert results.engine == "elasticsearch"
    assert results.total == 2
    assert results.took_ms == 7
    assert results.suggestion == "standesamt"
    [hit] = results.hits
    assert hit.page_id == erwitte_document["id"]
    assert hit.title == "Standesamt Hellweg"
    assert hit.url == erwitte_document["url"]
    assert hit.score == 3.2
    assert hit.document == erwitte_document
    # Elasticsearch escaped the text (encoder html); the marks are the only tags.
    assert hit.highlight == "Ein <mark>Standesamt</mark> für &lt;drei&gt; Kommunen"
    # Erwitte itself is a partner: distance to the nearest partner.
    assert hit.distance_km is not None and hit.distance_km < 2

    land = results.facet("land")
    assert [(v.value, v.label, v.count, v.selected) for v in land.values] == [
        ("09", "Bayern", 3, False),
        ("05", "Nordrhein-Westfalen", 2, True),
    ]
    phase = results.facet("phase")
    assert [(v.value, v.label, v.count) for v in phase.values] == [("umsetzung", "Umsetzung", 2)]
    assert [(v.label, v.count) for v in results.facet("kreis").values] == [("Kreis Soest", 2)]
    # A selected value is listed even without hits.
    assert [(v.value, v.count, v.selected) for v in results.facet("aufgabe").values] == [
        ("archiv", 0, True)
    ]


def test_response_without_text_has_no_suggestion_or_highlight(erwitte_document):
    raw = _response(erwitte_document, aggregations=AGGREGATIONS)
    del raw["hits"]["hits"][0]["highlight"]
    raw["hits"]["hits"][0]["_score"] = None
    results = parse_response(raw, SearchQuery())
    assert results.suggestion is None
    assert results.hits[0].highlight == ""
    assert results.hits[0].score is None
    assert results.hits[0].distance_km is None
    assert results.facet("land").values == []


def test_summary_highlight_wins_over_body():
    raw_hit = {
        "highlight": {
            "summary": ["Gemeinsames <mark>Standesamt</mark>"],
            "body": ["… <mark>Standesamt</mark> …"],
        }
    }
    from search.engines.elastic import _highlight

    assert _highlight(raw_hit) == "Gemeinsames <mark>Standesamt</mark>"


def test_suggestion_equal_to_the_query_is_not_offered():
    from search.engines.elastic import _suggestion

    raw = {"suggest": {"meinten_sie": [{"options": [{"text": "standesamt erwitte"}]}]}}
    assert _suggestion(raw, "Standesamt  Erwitte") is None
    assert _suggestion(raw, "Standesamt Erwite") == "standesamt erwitte"


# --- the alias swap ----------------------------------------------------------------------


def test_index_names_and_timeouts(settings):
    settings.ELASTICSEARCH_TIMEOUT = 1.5
    engine = ElasticsearchEngine("http://127.0.0.1:9", index_prefix="Test-Atlas")
    assert engine.alias == "test-atlas-profiles"
    first, second = engine.new_index_name(), engine.new_index_name()
    assert first.startswith("test-atlas-profiles-") and first == first.lower()
    assert first < second  # timestamps: a newer build sorts later
    # A search waits at most the timeout and is never retried.
    assert engine.client._request_timeout == 1.5
    assert engine.client._max_retries == 0
    assert engine.client._retry_on_timeout is False
    # Indexing may wait and retry.
    assert engine.index_client._max_retries > 0
    assert engine.index_client._request_timeout > engine.timeout


def test_default_prefix_comes_from_settings(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "atlas-staging"
    assert ElasticsearchEngine("http://127.0.0.1:9").alias == "atlas-staging-profiles"


def test_alias_swap_plan():
    assert alias_swap_actions("atlas-profiles", "atlas-profiles-2", ["atlas-profiles-1"]) == [
        {"remove": {"index": "atlas-profiles-1", "alias": "atlas-profiles"}},
        {"add": {"index": "atlas-profiles-2", "alias": "atlas-profiles"}},
    ]
    # First build: only the add.
    assert alias_swap_actions("atlas-profiles", "atlas-profiles-1", []) == [
        {"add": {"index": "atlas-profiles-1", "alias": "atlas-profiles"}}
    ]
    # A concrete index squatting on the alias name goes in the same atomic request.
    assert alias_swap_actions("atlas-profiles", "atlas-profiles-1", [], alias_is_index=True) == [
        {"add": {"index": "atlas-profiles-1", "alias": "atlas-profiles"}},
        {"remove_index": {"index": "atlas-profiles"}},
    ]


# --- against a server --------------------------------------------------------------------


@pytest.fixture
def live_engine():
    engine = ElasticsearchEngine(ELASTICSEARCH_URL, index_prefix=f"test-{uuid.uuid4().hex[:12]}")
    yield engine
    engine.delete_index()


@pytest.fixture
def live_profiles(make_profile):
    from cooperations.models import TaskArea

    standesamt = TaskArea.objects.get(slug="standesamt")
    archiv = TaskArea.objects.get(slug="archiv")
    return [
        make_profile(
            "Standesamt Hellweg",
            partners=[("05974016", "lead"), ("05974004", "member"), ("05974008", "member")],
            summary="Drei Kommunen im Kreis Soest haben ihre Standesämter zusammengelegt.",
            phase="umsetzung",
            start_year=2023,
            task_areas=[standesamt],
        ),
        make_profile(
            "Gemeinsames Archiv Ostwestfalen",
            partners=[("05754008", "lead")],
            summary="Ein Archivverbund für <OWL>, an den auch das Standesamt Register abgibt.",
            phase="regelbetrieb",
            start_year=2005,
            task_areas=[archiv],
        ),
        make_profile(
            "Ärztlicher Bereitschaftsdienst",
            partners=[("09162000", "lead")],
            summary="Ein Beispiel aus Bayern.",
            phase="umsetzung",
            start_year=2015,
        ),
    ]


def _documents():
    from search.documents import build_document, indexable_profiles

    return [build_document(page) for page in indexable_profiles()]


def _titles(results):
    return [hit.title for hit in results.hits]


@needs_server
@pytest.mark.django_db
def test_live_rebuild_search_and_disjunctive_counts(live_engine, live_profiles):
    documents = _documents()
    assert live_engine.rebuild(documents, total=len(documents)) == len(documents)
    assert live_engine.count() == len(documents)
    indices, alias_is_index = live_engine.current_indices()
    assert len(indices) == 1 and not alias_is_index

    # A title match beats a body match; a typo is forgiven.
    results = live_engine.search(SearchQuery(text="Standesamt"))
    assert _titles(results) == ["Standesamt Hellweg", "Gemeinsames Archiv Ostwestfalen"]
    assert "<mark>Standesamt</mark>" in results.hits[1].highlight
    assert _titles(live_engine.search(SearchQuery(text="Standesamd")))[0] == "Standesamt Hellweg"
    # Synonyms (query time) and umlauts (ae) work.
    assert "Standesamt Hellweg" in _titles(
        live_engine.search(SearchQuery(text="Personenstandswesen"))
    )
    assert _titles(live_engine.search(SearchQuery(text="Aerztlicher"))) == [
        "Ärztlicher Bereitschaftsdienst"
    ]
    # Highlights are escaped: the marks are the only tags.
    archive = live_engine.search(SearchQuery(text="Archivverbund"))
    assert "&lt;OWL&gt;" in archive.hits[0].highlight
    assert "<mark>" in archive.hits[0].highlight
    # Compounds are split when indexing: "Verbund" finds "Archivverbund".
    assert "Gemeinsames Archiv Ostwestfalen" in _titles(
        live_engine.search(SearchQuery(text="Verbund"))
    )

    # Disjunctive counts: the phase facet keeps counting the unselected phase.
    filtered = live_engine.search(SearchQuery(filters={"phase": ("umsetzung",)}))
    assert sorted(_titles(filtered)) == ["Standesamt Hellweg", "Ärztlicher Bereitschaftsdienst"]
    phases = {v.value: v.count for v in filtered.facet("phase").values}
    assert phases == {"umsetzung": 2, "regelbetrieb": 1}
    lands = {v.value: v.count for v in filtered.facet("land").values}
    assert lands == {"05": 1, "09": 1}
    both = live_engine.search(SearchQuery(filters={"phase": ("umsetzung",), "land": ("05",)}))
    assert _titles(both) == ["Standesamt Hellweg"]
    assert {v.value: v.count for v in both.facet("phase").values} == {
        "umsetzung": 1,
        "regelbetrieb": 1,
    }
    assert {v.value: v.count for v in both.facet("land").values} == {"05": 1, "09": 1}

    # Geo radius and sorts.
    erwitte = GeoFilter("05974016", 51.61, 8.35, 20)
    assert _titles(live_engine.search(SearchQuery(geo=erwitte))) == ["Standesamt Hellweg"]
    by_name = live_engine.search(SearchQuery(sort="name"))
    assert _titles(by_name) == [
        "Ärztlicher Bereitschaftsdienst",
        "Gemeinsames Archiv Ostwestfalen",
        "Standesamt Hellweg",
    ]
    by_partners = live_engine.search(SearchQuery(sort="partner"))
    assert _titles(by_partners)[0] == "Standesamt Hellweg"


@needs_server
@pytest.mark.django_db
def test_live_alias_swap_keeps_search_working(live_engine, live_profiles):
    documents = _documents()
    live_engine.rebuild(documents)
    [first] = live_engine.current_indices()[0]
    live_engine.rebuild(documents[:1])
    [second] = live_engine.current_indices()[0]
    assert second != first
    assert not live_engine.index_client.indices.exists(index=first)
    assert live_engine.count() == 1

    # Live updates go through the alias to the current index.
    live_engine.index_documents(documents[1:])
    assert live_engine.count() == len(documents)
    live_engine.delete_documents([documents[0]["id"], 999_999])
    assert live_engine.count() == len(documents) - 1
    assert live_engine.search(SearchQuery()).total == len(documents) - 1


@needs_server
@pytest.mark.django_db
def test_live_updates_before_the_first_rebuild(live_engine, live_profiles):
    documents = _documents()
    assert live_engine.count() == 0
    live_engine.index_documents(documents)
    assert live_engine.search(SearchQuery(text="Standesamt")).total >= 1
