"""Finding what people type (issue 14), one class at a time, on the configured database
(the SQLite pass and the PostgreSQL pass run the same tests), and the agreement of the
full-text backends with a reference matcher on the same documents.

Documents are hand-made search documents (no pages) unless a test needs the page and
the API; each case is explicit.
"""

import pytest

from search import service, thesaurus
from search.analysis import query_clauses
from search.contract import SearchQuery
from search.engines import elastic
from search.engines.embedded import EmbeddedEngine
from search.engines.storage import stored_row
from search.engines.typo import text_plan
from search.models import IndexVersion, SynonymGroup
from tests.search.test_embedded import document

DOCUMENTS = [
    document(
        1,
        "Standesamt Hellweg",
        "Drei Gemeinden führen ein gemeinsames Standesamt. Die Standesämter wurden zusammengelegt.",
        partners=["Gemeinde Anröchte", "Stadt Erwitte"],
        keywords=["Standesamt"],
    ),
    document(
        2,
        "Kommunale Datenverarbeitungszentrale",
        "Ein Zweckverband betreibt die IT der Kommunen im Rechenzentrum.",
        keywords=["IT und Rechenzentrum"],
    ),
    document(
        3,
        "Interkommunales Hallenbad",
        "Zwei Gemeinden betreiben ein Hallenbad gemeinsam.",
        keywords=["Sport und Bäder"],
    ),
    document(
        4,
        "Gemeinsamer Bauhof",
        "Die Bauhöfe teilen Fahrzeuge und den Winterdienst.",
        keywords=["Bauhof"],
    ),
    document(
        5,
        "Zentrale Vergabestelle",
        "Eine Vergabestelle schreibt für mehrere Städte aus. Die Zentren der Beschaffung.",
        keywords=["Vergabe und Beschaffung", "Bauhof"],  # tagged Bauhof, text says nothing
    ),
    document(
        6,
        "Technische Betriebsführung Abwasser",
        "Kläranlagen und Kanäle gemeinsam betrieben; die Kitas bleiben bei den Gemeinden.",
        partners=["Stadt Homberg (Efze)"],
        places=["Schwalm-Eder-Kreis", "Regierungsbezirk Kassel", "Hessen", "Nordhessen"],
    ),
    document(
        7,
        "Gemeinsame Kita-Verwaltung",
        "Die Verwaltung einer Kita und eines Kinderzentrums.",
        keywords=["Kita und Kinderbetreuung"],
    ),
]


@pytest.fixture
def engine(db):
    engine = EmbeddedEngine()
    engine.rebuild(DOCUMENTS)
    thesaurus.forget()
    yield engine
    thesaurus.forget()


def titles(engine, text, **kwargs):
    return [hit.title for hit in engine.search(SearchQuery(text=text, **kwargs)).hits]


def ids(engine, text):
    return {hit.page_id for hit in engine.search(SearchQuery(text=text, page_size=100)).hits}


# --- compounds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Standesamtverbund",  # not in any document: split into parts the index knows
        "Standesamtsverbund",  # with a linking s
        "Gemeinschaftsstandesamt",
        "Verbundstandesamt",
    ],
)
def test_unknown_compounds_find_their_parts(engine, text):
    assert ids(engine, text) == {1}


def test_a_compound_part_is_found_inside_a_longer_word(engine):
    # "Datenverarbeitungszentrale" is indexed under datenverarbeitung, daten, verarbeitung …
    assert ids(engine, "Datenverarbeitung") == {2}
    assert ids(engine, "Verarbeitung") == {2}


# --- everyday words, abbreviations, English ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schwimmbad", {3}),
        ("Kindertagesstätte", {6, 7}),
        ("public procurement", {5}),
        ("wastewater", {6}),
        ("registry office", {1}),
        ("swimming pool", {3}),
    ],
)
def test_thesaurus_maps_everyday_and_english_words(engine, text, expected):
    assert ids(engine, text) == expected


def test_editors_synonyms_apply_at_once_in_both_engines(engine):
    assert ids(engine, "Spaßbad") == set()
    group = SynonymGroup.objects.create(terms="Spaßbad, Hallenbad")
    # Saving bumped the index version: the next search reloads the editors' groups.
    assert ids(engine, "Spaßbad") == {3}
    body = elastic.build_search(SearchQuery(text="Spaßbad")).to_dict()
    assert "hallenbad" in str(body["query"])
    group.delete()
    assert ids(engine, "Spaßbad") == set()


def test_an_editor_group_needs_two_terms():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SynonymGroup(terms="Spaßbad").full_clean()


# --- typos: not in short words and abbreviations ----------------------------------------


def test_short_words_are_not_read_as_typos(engine):
    # "Kit" is one edit from "kita", "Kitta" is not short: one edit is forgiven there.
    assert ids(engine, "Kit") == set()
    assert ids(engine, "Kitta") == {6, 7}


def test_known_abbreviations_are_not_read_as_typos(engine):
    # "DSGVO" (an abbreviation of the thesaurus) is no typo of anything
    (clause,) = query_clauses("DSGVO")
    plan = text_plan(engine.fulltext, [clause], "DSGVO")
    assert plan.clauses == [list(clause.alternatives)]  # no typo variants added
    assert plan.suggestion is None


def test_long_words_keep_their_typo_tolerance(engine):
    assert ids(engine, "Standesammt") == {1}
    assert engine.search(SearchQuery(text="Vergabestele")).suggestion == "vergabestelle"


# --- inflections ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("Standesamt", "Standesämter"),
        ("Kita", "Kitas"),
        ("Zentrum", "Zentren"),
        ("Bauhof", "Bauhöfe"),
    ],
)
def test_plural_finds_as_many_as_singular(engine, singular, plural):
    assert ids(engine, plural) == ids(engine, singular) != set()


# --- places -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Nordhessen", "Regierungsbezirk Kassel", "Schwalm-Eder-Kreis"])
def test_places_of_the_partners_are_searchable(engine, text):
    assert ids(engine, text) == {6}


# --- precision: a match only through a task area ranks below the text ---------------------


def test_task_area_only_matches_are_no_hits_when_the_text_says_it(engine):
    # "Zentrale Vergabestelle" is tagged Bauhof, but its text says nothing of one.
    assert titles(engine, "Bauhof") == ["Gemeinsamer Bauhof"]
    assert service.total(SearchQuery(text="Bauhof")) == 1
    # Only a task area says "Sport": then that is the match.
    assert ids(engine, "Sport") == {3}


def test_cooperation_words_beside_others_are_left_out():
    assert [clause.words for clause in query_clauses("IKZ Standesamt")] == [("standesamt",)]
    assert [c.words for c in query_clauses("Gemeinsame Vergabestelle")] == [("vergabestelle",)]
    assert len(query_clauses("interkommunale Zusammenarbeit")) == 1


# --- partial matching and "Meinten Sie …?" -----------------------------------------------


@pytest.fixture
def embedded_only(settings):
    settings.ELASTICSEARCH_URL = ""


def test_partial_matching_when_all_words_find_nothing(engine, embedded_only):
    results = service.search(SearchQuery(text="Bauhof Wolkenkuckucksheim"), relax=True)
    assert [hit.page_id for hit in results.hits] == [4]
    assert results.partial.matched == ("Bauhof",)
    assert results.partial.missing == ("Wolkenkuckucksheim",)
    assert results.notices[0] == (
        "Keine Treffer, die alle Suchwörter enthalten. Treffer für „Bauhof“, "
        "ohne „Wolkenkuckucksheim“."
    )
    assert results.query.text == "Bauhof Wolkenkuckucksheim"


def test_partial_matching_keeps_most_words(engine, embedded_only):
    # Each word finds something, all three together nothing: two of them do.
    results = service.search(SearchQuery(text="Hallenbad Gemeinden Vergabestelle"), relax=True)
    assert results.partial.missing == ("Vergabestelle",)
    assert [hit.page_id for hit in results.hits] == [3]


def test_no_partial_matching_for_figures_or_single_words(engine, embedded_only):
    assert service.search(SearchQuery(text="Bauhof Wolkenkuckucksheim")).total == 0
    results = service.search(SearchQuery(text="Wolkenkuckucksheim"), relax=True)
    assert results.total == 0 and results.partial is None


def test_meinten_sie_only_proposes_what_finds_something(engine, embedded_only):
    # The typo is corrected, but "Standesamt" with "Hallenbad" finds nothing: no proposal.
    results = service.search(SearchQuery(text="Standesammt Hallenbad"), relax=True)
    assert results.suggestion is None
    results = service.search(SearchQuery(text="Standesammt Hellweg"), relax=True)
    assert results.suggestion == "standesamt Hellweg"
    assert service.total(SearchQuery(text=results.suggestion)) == 1


# --- the backends agree with a reference matcher -------------------------------------------

PARITY_QUERIES = [
    "Standesamt",
    "Standesämter",
    "Verwaltung",
    "verwalten",  # Snowball would conflate it with Verwaltung; the shared chain does not
    "Gemeinden",
    "gemeinsam",
    "Bauhof Fahrzeuge",
    "Kläranlage",
    "IKZ",
    "interkommunale Zusammenarbeit",
    "Rechenzentrum",
    "Zentrum",
    "Kita",
    "Hessen",
    "Datenverarbeitung",
    "Standesamtverbund",
    "Stadt Erwitte",
]


def reference_matches(plan_clauses, documents):
    """Which documents contain every clause (any alternative; a phrase as adjacent terms
    within one field), computed from the stored rows' terms in Python."""
    fields = {}
    for doc in documents:
        row = stored_row(doc)
        fields[row.page_id] = [
            text.split()
            for text in (row.title_terms, row.extra_terms, row.body_terms, row.meta_terms)
        ]

    def contains(terms, phrase):
        size = len(phrase)
        return any(tuple(terms[i : i + size]) == phrase for i in range(len(terms) - size + 1))

    return {
        page_id
        for page_id, texts in fields.items()
        if all(
            any(contains(terms, tuple(phrase)) for terms in texts for phrase in clause)
            for clause in plan_clauses
        )
    }


@pytest.mark.parametrize("text", PARITY_QUERIES)
def test_backend_matches_exactly_the_reference(engine, text):
    """SQLite FTS5 and PostgreSQL tsvector (whichever this run uses) match exactly what the
    terms say: no stemming of their own (PostgreSQL stemmed a second time before)."""
    plan = text_plan(engine.fulltext, query_clauses(text), text, suggest=False)
    expected = reference_matches(plan.clauses, DOCUMENTS)
    found = {page_id for page_id, _ in engine.fulltext.match(plan.clauses, scored=False)}
    assert found == expected
    # The hits are those matches with the best evidence (search/evidence.py).
    assert ids(engine, text) <= expected


def test_elasticsearch_request_has_one_clause_per_analysed_clause():
    """Elasticsearch gets the same clauses (synonyms expanded by the shared analysis) and
    indexes with the same word lists (test_search_analysis)."""
    for text in PARITY_QUERIES:
        clauses = query_clauses(text)
        body = elastic.build_search(SearchQuery(text=text)).to_dict()
        assert len(body["query"]["bool"]["must"]) == len(clauses)
        for clause, query in zip(clauses, body["query"]["bool"]["must"], strict=True):
            for phrase in clause.phrases:
                assert " ".join(phrase) in str(query)


def test_elasticsearch_fuzziness_follows_the_short_word_rule():
    body = elastic.build_search(SearchQuery(text="Kita Standesamt DSGVO")).to_dict()
    kita, standesamt, dsgvo = body["query"]["bool"]["must"]
    # "AUTO:5,8": no edits up to four letters, one up to seven, as analysis.allowed_edits
    assert "'fuzziness': 'AUTO:5,8'" in str(kita)
    assert "'fuzziness': 'AUTO:5,8'" in str(standesamt)
    assert "'query': 'dsgvo'" in str(dsgvo) and "'fuzziness': '0'" in str(dsgvo)


def test_index_version_moves_when_synonyms_change(db):
    before = IndexVersion.current_stamp()
    SynonymGroup.objects.create(terms="Freibad, Sommerbad")
    assert IndexVersion.current_stamp() != before
