"""One contract, every engine: the same queries must mean the same on each of them.

Parametrised over the embedded engine on the test database ("sqlite" or "postgresql",
whichever DATABASE_URL selects; CI runs both) and Elasticsearch (only with
ELASTICSEARCH_URL). Expected results are computed independently: facet counts through the
ORM, distances with a haversine written here, orders from the fixture data.
"""

import math
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q

from cooperations.models import (
    CooperationModel,
    CooperationPage,
    LegalForm,
    Motive,
    Phase,
    TaskArea,
)
from register.models import County, Municipality, State
from search.contract import GeoFilter, SearchQuery
from search.documents import build_document, indexable_profiles
from search.facets import START_YEAR_BUCKETS

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[connection.vendor, "elasticsearch"])
def engine(request):
    if request.param == "elasticsearch":
        if not ELASTICSEARCH_URL:
            pytest.skip("ELASTICSEARCH_URL not set: no Elasticsearch server to test against")
        from search.engines.elastic import ElasticsearchEngine

        engine = ElasticsearchEngine(
            ELASTICSEARCH_URL, index_prefix=f"test-contract-{uuid.uuid4().hex[:12]}"
        )
        yield engine
        engine.delete_index()
    else:
        from search.engines.embedded import EmbeddedEngine

        yield EmbeddedEngine()


# Test data: invented cooperations between real municipalities of the register.
# key: (title, summary, partners, fields)
PROFILES = {
    "standesamt": (
        "Testfall Standesamtverbund Lippe-Süd",
        "Testdaten: Zwei Städte führen ihre Standesämter als ein gemeinsames Standesamt.",
        [("05974016", "lead"), ("05974040", "member")],  # Erwitte, Soest
        dict(
            start_year=2015,
            phase=Phase.REGELBETRIEB,
            task_areas=["standesamt"],
            legal_form="oeffentlich-rechtliche-vereinbarung-delegierend",
            cooperation_model="gemeinsame-einrichtung",
            motives=["effizienz"],
        ),
    ),
    "lebensmittel": (
        "Testfall Lebensmittelüberwachungsamt Bergland",
        "Testdaten: Zwei Städte kontrollieren Betriebe gemeinsam.",
        [("05315000", "lead"), ("05314000", "member")],  # Köln, Bonn
        dict(
            start_year=2008,
            phase=Phase.UMSETZUNG,
            task_areas=["veterinaer-lebensmittelueberwachung"],
            legal_form="zweckverband",
            cooperation_model="dienstleistungszentrum",
            motives=["kompetenz-kapazitaeten"],
        ),
    ),
    "netzwerk": (
        "Testfall Netzwerk interkommunale Zusammenarbeit Münsterland",
        "Testdaten: Ein Netzwerk für den Austausch der Verwaltungen.",
        # Münster, Telgte, Warendorf, Greven
        [("05515000", "lead"), ("05570044", "member"), ("05570052", "member")]
        + [("05566012", "member")],
        dict(
            start_year=2021,
            phase=Phase.UMSETZUNG,
            task_areas=["verwaltungsmodernisierung"],
            legal_form="arbeitsgemeinschaft",
            cooperation_model="koordinierungsstelle-netzwerk",
            motives=["innovation", "effizienz"],
        ),
    ),
    "aemter": (
        "Testfall Ämter Rheinschiene",
        "Testdaten: Zwei Ordnungsbehörden teilen sich Außendienste.",
        [("05111000", "lead"), ("05315000", "member")],  # Düsseldorf, Köln
        dict(
            start_year=2019,
            phase=Phase.KONZEPTION,
            task_areas=["ordnungsamt"],
            cooperation_model="gemeinsame-einrichtung",
            motives=["effizienz"],
        ),
    ),
    "veterinaer": (
        "Testfall Veterinär- und Lebensmittelüberwachung Ruhr",
        "Testdaten: Eine Stadt übernimmt Aufgaben für ihre Nachbarn.",
        [("05913000", "lead")],  # Dortmund
        dict(
            start_year=2005,
            phase=Phase.REGELBETRIEB,
            task_areas=["veterinaer-lebensmittelueberwachung"],
            legal_form="oeffentlich-rechtliche-vereinbarung-mandatierend",
            cooperation_model="dienstleistungszentrum",
        ),
    ),
    "bauhof": (
        "Testfall Bauhof Nord",
        "Testdaten: Gemeinsamer Betriebshof <Nord> & Fahrzeuge, die auch das Standesamt nutzt.",
        [("05570052", "lead"), ("05570044", "member")],  # Warendorf, Telgte
        dict(
            start_year=2012,
            phase=Phase.UMSETZUNG,
            task_areas=["bauhof"],
            cooperation_model="gemeinsame-beschaffung",
            motives=["kompetenz-kapazitaeten"],
        ),
    ),
    "klaerwerk": (
        "Testfall Abwasserklärwerk Süd",
        "Testdaten: Das Klärwerk teilt sich den Bauhof, Bauhof-Personal und Bauhof-Geräte "
        "mit dem Bauhof der Nachbarn; ein Bauhof für alle.",
        [("09162000", "lead")],  # München
        dict(task_areas=["abwasser"], cooperation_model="sonstiges"),
    ),
    "personal": (
        "Testfall Zentrale Personalabrechnung Hamburg",
        "Testdaten: Ein Dienstleister rechnet Bezüge für andere ab.",
        [("02000000", "lead")],  # Hamburg
        dict(
            start_year=1998,
            phase=Phase.BEENDET,
            task_areas=["personal-beihilfe"],
            legal_form="gmbh",
            motives=["effizienz"],
        ),
    ),
}
DRAFT = "Testfall Entwurf Standesamt"  # not published: never found


def _create(make_profile, key):
    title, summary, partners, fields = PROFILES[key]
    fields = dict(fields)
    fields["task_areas"] = [TaskArea.objects.get(slug=s) for s in fields.get("task_areas", [])]
    fields["motives"] = [Motive.objects.get(slug=s) for s in fields.get("motives", [])]
    if "legal_form" in fields:
        fields["legal_form"] = LegalForm.objects.get(slug=fields["legal_form"])
    if "cooperation_model" in fields:
        fields["cooperation_model"] = CooperationModel.objects.get(slug=fields["cooperation_model"])
    return make_profile(title, partners=partners, summary=summary, **fields)


@pytest.fixture
def corpus(make_profile, engine):
    """The profiles above, published one day apart in the order listed, indexed into the
    engine under test. Returns {key: page}."""
    pages = {key: _create(make_profile, key) for key in PROFILES}
    make_profile(DRAFT, publish=False, summary="Testdaten: Entwurf zum Standesamt.")
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for day, page in enumerate(pages.values()):
        CooperationPage.objects.filter(pk=page.pk).update(
            first_published_at=start + timedelta(days=day)
        )
    documents = [build_document(page) for page in indexable_profiles()]
    assert engine.rebuild(documents) == len(PROFILES)
    return pages


def ids(results):
    return [hit.page_id for hit in results.hits]


def everything(engine, **kwargs):
    return engine.search(SearchQuery(page_size=100, **kwargs))


def found(engine, text, **kwargs):
    return set(ids(everything(engine, text=text, **kwargs)))


# --- facet counts against the ORM -----------------------------------------------------------


def _orm_facet_pages(key, value):
    """The live profiles having ``value`` in facet ``key``, straight from the ORM."""
    live = CooperationPage.objects.live()
    if key == "aufgabe":
        return live.filter(task_areas__in=TaskArea.objects.get(slug=value).descendants_and_self())
    if key == "rechtsform":
        return live.filter(legal_form__in=LegalForm.objects.get(slug=value).descendants_and_self())
    if key == "modell":
        return live.filter(cooperation_model__slug=value)
    if key == "motiv":
        return live.filter(motives__slug=value)
    if key == "phase":
        return live.filter(phase=value)
    if key == "land":
        return live.filter(
            Q(partners__municipality__state__key=value) | Q(partners__county__state__key=value)
        )
    if key == "kreis":
        return live.filter(
            Q(partners__municipality__county__key=value) | Q(partners__county__key=value)
        )
    if key == "startjahr":
        _, _, lower, upper = next(b for b in START_YEAR_BUCKETS if b[0] == value)
        pages = live.filter(start_year__isnull=False)
        if lower is not None:
            pages = pages.filter(start_year__gte=lower)
        if upper is not None:
            pages = pages.filter(start_year__lte=upper)
        return pages
    raise AssertionError(key)


CHECKED_FACETS = {
    "aufgabe": lambda: TaskArea.objects.values_list("slug", flat=True),
    "rechtsform": lambda: LegalForm.objects.values_list("slug", flat=True),
    "modell": lambda: CooperationModel.objects.values_list("slug", flat=True),
    "motiv": lambda: Motive.objects.values_list("slug", flat=True),
    "phase": lambda: [value for value, _ in Phase.choices],
    "land": lambda: State.objects.values_list("key", flat=True),
    "kreis": lambda: County.objects.filter(
        Q(cooperations_cooperationpartner__isnull=False)
        | Q(municipalities__cooperations_cooperationpartner__isnull=False)
    ).values_list("key", flat=True),
    "startjahr": lambda: [bucket[0] for bucket in START_YEAR_BUCKETS],
}


def _orm_counts(key, filters):
    """{value: count} for facet ``key`` over the profiles matching ``filters`` (disjunctive:
    the facet's own selection is left out)."""
    pages = set(CooperationPage.objects.live().values_list("pk", flat=True))
    for other, values in filters.items():
        if other != key:
            matching = set()
            for value in values:
                matching |= set(_orm_facet_pages(other, value).values_list("pk", flat=True))
            pages &= matching
    counts = {}
    for value in set(CHECKED_FACETS[key]()):
        count = len(pages & set(_orm_facet_pages(key, value).values_list("pk", flat=True)))
        if count:
            counts[value] = count
    return counts


def _engine_counts(results, key):
    return {value.value: value.count for value in results.facet(key).values if value.count}


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"land": ("05",)},
        {"land": ("05",), "motiv": ("effizienz",)},
        {"aufgabe": ("finanzen", "gesundheit-verbraucherschutz"), "phase": ("regelbetrieb",)},
        {"rechtsform": ("oeffentlich-rechtliche-vereinbarung",), "kreis": ("05974", "05315")},
    ],
    ids=["none", "land", "land+motiv", "aufgabe+phase", "rechtsform+kreis"],
)
def test_facet_counts_equal_the_orm(engine, corpus, filters):
    results = everything(engine, filters=filters)
    for key in CHECKED_FACETS:
        assert _engine_counts(results, key) == _orm_counts(key, filters), key
    expected_total = set(CooperationPage.objects.live().values_list("pk", flat=True))
    for key, values in filters.items():
        matching = set()
        for value in values:
            matching |= set(_orm_facet_pages(key, value).values_list("pk", flat=True))
        expected_total &= matching
    assert results.total == len(expected_total)
    assert set(ids(results)) == expected_total


def test_selecting_a_value_keeps_its_facet_and_narrows_the_others(engine, corpus):
    before = everything(engine)
    after = everything(engine, filters={"aufgabe": ("veterinaer-lebensmittelueberwachung",)})
    assert _engine_counts(after, "aufgabe") == _engine_counts(before, "aufgabe")
    assert _engine_counts(before, "land") == {"05": 6, "09": 1, "02": 1}
    assert _engine_counts(after, "land") == {"05": 2}
    assert after.total == 2
    selected = [v for v in after.facet("aufgabe").values if v.selected]
    assert [v.value for v in selected] == ["veterinaer-lebensmittelueberwachung"]


def test_values_within_a_facet_are_ored_and_facets_anded(engine, corpus):
    ored = everything(engine, filters={"land": ("09", "02")})
    assert set(ids(ored)) == {corpus["klaerwerk"].pk, corpus["personal"].pk}
    anded = everything(engine, filters={"land": ("09", "02"), "motiv": ("effizienz",)})
    assert ids(anded) == [corpus["personal"].pk]


def test_hierarchical_parent_finds_children(engine, corpus):
    results = everything(engine, filters={"aufgabe": ("buergerdienste-ordnung",)})
    assert set(ids(results)) == {corpus["standesamt"].pk, corpus["aemter"].pk}


def test_start_year_range_filters_hits_and_counts(engine, corpus):
    results = everything(engine, start_year_min=2010, start_year_max=2020)
    expected = CooperationPage.objects.live().filter(start_year__range=(2010, 2020))
    assert set(ids(results)) == set(expected.values_list("pk", flat=True))
    assert _engine_counts(results, "startjahr") == {"2010-2019": 3}
    open_ended = everything(engine, start_year_min=2019)
    assert set(ids(open_ended)) == {corpus["aemter"].pk, corpus["netzwerk"].pk}


# --- German text matching --------------------------------------------------------------------


def test_compound_parts_are_found(engine, corpus):
    assert corpus["standesamt"].pk in found(engine, "Verbund")
    assert {corpus["lebensmittel"].pk, corpus["veterinaer"].pk} <= found(engine, "Überwachung")


def test_umlaut_spellings_are_equal(engine, corpus):
    assert corpus["netzwerk"].pk in found(engine, "Münster")
    assert found(engine, "Muenster") == found(engine, "Münster")
    assert corpus["aemter"].pk in found(engine, "Ämter")
    assert found(engine, "Aemter") == found(engine, "Ämter")


def test_singular_and_plural(engine, corpus):
    # "bauhof" only says "Standesamt"; "standesamt" both forms
    assert {corpus["standesamt"].pk, corpus["bauhof"].pk} <= found(engine, "Standesämter")
    assert found(engine, "Standesämter") == found(engine, "Standesamt")


def test_synonyms(engine, corpus):
    assert corpus["netzwerk"].pk in found(engine, "IKZ")
    assert corpus["veterinaer"].pk in found(engine, "Veterinäramt")


def test_every_word_must_match(engine, corpus):
    assert found(engine, "Standesamt Bauhof") == {corpus["bauhof"].pk}


def test_one_typo_is_forgiven_and_corrected(engine, corpus):
    results = everything(engine, text="Standesammt")
    assert {corpus["standesamt"].pk, corpus["bauhof"].pk} <= set(ids(results))
    assert DRAFT not in [hit.title for hit in results.hits]
    assert results.suggestion == "standesamt"
    assert everything(engine, text="Standesamt").suggestion is None


def test_drafts_are_not_found(engine, corpus):
    assert DRAFT not in [hit.title for hit in everything(engine, text="Entwurf").hits]


def test_title_match_beats_body_match(engine, corpus):
    ranked = ids(everything(engine, text="Bauhof"))
    # "bauhof" has it once, in the title; "klaerwerk" five times, in the summary only.
    assert ranked.index(corpus["bauhof"].pk) < ranked.index(corpus["klaerwerk"].pk)


def test_highlight_is_escaped_and_marks_matches(engine, corpus):
    results = everything(engine, text="Standesamt")
    hit = next(hit for hit in results.hits if hit.page_id == corpus["bauhof"].pk)
    assert "<mark>Standesamt</mark>" in hit.highlight
    assert "&lt;Nord&gt; &amp; Fahrzeuge" in hit.highlight
    assert "<Nord>" not in hit.highlight


# --- geo --------------------------------------------------------------------------------------


def _haversine(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


@pytest.mark.parametrize("radius", [10, 30, 80])
def test_geo_radius(engine, corpus, radius):
    centre = Municipality.objects.get(ags="05515000")  # Münster
    expected = {}
    for key, (_, _, partners, _) in PROFILES.items():
        distances = [
            _haversine(centre.latitude, centre.longitude, m.latitude, m.longitude)
            for m in Municipality.objects.filter(ags__in=[ags for ags, _ in partners])
        ]
        if min(distances) <= radius:
            expected[corpus[key].pk] = min(distances)
    geo = GeoFilter(centre.ags, centre.latitude, centre.longitude, radius, centre.name)
    results = everything(engine, geo=geo)
    assert set(ids(results)) == set(expected)
    assert results.total == len(expected)
    for hit in results.hits:
        assert hit.distance_km == pytest.approx(expected[hit.page_id], abs=0.06)
    assert (radius >= 80) == (corpus["standesamt"].pk in expected)  # Soest is ~60 km away


# --- sorting and paging ---------------------------------------------------------------------


def _din(title):
    return title.casefold().replace("ä", "a").replace("ö", "o").replace("ü", "u")


def test_sort_newest_first(engine, corpus):
    expected = [page.pk for page in reversed(list(corpus.values()))]
    assert ids(everything(engine, sort="neueste")) == expected
    # relevance without a text falls back to newest first
    assert ids(everything(engine)) == expected


def test_sort_by_name_in_german_order(engine, corpus):
    order = ["klaerwerk", "aemter", "bauhof", "lebensmittel", "netzwerk", "standesamt"]
    order += ["veterinaer", "personal"]
    assert ids(everything(engine, sort="name")) == [corpus[key].pk for key in order]


def test_sort_by_partner_count(engine, corpus):
    expected = sorted(corpus, key=lambda key: (-len(PROFILES[key][2]), _din(PROFILES[key][0])))
    assert ids(everything(engine, sort="partner")) == [corpus[key].pk for key in expected]


def test_sorts_apply_to_text_results(engine, corpus):
    results = everything(engine, text="Testdaten", sort="name")
    assert results.total == len(PROFILES)
    assert [hit.title for hit in results.hits] == sorted(
        (PROFILES[key][0] for key in PROFILES), key=_din
    )


def test_pagination(engine, corpus):
    newest = [page.pk for page in reversed(list(corpus.values()))]
    pages = [
        engine.search(SearchQuery(sort="neueste", page=number, page_size=3))
        for number in (1, 2, 3, 4)
    ]
    assert [results.total for results in pages] == [8, 8, 8, 8]
    assert [len(results.hits) for results in pages] == [3, 3, 2, 0]
    assert ids(pages[0]) + ids(pages[1]) + ids(pages[2]) == newest
    assert pages[3].num_pages == 3
    # beyond the last page: no hits, but the facets still count everything
    assert sum(v.count for v in pages[3].facet("land").values) == 8


def test_results_name_the_engine_and_carry_documents(engine, corpus):
    results = everything(engine, text="Bauhof")
    assert results.engine == engine.name
    hit = next(hit for hit in results.hits if hit.page_id == corpus["bauhof"].pk)
    assert hit.title == "Testfall Bauhof Nord"
    assert hit.url == corpus["bauhof"].url
    assert hit.document["partners"] == ["Warendorf", "Telgte"]
    assert engine.count() == len(PROFILES)
