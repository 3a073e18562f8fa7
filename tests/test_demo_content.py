"""Demo content: the 83 real cooperations of cooperations_real.json as published profiles.

These tests check what the loader makes of the records alone (``enrichment_dir=None``);
the enrichment files are tested in test_enrichment.py and test_enrichment_data.py."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from wagtail.models import PageLogEntry, ReferenceIndex, Revision

from cooperations.demo import (
    FIGURES,
    FUNDING,
    TAGS,
    DemoContentError,
    load_demo_content,
    profile_slug,
    read_records,
)
from cooperations.models import (
    CooperationFact,
    CooperationFunding,
    CooperationIndexPage,
    CooperationPage,
    CooperationPartner,
    CooperationSource,
    Phase,
)

RECORDS = read_records()
RECORD_BY_SLUG = {profile_slug(record["name"]): record for record in RECORDS}
FIGURE_FIELDS = ("savings_percent", "savings_eur_per_year", "staff_fte", "population_served")


@pytest.fixture(scope="module")
def first_load(django_db_setup, django_db_blocker):
    """Load once per module (about 80 pages); rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_content(enrichment_dir=None)
        transaction.set_rollback(True)
    cache.clear()  # Wagtail caches site root paths of the rolled-back tree.


@pytest.fixture
def report(first_load, db):
    return first_load


def profile(title_start):
    return CooperationPage.objects.get(title__startswith=title_start)


def partners(page):
    """{(AGS, Kreis key or organisation name): role} of a profile."""
    result = {}
    for partner in page.partners.select_related("municipality", "county"):
        if partner.municipality_id:
            key = partner.municipality.ags
        elif partner.county_id:
            key = partner.county.key
        else:
            key = partner.organisation
        result[key] = partner.role
    return result


def snapshot():
    pages = list(
        CooperationPage.objects.order_by("pk").values_list(
            "pk", "slug", "title", "live", "latest_revision_id", "last_published_at", "path"
        )
    )
    return (
        pages,
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        ReferenceIndex.objects.count(),
        list(CooperationPartner.objects.order_by("pk").values_list()),
        list(CooperationFact.objects.order_by("pk").values_list()),
        list(CooperationSource.objects.order_by("pk").values_list()),
        list(CooperationFunding.objects.order_by("pk").values_list()),
        CooperationIndexPage.objects.get().numchild,
    )


# --- loading ---------------------------------------------------------------------------


def test_every_record_becomes_a_live_profile(report):
    assert len(RECORDS) == 83
    assert len(report.created) == 83
    assert report.existing == []
    index = CooperationIndexPage.objects.get()
    pages = CooperationPage.objects.child_of(index)
    assert pages.live().count() == 83
    assert set(pages.values_list("title", flat=True)) == {r["name"] for r in RECORDS}
    assert set(pages.values_list("slug", flat=True)) == set(RECORD_BY_SLUG)
    for page in pages:
        assert page.live_revision_id == page.latest_revision_id
        assert not page.has_unpublished_changes
        assert page.get_url() is not None


def test_loading_is_reasonably_fast(report):
    assert report.seconds < 60


def test_rerun_creates_nothing_and_changes_nothing(report):
    before = snapshot()
    again = load_demo_content(enrichment_dir=None)
    assert again.created == []
    assert len(again.existing) == 83
    assert snapshot() == before


def test_rerun_leaves_edited_profiles_alone_and_adds_only_what_is_missing(report):
    edited = profile("Standesamt Hellweg")
    edited.summary = "Von der Redaktion überarbeitet."
    edited.save_revision().publish()
    profile("Finanzzentrum Ostvest").delete()

    again = load_demo_content(enrichment_dir=None)

    assert again.created == [
        next(r["name"] for r in RECORDS if r["name"].startswith("Finanzzentrum Ostvest"))
    ]
    assert profile("Standesamt Hellweg").summary == "Von der Redaktion überarbeitet."
    assert CooperationPage.objects.count() == 83


def test_management_command_prints_a_german_summary(report):
    from cooperations.enrichment import ENRICHMENT_DIR

    files = len(list(ENRICHMENT_DIR.glob("*.json")))
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    assert (
        f"0 Steckbriefe angelegt, {files} angereichert, {83 - files} unverändert" in out.getvalue()
    )
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    assert "0 Steckbriefe angelegt, 0 angereichert, 83 unverändert" in out.getvalue()


def test_unknown_key_is_a_clear_error_and_writes_nothing(report, tmp_path):
    record = dict(RECORDS[0], name="Erfundene Testkooperation")
    record["partners"] = [{"name": "Nirgendwo", "ags": "05999999", "role": "Mitglied"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    count = CooperationPage.objects.count()
    with pytest.raises(DemoContentError, match="Erfundene Testkooperation.*05999999"):
        load_demo_content(path, enrichment_dir=None)
    record["partners"] = [{"name": "Kein Kreis", "kreis_key": "05999", "role": "Mitglied"}]
    path.write_text(json.dumps([record]), encoding="utf-8")
    with pytest.raises(DemoContentError, match="Erfundene Testkooperation.*05999"):
        load_demo_content(path, enrichment_dir=None)
    assert CooperationPage.objects.count() == count


def test_slugs_are_stable_short_and_unique():
    assert len(RECORD_BY_SLUG) == len(RECORDS)
    assert all(len(slug) <= 80 for slug in RECORD_BY_SLUG)
    assert (
        profile_slug("Standesamt Hellweg (Verbundstandesamt Anröchte, Bad Sassendorf, Erwitte)")
        == "standesamt-hellweg"
    )
    assert profile_slug("Gemeinsame Beihilfestelle Erlangen / Nürnberg (Bayern)") == (
        "gemeinsame-beihilfestelle-erlangen-nuernberg"
    )
    assert profile_slug("Standesamt Reinfeld–Nordstormarn (Schleswig-Holstein)") == (
        "standesamt-reinfeld-nordstormarn"
    )


# --- the cooperations the product brief names ----------------------------------------


def test_standesamt_hellweg(report):
    page = profile("Standesamt Hellweg")
    assert partners(page) == {"05974016": "lead", "05974004": "member", "05974008": "member"}
    assert page.start_year == 2023
    assert page.legal_form is None
    assert page.cooperation_model.slug == "gemeinsame-einrichtung"
    assert [t.slug for t in page.task_areas.all()] == ["standesamt"]
    funding = page.funding.get()
    assert funding.programme == "Förderung interkommunaler Zusammenarbeit (Land NRW)"
    assert funding.amount_eur is None and funding.year is None
    assert page.phase == ""


def test_bergische_cooperations(report):
    bvla = profile("Bergisches Veterinär- und Lebensmittelüberwachungsamt")
    assert partners(bvla) == {"05122000": "lead", "05120000": "member", "05124000": "member"}
    assert bvla.legal_form.slug == "oeffentlich-rechtliche-vereinbarung-delegierend"
    assert bvla.population_served == 620000

    service = profile("Bergisches Service-Center")
    assert partners(service) == {
        "05124000": "provider",
        "05120000": "member",
        "05122000": "member",
    }
    assert service.start_year is None
    assert service.savings_eur_per_year == Decimal("350000")
    assert service.staff_fte is None
    for page in (bvla, service):
        assert list(page.tags.names()) == ["Bergisches Städtedreieck"]


def test_interkommunales_sozialamt(report):
    page = profile("Interkommunales Sozialamt / Fachstelle für soziale Sicherungssysteme")
    assert partners(page) == {
        "05974008": "lead",
        "05974016": "member",
        "05974012": "member",
        "05974048": "member",
    }
    assert page.legal_form.slug == "oeffentlich-rechtlicher-vertrag"
    assert page.cooperation_model.slug == "kompetenzzentrum"
    references = [s.document_reference for s in page.sources.all() if s.document_reference]
    assert references and "Shared-Service-Center" in references[0]


def test_leader_region_nordlippe(report):
    page = profile("LEADER-Region Nordlippe")
    assert partners(page) == {
        "05766012": "member",
        "05766024": "member",
        "05766028": "member",
        "05766036": "member",
    }
    # "GmbH/privatrechtlich" in the JSON, but the note says it is a registered association.
    assert page.legal_form.slug == "eingetragener-verein"
    assert page.legal_form.parent.slug == "privatrechtliche-form"
    assert page.legal_form_note == "Trägerverein Lokale Aktionsgruppe Nordlippe e.V."
    assert {t.slug for t in page.task_areas.all()} == {
        "regionalentwicklung-foerdermittel",
        "tourismus",
    }
    assert [f.programme for f in page.funding.all()] == ["LEADER"] * 3


def test_landkreis_miltenberg(report):
    page = profile("Landkreis Miltenberg")
    assert partners(page) == {"09676": "lead"}
    assert page.savings_percent == Decimal("30")
    assert page.phase == Phase.KONZEPTION
    assert page.status_note == "Konzept (Simulation)"
    assert page.start_year is None
    assert page.sources.get().url == ""


def test_region_aachen_zweckverband(report):
    page = profile("Region Aachen Zweckverband")
    assert partners(page) == {
        "05334002": "member",
        "05334": "member",
        "05358": "member",
        "05366": "member",
        "05370": "member",
    }
    assert page.legal_form.slug == "zweckverband"
    assert page.start_year == 2013


def test_e_rechnung_dahme_spreewald(report):
    page = profile("Modellprojekt E-Rechnung im Landkreis Dahme-Spreewald")
    assert partners(page)["12061"] == "lead"
    assert page.partners.get(county__key="12061").county.state.name == "Brandenburg"
    assert page.funding.get().programme == "Investitionsprogramm des BMF"


def test_finanzzentrum_baumberge_has_ended(report):
    page = profile("Finanzzentrum Baumberge")
    assert page.phase == Phase.BEENDET
    assert (page.start_year, page.end_year) == (2009, 2022)
    assert page.status_note == "beendet (gekündigt zum 31.12.2022)"


def test_joint_public_law_institutions_have_their_own_legal_form(report):
    # Corrected on 2026-12-05 from the sources named in cooperations/data/SOURCES.md.
    for title in ("Gemeinsame Bauhöfe Dreieich", "Koordinierungsstelle soziale Hilfen"):
        page = profile(title)
        assert page.legal_form.slug == "gemeinsames-kommunalunternehmen"
        assert "Anstalt des öffentlichen Rechts" in page.legal_form_note
    bauhoefe = profile("Gemeinsame Bauhöfe Dreieich")
    assert bauhoefe.start_year == 2014
    kosoz = profile("Koordinierungsstelle soziale Hilfen")
    assert len(partners(kosoz)) == 11
    assert set(partners(kosoz).values()) == {"member"}


# --- field by field against the JSON ---------------------------------------------------


def test_every_profile_matches_its_record(report):
    for page in CooperationPage.objects.prefetch_related("facts", "sources"):
        record = RECORD_BY_SLUG[page.slug]
        assert page.summary == record["description"]
        assert page.start_year == record["start_year"]
        assert page.open_questions == (record.get("uncertain_reason") or "")
        assert page.legal_form_note == (record.get("note_legal_form") or "")
        assert page.status_note == (record.get("status") or "")
        assert [f.text for f in page.facts.all()] == record["facts"]
        # Partners keep the order of the record.
        assert [
            p.municipality.ags
            if p.municipality_id
            else p.county.key
            if p.county_id
            else p.organisation
            for p in page.partners.select_related("municipality", "county")
        ] == [p.get("ags") or p.get("kreis_key") or p["name"] for p in record["partners"]]
        sources = list(page.sources.all())
        assert len(sources) == len(record["sources"]) >= 1
        for source, given in zip(sources, record["sources"], strict=True):
            assert source.url == given.get("url", "")
            assert source.published == given.get("date", "")
            assert source.document_reference == given.get("document", "")
            assert source.url or source.document_reference
        assert page.last_reviewed is None
        assert list(page.motives.all()) == []


def test_unknown_start_year_stays_empty(report):
    unknown = {slug for slug, r in RECORD_BY_SLUG.items() if r["start_year"] is None}
    assert unknown
    assert (
        set(CooperationPage.objects.filter(start_year=None).values_list("slug", flat=True))
        == unknown
    )


def test_unstated_legal_form_stays_empty(report):
    unstated = {
        slug for slug, r in RECORD_BY_SLUG.items() if r["legal_form"] == "informell/unbekannt"
    }
    # 24 since the corrections of 2026-12-05 (cooperations/data/SOURCES.md): ten records
    # now carry the form their sources state.
    assert len(unstated) == 24
    assert (
        set(CooperationPage.objects.filter(legal_form=None).values_list("slug", flat=True))
        == unstated
    )
    assert not CooperationPage.objects.filter(legal_form__slug="informell").exists()


def test_private_law_form_is_specific_only_where_the_record_says_so(report):
    forms = dict(
        CooperationPage.objects.filter(
            legal_form__slug__in=["privatrechtliche-form", "gmbh", "eingetragener-verein"]
        ).values_list("slug", "legal_form__slug")
    )
    assert forms == {
        "leader-region-nordlippe": "eingetragener-verein",
        "sauerland-tourismus-ev": "eingetragener-verein",
        "abfallservice-langen-egelsbach-gmbh": "gmbh",
        "tourismus-agentur-nordsee-gmbh": "gmbh",
    }


def test_phase_comes_only_from_the_status(report):
    phases = {
        slug: phase
        for slug, phase in CooperationPage.objects.exclude(phase="").values_list("slug", "phase")
    }
    assert phases == {
        "finanzzentrum-baumberge": "beendet",
        "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse": (
            "konzeption"
        ),
    }
    planned = CooperationPage.objects.filter(status_note="geplant (Stand Quelle)")
    # 2 since 2026-12-05: the Atemschutz-Pool Märkischer Kreis runs since 2021.
    assert planned.count() == 2
    assert set(planned.values_list("phase", flat=True)) == {""}
    assert set(CooperationPage.objects.exclude(end_year=None).values_list("slug", flat=True)) == {
        "finanzzentrum-baumberge"
    }


def test_outside_organisations_become_organisation_partners(report):
    expected = {
        (profile_slug(r["name"]), p["name"])
        for r in RECORDS
        for p in r["partners"]
        if not p.get("ags") and not p.get("kreis_key")
    }
    assert len(expected) == 9
    found = set(
        CooperationPartner.objects.exclude(organisation="").values_list(
            "page__slug", "organisation"
        )
    )
    assert found == expected
    lvr = profile("Service-Center 115 Region Köln").partners.get(organisation__startswith="Land")
    assert lvr.municipality is None and lvr.county is None
    assert lvr.name == "Landschaftsverband Rheinland (LVR)"


def test_partner_notes_explain_derived_and_uncertain_members(report):
    derived = CooperationPartner.objects.filter(note__contains="alle Kommunen des Kreises")
    assert derived.count() == sum(
        1 for r in RECORDS for p in r["partners"] if p.get("derived_from_municipality_list")
    )
    borken = profile("Kreisweite 'Nacht der Ausbildung'")
    ahaus = borken.partners.get(municipality__ags="05554004")
    assert ahaus.note.startswith("Mitglied laut Quelle als „alle Kommunen des Kreises“")
    assert "municipalities_de.csv" not in "".join(
        CooperationPartner.objects.values_list("note", flat=True)
    )
    datteln = profile("Finanzzentrum Ostvest").partners.get(municipality__ags="05562008")
    assert datteln.role == "lead"
    assert datteln.note.endswith("Angabe unsicher")


def test_structured_figures_come_only_from_quoted_facts(report):
    for slug, figures in FIGURES.items():
        facts = RECORD_BY_SLUG[slug]["facts"]
        for _field, _value, quote in figures:
            assert any(quote in fact for fact in facts), (slug, quote)
    for page in CooperationPage.objects.all():
        expected = {name: value for name, value, _ in FIGURES.get(page.slug, [])}
        for name in FIGURE_FIELDS:
            assert getattr(page, name) == expected.get(name), (page.slug, name)
    # The doubtful 135,000 EUR (Krefeld/Kranenburg, SOURCES.md) is no structured figure.
    doubtful = CooperationPage.objects.filter(
        partners__municipality__name__in=["Krefeld", "Kranenburg"]
    ).distinct()
    assert doubtful.exists()
    assert not doubtful.exclude(savings_eur_per_year=None).exists()
    assert not CooperationPage.objects.exclude(staff_fte=None).exists()


def test_funding_only_where_a_fact_names_the_programme(report):
    for slug, items in FUNDING.items():
        facts = RECORD_BY_SLUG[slug]["facts"]
        for item in items:
            assert any(item["quote"] in fact for fact in facts), (slug, item["quote"])
    assert set(CooperationFunding.objects.values_list("page__slug", flat=True)) == set(FUNDING)
    hessen = profile("Gemeinsamer Ordnungsbehördenbezirk").funding.get()
    assert hessen.amount_eur == Decimal("100000")
    assert hessen.year is None


def test_tags_are_few_and_derived_from_the_data(report):
    tagged = {
        page.slug: sorted(page.tags.names())
        for page in CooperationPage.objects.filter(tags__isnull=False).distinct()
    }
    assert tagged == {slug: sorted(tags) for slug, tags in TAGS.items()}
    bergisch = {"05124000", "05122000", "05120000"}
    for page in CooperationPage.objects.filter(tags__name="Bergisches Städtedreieck"):
        assert set(partners(page)) <= bergisch
    for slug, tags in TAGS.items():
        if "Landespreis IKZ NRW 2022" in tags:
            assert any("Landespreis" in fact for fact in RECORD_BY_SLUG[slug]["facts"])
