"""The evidence policy (search/evidence.py): weak hits are cut when a query has strong
ones, on the configured database (the SQLite and the PostgreSQL pass run the same tests),
the backends agree with a reference computed from the stored terms, and Elasticsearch
gets the same policy in its requests.

Documents are hand-made search documents; each case is explicit.
"""

import pytest

from search import evidence, service, thesaurus
from search.analysis import query_clauses
from search.contract import SearchQuery
from search.engines import elastic
from search.engines.embedded import EmbeddedEngine
from search.engines.storage import stored_row
from search.engines.typo import text_plan
from tests.search.test_embedded import document

DOCUMENTS = [
    document(
        1,
        "Zentrale Vergabestelle",
        "Die Stadt führt die Vergabeverfahren der Nachbarn durch.",
        summary="Eine Stadt schreibt für drei Gemeinden aus.",
        keywords=["Vergabe und Beschaffung"],
    ),
    document(
        2,
        "Atemschutz-Pool",
        "Der Kreis übernimmt die Beschaffung der Geräte für alle Wehren.",
        summary="Ein Kreis und elf Städte teilen ihre Atemschutzgeräte.",
        keywords=["Feuerwehr und Leitstelle", "Vergabe und Beschaffung"],
    ),
    document(
        3,
        "Gemeinsamer Ordnungsdienst",
        "Vertrauen gab es aus anderen Kooperationen, etwa Vergabestelle und Feuerwehr. "
        "Auch die Beschaffung der Uniformen wird abgestimmt.",
        summary="Zwei Gemeinden bilden einen gemeinsamen Ordnungsbezirk.",
        keywords=["Ordnungsamt"],
    ),
    document(
        4,
        "Personaldienstleistungen des Kreises",
        "Der Kreis rechnet die Entgelte ab.",
        summary="Der Kreis übernimmt für die Gemeinde die Entgeltabrechnung.",
        keywords=["Personal und Beihilfe"],
    ),
    document(
        5,
        "Zweckverband Gewerbepark",
        "Das Gebiet liegt nahe am Flughafen. Der Betrieb der Kläranlage bleibt bei der Stadt.",
        summary="Zwei Städte entwickeln einen Gewerbepark.",
        keywords=["Gewerbegebiete"],
    ),
    document(
        6,
        "Hafenkooperation am Rhein",
        "Die Städte stimmen sich ab.",
        summary="Zwei Häfen legen den Betrieb ihrer Kräne zusammen.",
        keywords=["Wirtschaftsförderung"],
    ),
    document(
        7,
        "Interkommunales Hallenbad",
        "Zwei Gemeinden betreiben ein Hallenbad.",
        summary="Ein Hallenbad für zwei Gemeinden.",
        keywords=["Sport und Bäder"],
    ),
    document(
        8,
        "Kreisarchiv",
        "Das Archiv betreut die Akten der Gemeinden; eine Archivkooperation mit dem Land "
        "ist geplant.",
        summary="Der Kreis betreut die Archive seiner Gemeinden.",
        keywords=["Archiv"],
    ),
    document(
        9,
        "Archivgemeinschaft",
        "Drei Städte teilen eine Archivarin.",
        summary="Drei Städte betreiben ihr Archiv gemeinsam.",
        keywords=["Archiv"],
    ),
]


@pytest.fixture
def engine(db):
    engine = EmbeddedEngine()
    engine.rebuild(DOCUMENTS)
    thesaurus.forget()
    yield engine
    thesaurus.forget()


@pytest.fixture
def embedded_only(settings):
    settings.ELASTICSEARCH_URL = ""


def ids(engine, text):
    return {hit.page_id for hit in engine.search(SearchQuery(text=text, page_size=100)).hits}


# --- the levels ---------------------------------------------------------------------------


def test_a_mention_in_passing_is_no_hit_when_others_are_about_it(engine):
    # 3 names a Vergabestelle only in its text, in passing; 1 has it in the title, 2
    # says "Beschaffung" (a synonym) and is tagged "Vergabe und Beschaffung".
    assert ids(engine, "Vergabestelle") == {1, 2}
    results = engine.search(SearchQuery(text="Vergabestelle"))
    assert results.total == 2
    assert engine.total(SearchQuery(text="Vergabestelle")) == 2


def test_text_confirmed_by_a_label_is_strong(engine):
    # "Beschaffung": 2 says it in its text and is tagged "Vergabe und Beschaffung"; 3 only
    # says it in passing (tagged Ordnungsamt); 1 has a synonym (Vergabestelle) in its title.
    assert ids(engine, "Beschaffung") == {1, 2}


def test_the_summary_is_strong_evidence(engine):
    # Only the summary of 4 says "Entgeltabrechnung" (the body says "Entgelte").
    assert ids(engine, "Entgeltabrechnung") == {4}


def test_compound_parts_of_partners_and_summary_count_as_text(db):
    # A partner "Wasserbeschaffungsverband" is no Beschaffung; its words are strong.
    partner = document(
        20,
        "Lohnbuchhaltung",
        "Die Stadt rechnet die Löhne ab.",
        summary="Die Stadt übernimmt die Lohnbuchhaltung.",
        partners=["Stadt Wetzlar", "Wasserbeschaffungsverband Süd"],
        keywords=["Personal und Beihilfe"],
    )
    engine = EmbeddedEngine()
    engine.rebuild([DOCUMENTS[1], partner])
    assert ids(engine, "Beschaffung") == {2}
    assert ids(engine, "Wetzlar") == {20}
    engine.rebuild([partner])
    assert ids(engine, "Beschaffung") == {20}  # nothing stronger: the part is a hit


def test_mentions_in_the_text_are_hits_when_nothing_is_stronger(engine):
    # "Uniformen" occurs only in the text of 3.
    assert ids(engine, "Uniformen") == {3}


def test_labels_alone_are_hits_when_nothing_else_matches(engine):
    assert ids(engine, "Sport") == {7}


def test_facet_counts_follow_the_cut(engine):
    results = engine.search(SearchQuery(text="Vergabestelle"))
    counts = {value.value: value.count for facet in results.facets for value in facet.values}
    assert counts.get("05") == 2


# --- compounds: a guess needs confirmation; cooperation compounds ---------------------------


def test_a_split_unknown_word_needs_its_parts_confirmed(engine):
    # "Hafenbetrieb" is in no document. 5 has a "Flughafen" and a "Betrieb" in its text:
    # no Hafenbetrieb. 6 has Hafen in its title and Betrieb in its summary.
    assert ids(engine, "Hafenbetrieb") == {6}


def test_a_split_unknown_word_without_confirmation_finds_nothing(db):
    engine = EmbeddedEngine()
    engine.rebuild([DOCUMENTS[4]])  # only the Flughafen text
    assert ids(engine, "Hafenbetrieb") == set()


def test_a_cooperation_compound_also_finds_what_it_names(engine):
    # "Archivkooperation" is a word of 8's text; 9 is an archive cooperation too.
    assert ids(engine, "Archivkooperation") == {8, 9}


# --- the policy through the service: partial matching still works ------------------------


def test_partial_matching_uses_the_cut_results(engine, embedded_only):
    results = service.search(SearchQuery(text="Vergabestelle Quantencomputer"), relax=True)
    assert results.partial.matched == ("Vergabestelle",)
    assert [hit.page_id for hit in results.hits] == [1, 2]


def test_all_words_found_means_no_partial_notice(engine, embedded_only):
    results = service.search(SearchQuery(text="Archiv Kreis"), relax=True)
    assert results.partial is None
    assert {hit.page_id for hit in results.hits} == {8}


# --- the backends agree with a reference --------------------------------------------------


def reference_evidence(plan_clauses, documents, level):
    """Page ids where every clause has ``level`` evidence, from the stored rows' terms:
    title and partners/places/summary strong, body confirmed by the labels."""
    rows = {}
    for doc in documents:
        row = stored_row(doc)
        rows[row.page_id] = {
            "strong": [row.title_terms.split(), row.extra_terms.split()],
            "body": [row.body_terms.split()],
            "labels": [row.meta_terms.split()],
        }

    def contains(texts, clause):
        for terms in texts:
            for phrase in clause:
                size = len(phrase)
                if any(tuple(terms[i : i + size]) == tuple(phrase) for i in range(len(terms))):
                    return True
        return False

    def has(fields, clause):
        if level == evidence.CONFIRMED:
            return contains(fields["strong"], clause) or (
                contains(fields["body"], clause) and contains(fields["labels"], clause)
            )
        return contains(fields["strong"] + fields["body"], clause)

    return {
        page_id
        for page_id, fields in rows.items()
        if all(has(fields, clause) for clause in plan_clauses)
    }


@pytest.mark.parametrize(
    "text", ["Vergabestelle", "Beschaffung", "Archiv", "Kreis Gemeinden", "Hallenbad Sport"]
)
@pytest.mark.parametrize("level", [evidence.CONFIRMED, evidence.TEXT])
def test_backend_evidence_is_the_reference(engine, text, level):
    plan = text_plan(engine.fulltext, query_clauses(text), text, suggest=False)
    assert engine.fulltext.evidence(plan.clauses, level) == reference_evidence(
        plan.clauses, DOCUMENTS, level
    )


# --- Elasticsearch: the same policy in the requests ---------------------------------------


def _field_lists(node, found):
    if isinstance(node, dict):
        if "multi_match" in node:
            found.append(tuple(node["multi_match"]["fields"]))
        for value in node.values():
            _field_lists(value, found)
    elif isinstance(node, list):
        for value in node:
            _field_lists(value, found)
    return found


def test_elasticsearch_confirmed_filter_uses_the_strong_fields_or_text_and_labels():
    clauses = query_clauses("Vergabestelle")
    body = elastic.evidence_filter(clauses, evidence.CONFIRMED).to_dict()
    (clause_filter,) = body["bool"]["filter"]
    strong, text_and_labels = clause_filter["bool"]["should"]
    assert set(_field_lists(strong, [])) == {tuple(elastic.STRONG)}
    assert [set(_field_lists(part, [])) for part in text_and_labels["bool"]["must"]] == [
        {tuple(elastic.TEXT_ONLY)},
        {tuple(elastic.LABELS)},
    ]
    strong = {f.split("^")[0].removesuffix(".words") for f in elastic.STRONG}
    assert strong == set(evidence.STRONG_FIELDS)


def test_elasticsearch_strong_fields_are_words_without_compound_parts():
    mapping = elastic.index_body("t")["mappings"]["properties"]
    for name in evidence.PARTS_ARE_TEXT:
        assert mapping[name]["fields"]["words"]["analyzer"] == elastic.GERMAN_SEARCH
        assert f"{name}.words^{elastic.BOOSTS[name]:g}" in elastic.STRONG
        assert f"{name}^{elastic.BOOSTS[name]:g}" in elastic.TEXT_ONLY
    # The search analyzer is the index chain without the decompounder.
    analyzers = elastic.analysis_settings()["analyzer"]
    assert "atlas_decompound" in analyzers[elastic.GERMAN]["filter"]
    assert "atlas_decompound" not in analyzers[elastic.GERMAN_SEARCH]["filter"]
    assert "title^4" in elastic.STRONG


def test_elasticsearch_text_filter_and_any_level():
    clauses = query_clauses("Archiv Kreis")
    body = elastic.evidence_filter(clauses, evidence.TEXT).to_dict()
    assert len(body["bool"]["filter"]) == len(clauses)
    assert set(_field_lists(body, [])) == {tuple(elastic.STRONG_AND_TEXT)}
    assert elastic.evidence_filter(clauses, evidence.ANY) is None


def test_elasticsearch_search_and_count_carry_the_chosen_level():
    query = SearchQuery(text="Vergabestelle", filters={"land": ["05"]})
    plain = elastic.build_search(query).to_dict()["query"]["bool"].get("filter", [])
    cut = elastic.build_search(query, level=evidence.CONFIRMED).to_dict()["query"]["bool"]
    assert plain == []
    assert cut["filter"] == [
        elastic.evidence_filter(query_clauses("Vergabestelle"), evidence.CONFIRMED).to_dict()
    ]
    count = elastic.count_body(query, evidence.CONFIRMED)["query"]
    assert cut["filter"][0] in count["bool"]["must"][0]["bool"]["filter"]
    # The level is asked with the text alone: no facet selection, no other filter.
    level = elastic.level_body(query, evidence.TEXT)["query"]["bool"]
    assert level["filter"] == [
        elastic.evidence_filter(query_clauses("Vergabestelle"), evidence.TEXT).to_dict()
    ]


def test_elasticsearch_guessed_parts_must_be_confirmed():
    (clause,) = query_clauses("Hafenbetrieb")
    query = elastic.clause_query(clause).to_dict()
    parts = query["bool"]["should"][1]["bool"]["must"]
    assert len(parts) == 2  # hafen, betrieb
    for part in parts:
        strong, text_and_labels = part["bool"]["should"]
        assert _field_lists(strong, []) == [tuple(elastic.STRONG)]
        assert len(text_and_labels["bool"]["must"]) == 2


class CountingClient:
    """Answers count requests with the given count per evidence level."""

    def __init__(self, counts):
        self.counts = counts
        self.asked = []

    def count(self, index, query):
        level = None
        for candidate in (evidence.CONFIRMED, evidence.TEXT):
            body = elastic.level_body(SearchQuery(text=self.text), candidate)
            if body["query"] == query:
                level = candidate
        self.asked.append(level)
        return {"count": self.counts.get(level, 0)}


@pytest.mark.parametrize(
    ("counts", "expected", "asked"),
    [
        ({evidence.CONFIRMED: 2, evidence.TEXT: 5}, evidence.CONFIRMED, [evidence.CONFIRMED]),
        ({evidence.TEXT: 5}, evidence.TEXT, [evidence.CONFIRMED, evidence.TEXT]),
        ({}, evidence.ANY, [evidence.CONFIRMED, evidence.TEXT]),
    ],
)
def test_elasticsearch_engine_chooses_the_best_level_with_matches(counts, expected, asked):
    engine = elastic.ElasticsearchEngine("http://127.0.0.1:9", index_prefix="t", timeout=1)
    client = CountingClient(counts)
    client.text = "Vergabestelle"
    engine.client = client
    assert engine.level(SearchQuery(text="Vergabestelle")) == expected
    assert client.asked == asked
    assert engine.level(SearchQuery(text="")) == evidence.ANY
