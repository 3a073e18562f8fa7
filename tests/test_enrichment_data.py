"""The real enrichment files in cooperations/data/enrichment/ (issue 15, "Done when").

Every loaded profile's filled sections name sources listed on that profile, and the files
answer Anlass, Ziel and Umsetzung for the seed profiles and for at least 60 profiles, with a
sourced figure for at least 30. These tests read the real files; they fail while the
research is incomplete.
"""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils.html import strip_tags

from cooperations.demo import LEGAL_FORM_BY_LABEL, load_demo_content, profile_slug, read_records
from cooperations.enrichment import ENRICHMENT_DIR, read_enrichments
from cooperations.models import SECTIONS, SOURCED_FACTS, CooperationPage, split_keys

RECORDS = read_records()
SLUGS = [profile_slug(record["name"]) for record in RECORDS]
CORE_SECTIONS = ("occasion", "goal", "implementation")
# The profiles the two seed documents name (issue 15): Standesamt Hellweg, the joint
# offices of the Bergisches Städtedreieck, LEADER-Region Nordlippe, Interkommunales
# Sozialamt Bad Sassendorf, Landkreis Miltenberg, Zweckverband Region Aachen and the
# E-Rechnung of Dahme-Spreewald.
SEED_PROFILES = [
    "standesamt-hellweg",
    "bergisches-veterinaer-und-lebensmittelueberwachungsamt",
    "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
    "bergisches-service-center",
    "leader-region-nordlippe",
    "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
    "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
    "region-aachen-zweckverband",
    "modellprojekt-e-rechnung-im-landkreis-dahme-spreewald",
]
MIN_ANSWERED, MIN_WITH_FIGURE = 60, 30


def files():
    paths = ENRICHMENT_DIR.glob("*.json")
    return {path.stem: json.loads(path.read_text("utf-8")) for path in paths}


def answers_core(data):
    sections = data.get("sections") or {}
    return all((sections.get(name) or {}).get("text", "").strip() for name in CORE_SECTIONS)


def test_every_file_passes_the_loaders_checks():
    # Raises EnrichmentError naming each bad file and field.
    assert len(read_enrichments(RECORDS, SLUGS, LEGAL_FORM_BY_LABEL)) == len(files())


def test_seed_slugs_are_real_records():
    assert set(SEED_PROFILES) <= set(SLUGS)


@pytest.mark.parametrize("slug", SEED_PROFILES)
def test_seed_profile_answers_occasion_goal_and_implementation(slug):
    data = files().get(slug)
    assert data is not None, f"{slug}.json fehlt"
    missing = [name for name in CORE_SECTIONS if name not in (data.get("sections") or {})]
    assert not missing, f"{slug}: keine Antwort auf {', '.join(missing)}"


def test_at_least_60_profiles_answer_occasion_goal_and_implementation():
    answered = sorted(slug for slug, data in files().items() if answers_core(data))
    assert len(answered) >= MIN_ANSWERED, f"nur {len(answered)} von {len(RECORDS)}"


def test_at_least_30_profiles_carry_a_sourced_figure():
    with_figure = [
        slug
        for slug, data in files().items()
        if any(figure.get("source") for figure in data.get("figures") or [])
    ]
    assert len(with_figure) >= MIN_WITH_FIGURE, f"nur {len(with_figure)} von {len(RECORDS)}"


@pytest.fixture(scope="module")
def loaded_profiles(django_db_setup, django_db_blocker):
    """The demo content with the real enrichment files, once per module (rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_content()
        yield list(CooperationPage.objects.prefetch_related("sources", "figures", "partners"))
        transaction.set_rollback(True)
    cache.clear()


def test_every_filled_section_names_a_source_listed_on_its_profile(loaded_profiles):
    enriched = set(files())
    problems = []
    for page in loaded_profiles:
        keys = {source.key for source in page.sources.all()}
        assert all(keys), f"{page.slug}: Quelle ohne Kürzel"
        for name, heading in SECTIONS:
            if not strip_tags(getattr(page, name)).strip():
                continue
            cited = split_keys(getattr(page, f"{name}_sources"))
            if not cited:
                problems.append(f"{page.slug}: {heading} ohne Quelle")
            problems += [f"{page.slug}: {heading} nennt {k!r}" for k in cited if k not in keys]
        for name, label in SOURCED_FACTS:
            key = getattr(page, f"{name}_source")
            if key and key not in keys:
                problems.append(f"{page.slug}: {label} nennt {key!r}")
        for figure in page.figures.all():
            if figure.source not in keys:
                problems.append(f"{page.slug}: Kennzahl {figure.label} nennt {figure.source!r}")
        for partner in page.partners.all():
            if partner.role_source and partner.role_source not in keys:
                problems.append(f"{page.slug}: Rolle von {partner} nennt {partner.role_source!r}")
    assert not problems, "\n".join(problems)
    # The check is not empty: the enriched profiles have cited sections.
    cited = [page for page in loaded_profiles if page.slug in enriched and page.goal_sources]
    assert len(cited) >= min(len(enriched), 1)
