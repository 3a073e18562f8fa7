"""register.lookup: the one place lookup behind the search, saved searches, the partner
search, access requests and reports (real register data)."""

import pytest

from register.lookup import find_places, fold

pytestmark = pytest.mark.django_db


def ags(places):
    return sorted(m.ags for m in places.municipalities)


def keys(places):
    return sorted(c.key for c in places.counties)


def test_fold_writes_out_umlauts_and_sharp_s():
    assert fold("Münster") == fold("MUENSTER") == fold("  muenster ") == "muenster"
    assert fold("Weißenfels") == fold("Weissenfels") == "weissenfels"
    assert fold("ÖSTRINGEN") == "oestringen"


def test_keys_name_exactly_one_body():
    places = find_places("05974016")
    assert ags(places) == ["05974016"] and places.by_key and not places.counties
    assert keys(find_places("05974")) == ["05974"]
    assert not find_places("99999999") and find_places("99999999").by_key
    # A key of a kind the caller does not want finds nothing.
    assert not find_places("05974", counties=False)


@pytest.mark.parametrize(
    "text",
    ["Erwitte", "erwitte", "ERWITTE", " Stadt  Erwitte ", "Gemeinde Erwitte"],
)
def test_names_ignore_case_space_and_the_word_stadt(text):
    assert ags(find_places(text)) == ["05974016"]


@pytest.mark.parametrize("text", ["Muenster", "MÜNSTER", "münster"])
def test_folded_names_find_both_muensters(text):
    assert ags(find_places(text, counties=False)) == ["05515000", "09779187"]


def test_sharp_s_written_out():
    assert ags(find_places("Weissenfels")) == ["15084550"]
    assert ags(find_places("Strassberg")) == ["08417063"]


def test_kreis_by_display_name_or_name():
    assert keys(find_places("Kreis Soest")) == ["05974"]
    assert keys(find_places("kreis soest")) == ["05974"]
    assert "05974" in keys(find_places("Soest"))  # also the town Soest
    assert ags(find_places("Kreis Soest")) == []


def test_name_with_county_picks_one_of_many():
    assert len(find_places("Neuenkirchen").municipalities) > 5
    assert ags(find_places("Neuenkirchen (Kreis Steinfurt)")) == ["05566060"]
    assert ags(find_places("neuenkirchen (kreis steinfurt)")) == ["05566060"]


def test_kreisfreie_stadt_is_one_place():
    both = find_places("Köln")
    assert ags(both) == ["05315000"] and keys(both) == ["05315"]
    one = both.without_city_counties()
    assert one.single.ags == "05315000"


def test_prefix_only_when_asked_and_only_after_exact():
    assert not find_places("Erwit")
    places = find_places("Erwit", prefix=True)
    assert ags(places) == ["05974016"] and not places.exact
    assert find_places("Erwitte", prefix=True).exact
    started = find_places("muenst", prefix=True, counties=False).municipalities
    assert {"05515000", "09779187"} <= {m.ags for m in started}
    assert all(m.name.startswith("Münst") for m in started)


def test_nothing_for_nonsense_or_empty_text():
    assert not find_places("Gibtesnichtheim", prefix=True)
    assert not find_places("   ")
    assert find_places("   ").single is None
