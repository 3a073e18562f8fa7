"""The search document: built in one place from a profile."""

import pytest

from cooperations.models import CooperationFunding, TaskArea
from register.geo import county_centre
from search.contract import SearchQuery
from search.documents import build_document, indexable_profiles
from search.facets import FACETS, partner_count_class, size_class
from search.results import facet_results

pytestmark = pytest.mark.django_db


def document_for(page):
    return build_document(indexable_profiles().get(pk=page.pk))


def test_document_carries_every_facet_and_register_values(make_profile):
    page = make_profile(
        "Testverbund Standesamt",
        partners=[("05974016", "lead"), ("05974004", "member"), ("05974", "member")],
        start_year=2023,
    )
    document = document_for(page)

    assert set(document["facets"]) == {facet.key for facet in FACETS}
    assert document["facets"]["land"] == ["05"]
    assert document["facets"]["regierungsbezirk"] == ["059"]
    assert document["facets"]["kreis"] == ["05974"]
    assert document["facets"]["partnerzahl"] == ["3-5"]
    assert document["facets"]["startjahr"] == ["ab-2020"]
    assert document["facets"]["foerderung"] == ["nein"]
    # Erwitte 16,300 and Anröchte 10,304 inhabitants; the Kreis itself is larger.
    assert {"10000-20000", "100000-500000"} == set(document["facets"]["groesse"])
    assert document["partners"] == ["Erwitte", "Anröchte", "Kreis Soest"]
    assert document["start_year"] == 2023
    assert document["url"] == page.url


def test_hierarchical_terms_carry_their_ancestors(make_profile):
    parent = TaskArea.objects.create(name="Testgruppe", slug="testgruppe")
    child = TaskArea.objects.create(name="Testaufgabe", slug="testaufgabe", parent=parent)
    page = make_profile("Hierarchie", publish=False)
    page.task_areas.add(child)
    page.save_revision().publish()

    assert document_for(page)["facets"]["aufgabe"] == ["testgruppe", "testaufgabe"]


def test_locations_use_municipal_centres_and_kreis_centres(make_profile):
    page = make_profile(
        "Orte", partners=[("05974016", "lead"), ("05974", "member"), ("GPA NRW", "other")]
    )
    locations = document_for(page)["locations"]

    assert locations[0] == pytest.approx([51.6114, 8.3361], abs=1e-3)
    assert locations[1] == pytest.approx(list(county_centre(page.partners.all()[1].county_id)))
    assert len(locations) == 2  # another organisation has no location


def test_body_is_plain_text_with_facts_and_funding_flag(make_profile):
    page = make_profile("Text", occasion="<p>Ein <b>Anlass</b></p>", publish=False)
    page.funding.add(CooperationFunding(programme="Förderrichtlinie IKZ"))
    page.save_revision().publish()
    document = document_for(page)

    assert "Ein Anlass" in document["body"]
    assert "<b>" not in document["body"]
    assert document["facets"]["foerderung"] == ["ja"]


def test_drafts_are_not_indexable(make_profile):
    draft = make_profile("Entwurf", publish=False)
    assert not indexable_profiles().filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("population", "expected"),
    [(0, "unter-10000"), (9_999, "unter-10000"), (10_000, "10000-20000"), (600_000, "ab-500000")],
)
def test_size_class_bounds(population, expected):
    assert size_class(population) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1"), (2, "2"), (5, "3-5"), (11, "ab-11")])
def test_partner_count_class_bounds(count, expected):
    assert partner_count_class(count) == expected


def test_facet_results_label_order_and_keep_selected_values_at_zero():
    query = SearchQuery(filters={"land": ("05", "09")})
    results = {facet.key: facet for facet in facet_results({"land": {"05": 3, "06": 5}}, query)}

    land = results["land"]
    assert [(v.value, v.count, v.selected) for v in land.values] == [
        ("06", 5, False),
        ("05", 3, True),
        ("09", 0, True),
    ]
    assert [v.label for v in land.values] == ["Hessen", "Nordrhein-Westfalen", "Bayern"]
    groesse = facet_results({"groesse": {"ab-500000": 1, "unter-10000": 4}}, SearchQuery())
    size_values = [f for f in groesse if f.key == "groesse"][0].values
    assert [v.value for v in size_values] == ["unter-10000", "ab-500000"]  # fixed order
