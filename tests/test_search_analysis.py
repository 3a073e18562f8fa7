"""The German analysis chain shared by every search engine."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import analysis
from search.analysis import (
    allowed_edits,
    clean_text,
    edit_distance,
    elasticsearch_analysis,
    index_terms,
    normalise,
    query_clauses,
    stem,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Münster", "Muenster"), ("Ämter", "Aemter"), ("Straße", "Strasse"), ("Behörde", "Behoerde")],
)
def test_umlaut_spellings_normalise_alike(a, b):
    assert normalise(a) == normalise(b)


def test_ue_after_a_vowel_or_q_is_kept():
    assert normalise("Quelle") == "quelle"
    assert normalise("blaue") == "blaue"


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("Standesamt", "Standesämter"),
        ("Gemeinde", "Gemeinden"),
        ("Zweckverband", "Zweckverbände"),
        ("Kooperation", "Kooperationen"),
        ("Kreis", "Kreise"),
        # plurals the light stemmer alone leaves apart: the dictionary's plural forms
        ("Zentrum", "Zentren"),
        ("Kita", "Kitas"),
        ("Museum", "Museen"),
        ("Verband", "Verbände"),
        ("Bad", "Bäder"),
    ],
)
def test_singular_and_plural_share_a_stem(singular, plural):
    assert stem(normalise(singular)) == stem(normalise(plural))


def test_compounds_are_indexed_under_their_parts():
    assert {"standesamt", "verbund"} <= set(index_terms("Standesamtverbund"))
    terms = set(index_terms("Lebensmittelüberwachungsamt"))
    assert {"lebensmittel", "uberwachung", "amt"} <= terms
    assert "prufung" in index_terms("Rechnungsprüfungsamt")


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        # not in the administrative list: split against the German word list
        ("Gemeinschaftsstandesamt", {"gemeinschaft", "standesamt"}),
        ("Datenverarbeitungszentrale", {"datenverarbeitung", "verarbeitung", "zentral"}),
        # linking elements: Fugen-s, -es-, -n-, a dropped final e
        ("Standesamtsverbund", {"standesamt", "verbund"}),
        ("Feuerwehrgerätehaus", {"feuerwehr", "gerat", "haus"}),
        ("Schulamt", {"schul", "amt"}),
        ("Klimaschutzmanagement", {"klimaschutz", "management"}),
        ("Vollstreckungsaußendienst", {"vollstreckung", "aussendien"}),
    ],
)
def test_compounds_split_against_the_word_list(word, parts):
    assert parts <= set(index_terms(word))


@pytest.mark.parametrize(
    "word", ["Verwaltung", "Beratung", "Bergisches", "Entsorgung", "Organisation"]
)
def test_words_that_are_no_compounds_stay_whole(word):
    assert index_terms(word) == [stem(normalise(word))]


def test_a_dropped_s_is_never_taken_for_a_part():
    # …prüfung-s-amt, not …prüfung-samt ("Samt" is a noun too)
    assert analysis.split_compound("rechnungsprufungsamt") == ("rechnungsprufung", "amt")


def test_stop_words_are_not_indexed():
    assert index_terms("der Kreis und die Gemeinde") == ["kreis", "gemeind"]


def test_query_is_not_decompounded_so_it_stays_precise():
    (clause,) = query_clauses("Standesamtverbund")
    assert clause.alternatives == (("standesamtverbund",),)


def test_multi_word_synonym_becomes_one_clause():
    clauses = query_clauses("interkommunale Zusammenarbeit")
    assert len(clauses) == 1
    assert ("ikz",) in clauses[0].alternatives
    assert ("interkommunal", "zusammenarbeit") in clauses[0].alternatives
    assert clauses[0].words == ("interkommunale", "zusammenarbeit")


def test_synonym_phrases_drop_stop_words_so_they_can_match():
    (clause,) = query_clauses("Veterinäramt")
    assert ("veterinar", "lebensmitteluberwachung") in clause.alternatives


def test_only_stop_words_still_searches_something():
    assert [clause.words for clause in query_clauses("und")] == [("und",)]


def test_edit_distance_counts_a_transposition_as_one_edit():
    assert edit_distance("standesamt", "standesammt") == 1
    assert edit_distance("beihilfe", "biehilfe") == 1
    assert edit_distance("kasse", "personal") == 3  # stops past the limit


@pytest.mark.parametrize(
    ("term", "edits"),
    [("it", 0), ("kod", 0), ("kita", 0), ("kasse", 1), ("bauhof", 1), ("standesamt", 2)],
)
def test_no_typos_in_short_words(term, edits):
    assert allowed_edits(term) == edits


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeä", max_size=9), st.text(alphabet="abcdeä", max_size=9))
def test_rapidfuzz_distance_is_the_optimal_string_alignment(a, b):
    for limit in (1, 2):
        assert edit_distance(a, b, limit) == min(
            analysis._python_edit_distance(a, b, limit), limit + 1
        )


def test_clean_text_removes_control_characters_and_folds_compatibility_forms():
    assert clean_text("Stan\x00des\u200bamt") == "Stan des amt"
    assert clean_text("ﬁnanzen") == "finanzen"


def test_elasticsearch_settings_use_the_same_word_lists():
    settings_ = elasticsearch_analysis()
    decompound = settings_["filter"]["atlas_decompound"]
    assert decompound["type"] == "dictionary_decompounder"
    # the same list the Python chain splits with, from the same files
    assert decompound["word_list"] == analysis.decompound_word_list()
    assert {"standesamt", "verbund", "amt"} <= set(decompound["word_list"])
    plurals = settings_["filter"]["atlas_plurals"]
    assert plurals["type"] == "stemmer_override"
    assert "zentren => zentrum" in plurals["rules"]
    assert len(plurals["rules"]) == len(analysis.plural_stems())
    assert settings_["filter"]["atlas_stemmer"] == {"type": "stemmer", "language": "light_german"}
    index_chain = settings_["analyzer"]["atlas_german"]["filter"]
    search_chain = settings_["analyzer"]["atlas_german_search"]["filter"]
    assert "atlas_decompound" in index_chain and "atlas_decompound" not in search_chain
    # Synonyms are expanded by the query itself (engines/elastic.py), as on the embedded
    # engine, so editors' groups apply without a new index.
    assert not any(f.get("type") == "synonym_graph" for f in settings_["filter"].values())
    assert index_chain[-2:] == search_chain[-2:] == ["atlas_plurals", "atlas_stemmer"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=1, max_size=25))
def test_a_word_in_a_document_is_found_by_searching_for_it(word):
    if normalise(word) in analysis.stopwords():
        return
    clauses = query_clauses(word)
    assert len(clauses) == 1
    indexed = set(index_terms(word))
    assert any(len(alt) == 1 and alt[0] in indexed for alt in clauses[0].alternatives)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_analysis_never_fails_on_any_text(text):
    cleaned = clean_text(text)
    index_terms(cleaned)
    query_clauses(cleaned)
