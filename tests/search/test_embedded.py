"""What only the embedded engine has: its analysed text, the in-memory facet index and its
invalidation, query translation, highlighting and the wording of "Meinten Sie …?".

Documents here are hand-made search documents (no pages), so each case is explicit.
"""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import index_terms
from search.contract import SearchQuery
from search.engines.embedded import EmbeddedEngine
from search.engines.highlight import highlight
from search.engines.postgres_fts import tsquery_expression
from search.engines.sqlite_fts import match_expression
from search.engines.storage import analysed_text, title_sort_key
from search.engines.typo import corrected_text
from search.models import IndexedDocument, IndexVersion


def document(page_id, title, body="", **fields):
    return {
        "id": page_id,
        "title": title,
        "url": f"/kooperationen/test-{page_id}/",
        "summary": fields.pop("summary", body.split("\n")[0]),
        "body": body,
        "partners": fields.pop("partners", []),
        "keywords": fields.pop("keywords", []),
        "published_at": fields.pop("published_at", f"2024-01-{page_id:02d}T12:00:00+00:00"),
        "start_year": fields.pop("start_year", None),
        "partner_count": fields.pop("partner_count", 1),
        "locations": fields.pop("locations", []),
        "facets": fields.pop("facets", {"land": ["05"]}),
        "display": {},
        **fields,
    }


# --- analysis ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Standesamtverbund der Gemeinden Anröchte und Erwitte",
        "Veterinär- und Lebensmittelüberwachung; Ämter & Behörden (IKZ)",
        "Straße, Maße, Muenster, Münster, 115, D115",
        "",
    ],
)
def test_analysed_text_has_exactly_the_index_terms(text):
    assert Counter(analysed_text(text).split()) == Counter(index_terms(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeiouäöüßstrnlmcbh -."), max_size=60))
def test_analysed_text_agrees_with_the_shared_chain_on_any_text(text):
    assert Counter(analysed_text(text).split()) == Counter(index_terms(text))


def test_words_come_before_compound_parts():
    # phrases need the words adjacent; parts go to the end
    assert (
        analysed_text("Standesamtverbund Lippe")
        == "standesamtverbund lipp standesamt stand amt verbund"
    )


def test_title_sort_key_is_dictionary_order():
    titles = ["Zweckverband", "Ämter", "Abwasser", "Öffentliche Hand", "ober", "Straße"]
    assert sorted(titles, key=title_sort_key) == [
        "Abwasser",
        "Ämter",
        "ober",
        "Öffentliche Hand",
        "Straße",
        "Zweckverband",
    ]


# --- query translation ----------------------------------------------------------------------


def test_match_expressions_quote_every_term():
    clauses = [[("ikz",), ("interkommunal", "zusammenarbeit")], [("and",)]]
    assert match_expression(clauses) == '("ikz" OR "interkommunal zusammenarbeit") AND ("and")'
    assert tsquery_expression(clauses) == (
        "(('ikz') | ('interkommunal' <-> 'zusammenarbeit')) & (('and'))"
    )
    assert tsquery_expression([[("o'neil",)]]) == "(('o''neil'))"


# --- the engine ---------------------------------------------------------------------------


@pytest.fixture
def engine(db):
    engine = EmbeddedEngine()
    engine.rebuild(
        [
            document(1, "Gemeinsames Standesamt", "Ein Standesamt für drei Gemeinden."),
            document(
                2,
                "Kooperationen im Bauhof",
                "Kooperationen zwischen Bauhöfen: Fahrzeuge, Winterdienst.",
                facets={"land": ["05"], "phase": ["umsetzung"]},
            ),
            document(
                3,
                "Zweckverband Abwasser",
                "Abwasser und Kläranlagen.",
                facets={"land": ["09"], "phase": ["umsetzung"]},
            ),
        ]
    )
    return engine


def titles(results):
    return [hit.title for hit in results.hits]


@pytest.mark.parametrize(
    "text",
    ['"Standesamt', "Standesamt AND", "NEAR(Standesamt)", "Standes* ^amt", "Standesamt OR -x"],
)
def test_query_syntax_of_the_database_is_never_interpreted(engine, text):
    results = engine.search(SearchQuery(text=text))
    assert results.total >= 0  # no syntax error, whatever the user typed


def test_only_punctuation_lists_everything_newest_first(engine):
    results = engine.search(SearchQuery(text="?!"))
    assert results.total == 3
    assert [hit.page_id for hit in results.hits] == [3, 2, 1]


def test_unknown_facets_are_ignored_and_unknown_values_find_nothing(engine):
    assert engine.search(SearchQuery(filters={"gibt-es-nicht": ("x",)})).total == 3
    assert engine.search(SearchQuery(filters={"land": ("99",)})).total == 0


def test_suggestion_is_a_real_word_in_the_users_query(engine):
    results = engine.search(SearchQuery(text="Kooperatoinen  im Bauhof"))
    # the index term is the stem "kooperation"; the word closest to the typing is offered
    assert results.suggestion == "kooperationen  im Bauhof"
    assert titles(results) == ["Kooperationen im Bauhof"]


def test_typos_follow_every_write_without_reading_the_vocabulary_again(engine):
    assert engine.search(SearchQuery(text="Photovoltiak")).total == 0  # vocabulary read
    engine.index_documents([document(4, "Photovoltaik auf Schuldächern", "Solaranlagen.")])
    with CaptureQueriesContext(connection) as queries:
        results = engine.search(SearchQuery(text="Photovoltiak"))
    assert titles(results) == ["Photovoltaik auf Schuldächern"]
    assert results.suggestion == "photovoltaik"
    # the new document's terms were added; nothing read the whole vocabulary again
    assert not [q for q in queries if re.search(r"FROM \S*fts_vocab\S*$", q["sql"])]

    engine.delete_documents([4])
    results = engine.search(SearchQuery(text="Photovoltiak"))
    assert results.total == 0
    assert results.suggestion is None  # the word of a deleted document is not offered


def test_no_suggestion_without_a_close_word(engine):
    results = engine.search(SearchQuery(text="Xylophonorchester"))
    assert results.total == 0
    assert results.suggestion is None


def test_short_words_get_no_typo_variants(engine):
    # two letters: fuzziness AUTO allows no edit
    assert engine.search(SearchQuery(text="Ab")).total == 0


def test_corrected_text_replaces_only_the_unknown_words():
    assert corrected_text("Standesammt Kreis Soest", {"standesammt": "standesamt"}) == (
        "standesamt Kreis Soest"
    )
    assert corrected_text("Kreis Soest", {"standesammt": "standesamt"}) is None


def test_every_change_is_seen_by_other_processes(engine):
    other_process = EmbeddedEngine()
    assert other_process.search(SearchQuery()).total == 3
    stamp = IndexVersion.current_stamp()
    engine.index_documents([document(4, "Neue Vergabestelle", "Zentrale Vergabe.")])
    assert IndexVersion.current_stamp() != stamp
    assert titles(other_process.search(SearchQuery(text="Vergabestelle"))) == ["Neue Vergabestelle"]
    engine.delete_documents([4, 999])
    assert other_process.search(SearchQuery()).total == 3
    assert other_process.search(SearchQuery(text="Vergabestelle")).total == 0


def test_deleting_what_is_not_indexed_changes_nothing(engine):
    stamp = IndexVersion.current_stamp()
    engine.delete_documents([999])
    assert IndexVersion.current_stamp() == stamp


def test_reindexing_replaces_and_rebuild_starts_over(engine):
    engine.index_documents([document(2, "Kooperationen im Betriebshof", "Nur noch Betriebshof.")])
    assert engine.search(SearchQuery(text="Winterdienst")).total == 0
    assert titles(engine.search(SearchQuery(text="Betriebshof"))) == [
        "Kooperationen im Betriebshof"
    ]
    assert engine.count() == 3
    assert engine.rebuild([document(7, "Allein", "Nichts weiter.")]) == 1
    assert engine.count() == 1
    assert engine.search(SearchQuery(text="Standesamt")).total == 0
    assert list(IndexedDocument.objects.values_list("page_id", flat=True)) == [7]


def test_vocabulary_counts_follow_every_write(engine):
    written = [
        document(2, "Kooperationen im Bauhof", "Nur noch Fahrzeuge."),
        document(4, "Bauhof Süd", "Bauhof und Kläranlagen."),
    ]
    engine.index_documents(written)
    engine.delete_documents([3])
    ever = set(index_terms("Zweckverband Abwasser und Kläranlagen Gemeinsames Standesamt"))
    ever |= {term for doc in written for term in index_terms(f"{doc['title']} {doc['body']}")}
    expected = Counter()
    for row in IndexedDocument.objects.all():
        expected.update(set(f"{row.title_terms} {row.extra_terms} {row.body_terms}".split()))
    assert engine.fulltext.document_frequencies(ever) == {
        term: count for term, count in expected.items() if term in ever
    }
    assert "abwass" not in engine.fulltext.document_frequencies(ever)  # only in deleted 3
    assert engine.fulltext.document_frequencies(["bauhof"]) == {"bauhof": 2}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL only")
def test_postgres_search_indexes_keep_no_pending_entries(engine):
    # Entries waiting in a GIN pending list are scanned by every search until VACUUM
    # merges them (migration 0003): rebuilds and single writes go straight into the index.
    engine.index_documents([document(4, "Bauhof Süd", "Bauhof und Kläranlagen.")])
    with connection.cursor() as cursor:
        for index in ("atlas_search_document_vector", "atlas_search_vocabulary_trgm"):
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [index])
            assert cursor.fetchone()[0] == ["fastupdate=off"]
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            assert cursor.fetchone()[0] == 0  # pages that were pending and are merged now


def test_facet_counts_of_a_text_search(engine):
    results = engine.search(SearchQuery(text="Abwasser"))
    assert {v.value: v.count for v in results.facet("land").values} == {"09": 1}
    results = engine.search(SearchQuery(filters={"phase": ("umsetzung",)}))
    assert {v.value: v.count for v in results.facet("land").values} == {"05": 1, "09": 1}
    assert {v.value: v.count for v in results.facet("phase").values} == {"umsetzung": 2}


# --- highlighting -------------------------------------------------------------------------


def test_highlight_prefers_the_summary_and_escapes_it():
    doc = document(1, "T", "x", summary='Das <b>Standesamt</b> & "Trauungen"')
    html = highlight(doc, {"standesamt"})
    assert html == "Das &lt;b&gt;<mark>Standesamt</mark>&lt;/b&gt; &amp; &quot;Trauungen&quot;"


def test_highlight_marks_compounds_by_their_parts():
    doc = document(1, "T", "x", summary="Der Standesamtverbund wächst.")
    assert highlight(doc, {"verbund"}) == "Der <mark>Standesamtverbund</mark> wächst."


def test_highlight_marks_phrases_only_where_the_words_stand_together():
    doc = document(
        1, "T", "x", summary="Interkommunale Zusammenarbeit, aber auch Zusammenarbeit allein."
    )
    html = highlight(doc, set(), phrases=[("interkommunal", "zusammenarbeit")])
    assert html == (
        "<mark>Interkommunale</mark> <mark>Zusammenarbeit</mark>, aber auch Zusammenarbeit allein."
    )


def test_highlight_cuts_a_passage_from_the_body():
    filler = " ".join(["Vorwort"] * 60)
    body = f"Kurz.\n{filler} Hier steht der Bauhof und sein Winterdienst. {filler}"
    doc = document(1, "T", body, summary="Kurz.")
    html = highlight(doc, {"bauhof", "winterdien"})
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Bauhof</mark> und sein <mark>Winterdienst</mark>" in html
    assert len(html) < 260
    assert "\n" not in html


def test_highlight_is_empty_without_a_match_in_summary_or_body():
    assert highlight(document(1, "Bauhof", "Nichts."), {"bauhof"}) == ""
    assert highlight(document(1, "Bauhof", "Bauhof."), set()) == ""


def test_equal_scores_are_ordered_newest_first_across_pages(db):
    engine = EmbeddedEngine()
    engine.rebuild(
        [document(number, "Gleiche Kooperation", "Gleicher Text.") for number in range(1, 6)]
    )
    pages = [
        [hit.page_id for hit in engine.search(SearchQuery(text="gleich", page=n, page_size=2)).hits]
        for n in (1, 2, 3)
    ]
    assert pages == [[5, 4], [3, 2], [1]]
    scores = {hit.score for hit in engine.search(SearchQuery(text="gleich")).hits}
    assert len(scores) == 1 and scores.pop() > 0


def test_numbers_and_letters_with_numbers_are_words(db):
    engine = EmbeddedEngine()
    engine.rebuild([document(1, "Behördennummer 115", "Servicecenter für die 115.")])
    # "d115" and "115" are synonyms; the databases' parsers must keep both as one word
    assert engine.search(SearchQuery(text="D115")).total == 1
    assert engine.search(SearchQuery(text="115")).total == 1
