"""The seeded taxonomies (migration 0002) and the mappings demo content relies on."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from cooperations.demo import (
    LEGAL_FORM_BY_LABEL,
    MODEL_BY_LABEL,
    TASK_AREA_BY_LABEL,
    read_records,
)
from cooperations.models import CooperationModel, LegalForm, Motive, TaskArea

seed_migration = importlib.import_module("cooperations.migrations.0002_seed_taxonomy")

pytestmark = pytest.mark.django_db


def test_task_areas_form_a_two_level_tree():
    top = TaskArea.objects.filter(parent=None)
    assert {
        "Innere Verwaltung",
        "Finanzen",
        "Bürgerdienste und Ordnung",
        "Soziales, Jugend und Bildung",
        "Sicherheit und Gefahrenabwehr",
        "Wirtschaft, Tourismus und Regionalentwicklung",
        "Umwelt, Ver- und Entsorgung",
        "Gesundheit und Verbraucherschutz",
    } <= set(top.values_list("name", flat=True))
    for term in TaskArea.objects.exclude(parent=None):
        assert term.parent.parent is None, term
    assert all(group.children.exists() for group in top)


def test_every_task_area_label_in_the_json_maps_to_one_existing_child_term():
    labels = {label for record in read_records() for label in record["task_area"]}
    assert labels <= set(TASK_AREA_BY_LABEL)
    slugs = [TASK_AREA_BY_LABEL[label] for label in labels]
    assert len(set(slugs)) == len(slugs), "two labels share a term"
    terms = TaskArea.objects.in_bulk(slugs, field_name="slug")
    assert set(terms) == set(slugs)
    assert all(term.parent_id for term in terms.values())


def test_every_legal_form_and_model_label_in_the_json_is_mapped():
    records = read_records()
    assert {r["legal_form"] for r in records} <= set(LEGAL_FORM_BY_LABEL)
    assert {r["model"] for r in records} <= set(MODEL_BY_LABEL)
    legal_slugs = {slug for slug in LEGAL_FORM_BY_LABEL.values() if slug}
    assert set(LegalForm.objects.filter(slug__in=legal_slugs).values_list("slug", flat=True)) == (
        legal_slugs
    )
    assert LEGAL_FORM_BY_LABEL["informell/unbekannt"] is None
    assert set(
        CooperationModel.objects.filter(slug__in=MODEL_BY_LABEL.values()).values_list(
            "slug", flat=True
        )
    ) == set(MODEL_BY_LABEL.values())


def test_legal_forms_follow_gkg_nrw():
    orv = LegalForm.objects.get(slug="oeffentlich-rechtliche-vereinbarung")
    assert orv.legal_basis == "§§ 23–26 GkG NRW"
    assert set(orv.children.values_list("name", flat=True)) == {"delegierend", "mandatierend"}
    assert str(LegalForm.objects.get(slug="oeffentlich-rechtliche-vereinbarung-mandatierend")) == (
        "Öffentlich-rechtliche Vereinbarung › mandatierend"
    )
    assert LegalForm.objects.get(slug="zweckverband").legal_basis.startswith("§§ 4")
    assert LegalForm.objects.get(slug="arbeitsgemeinschaft").legal_basis == "§§ 2–3 GkG NRW"
    assert LegalForm.objects.get(slug="gemeinsames-kommunalunternehmen").legal_basis == (
        "§§ 27–28 GkG NRW"
    )
    private = LegalForm.objects.get(slug="privatrechtliche-form")
    assert set(private.children.values_list("slug", flat=True)) == {"gmbh", "eingetragener-verein"}
    assert LegalForm.objects.get(slug="informell").parent is None
    assert LegalForm.objects.get(slug="oeffentlich-rechtlicher-vertrag").legal_basis == ""


def test_flat_taxonomies():
    assert list(Motive.objects.values_list("name", flat=True)) == [
        "Effizienz",
        "Kompetenz & Kapazitäten",
        "Innovation",
    ]
    models = dict(CooperationModel.objects.values_list("slug", "description"))
    assert "standardisierbare Prozesse" in models["dienstleistungszentrum"]
    assert "qualifizierte Prozesse" in models["kompetenzzentrum"]
    assert {"gemeinsame-einrichtung", "koordinierungsstelle-netzwerk", "gemeinsame-beschaffung",
            "sonstiges"} <= set(models)


def test_descendants_of_a_group_include_its_children():
    group = TaskArea.objects.get(slug="innere-verwaltung")
    found = group.descendants_and_self()
    assert group in found
    assert TaskArea.objects.get(slug="personal-beihilfe") in found
    assert TaskArea.objects.get(slug="standesamt") not in found
    # An editor extends the tree by a third level: filters on the group include it.
    beihilfe = TaskArea.objects.create(
        name="Beihilfe", slug="beihilfe", parent=TaskArea.objects.get(slug="personal-beihilfe")
    )
    assert beihilfe in group.descendants_and_self()
    assert [t.slug for t in beihilfe.ancestors_and_self()] == [
        "innere-verwaltung",
        "personal-beihilfe",
        "beihilfe",
    ]


def test_a_cycle_is_rejected():
    group = TaskArea.objects.get(slug="finanzen")
    child = TaskArea.objects.get(slug="rechnungspruefung")
    group.parent = child
    with pytest.raises(ValidationError) as error:
        group.clean()
    assert "parent" in error.value.message_dict
    group.parent = group
    with pytest.raises(ValidationError):
        group.clean()


def test_seeding_is_idempotent_and_reversible():
    counts = [model.objects.count() for model in (TaskArea, LegalForm, CooperationModel, Motive)]
    seed_migration.seed(apps, None)
    assert [
        model.objects.count() for model in (TaskArea, LegalForm, CooperationModel, Motive)
    ] == counts

    # An editor's own term survives the reverse migration.
    TaskArea.objects.create(name="Friedhofswesen", slug="friedhofswesen")
    seed_migration.unseed(apps, None)
    assert list(TaskArea.objects.values_list("slug", flat=True)) == ["friedhofswesen"]
    assert not LegalForm.objects.exists()
    assert not CooperationModel.objects.exists()
    assert not Motive.objects.exists()

    seed_migration.seed(apps, None)
    assert TaskArea.objects.count() == counts[0] + 1
    assert TaskArea.objects.get(slug="standesamt").parent.slug == "buergerdienste-ordnung"
