"""Enrichment files (cooperations/enrichment.py): checked, applied by the demo loader, and
never applied over a person's changes."""

import json
import shutil

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction

from cooperations.demo import DemoContentError, load_demo_content
from cooperations.models import CooperationPage

HELLWEG = "standesamt-hellweg"
HELLWEG_RECORD = "Standesamt Hellweg (Verbundstandesamt Anröchte, Bad Sassendorf, Erwitte)"
BRA = "https://bra.nrw.de/presse/interkommunale-zusammenarbeit"


def enrichment(**changes):
    data = {
        "record": HELLWEG_RECORD,
        "checked": "2026-12-05",
        "checked_note": "Beide Quellen des Datensatzes gelesen.",
        "sources": [
            {
                "key": "s1",
                "url": BRA + "/",  # the record's URL without the slash: the same source
                "title": "Interkommunale Zusammenarbeit",
                "publisher": "Bezirksregierung Arnsberg",
                "published": "2024-05",
                "accessed": "2026-12-05",
            },
            {
                "key": "s2",
                "url": "https://example.org/ratsvorlage",
                "title": "Ratsvorlage Standesamt",
                "publisher": "Stadt Erwitte",
                "published": None,
                "accessed": "2026-12-04",
            },
        ],
        "legal_form": "öffentlich-rechtliche Vereinbarung (delegierend)",
        "legal_form_source": "s2",
        "phase": "regelbetrieb",
        "phase_source": "s1",
        "start_year": 2024,
        "start_year_source": "s1",
        "sections": {
            "occasion": {"text": "Anlass laut Quelle.", "sources": ["s1"]},
            "goal": {"text": "Ziel <b>eins</b>.\n\nZweiter Absatz.", "sources": ["s1", "s2"]},
        },
        "figures": [
            {
                "kind": "funding_eur",
                "label": "Förderung des Landes",
                "value": 135000,
                "unit": "EUR",
                "year": 2023,
                "source": "s2",
            }
        ],
        "partner_roles": [{"ags": "05974004", "name": None, "role": "member", "source": "s2"}],
        "contacts": [
            {
                "office": "Standesamt Hellweg",
                "email": "standesamt@example.org",
                "phone": None,
                "url": "https://example.org/standesamt",
                "source": "s2",
            }
        ],
    }
    data.update(changes)
    return data


def write(folder, data, slug=HELLWEG):
    folder.mkdir(exist_ok=True)
    (folder / f"{slug}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """The demo content without any enrichment file, once per module (rolled back after)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_content(enrichment_dir=None)
        transaction.set_rollback(True)
    cache.clear()  # Wagtail caches site root paths of the rolled-back tree.


@pytest.fixture
def loaded(demo_content, db, tmp_path):
    return tmp_path


def hellweg():
    return CooperationPage.objects.get(slug=HELLWEG)


def test_file_is_applied_as_a_published_revision(loaded):
    folder = write(loaded / "files", enrichment())
    before = hellweg().revisions.count()
    report = load_demo_content(enrichment_dir=folder)
    assert report.enriched == [HELLWEG_RECORD] and not report.created
    page = hellweg()
    assert page.revisions.count() == before + 1 and page.live
    assert page.occasion == "<p>Anlass laut Quelle.</p>"
    assert page.goal == "<p>Ziel &lt;b&gt;eins&lt;/b&gt;.</p><p>Zweiter Absatz.</p>"
    assert page.goal_sources == "s1, s2"
    assert page.phase == "regelbetrieb" and page.phase_source == "s1"
    assert page.start_year == 2024 and page.start_year_source == "s1"
    assert page.legal_form.slug == "oeffentlich-rechtliche-vereinbarung-delegierend"
    assert str(page.last_reviewed) == "2026-12-05"
    assert page.review_note == "Beide Quellen des Datensatzes gelesen."
    # The record's two sources, the one the file describes with its title, then the new one.
    sources = [(s.key, s.publisher, s.url) for s in page.sources.order_by("sort_order")]
    assert sources == [
        ("q1", "", "https://www.anroechte.de/wohnen-leben/aktuelles/detailseite/"
         "standesbeamte-innen-erobern-anroechter-fotopoint"),
        ("s1", "Bezirksregierung Arnsberg", BRA + "/"),
        ("s2", "Stadt Erwitte", "https://example.org/ratsvorlage"),
    ]  # fmt: skip
    figure = page.figures.get()
    assert (figure.kind, figure.value, figure.unit, figure.year, figure.source) == (
        "funding_eur", 135000, "EUR", 2023, "s2"
    )  # fmt: skip
    roles = {p.municipality.ags: (p.role, p.role_source) for p in page.partners.all()}
    assert roles["05974004"] == ("member", "s2")
    assert roles["05974016"] == ("lead", "")
    assert page.office_contacts.get().email == "standesamt@example.org"


def test_unchanged_file_is_not_applied_again(loaded):
    folder = write(loaded / "files", enrichment())
    load_demo_content(enrichment_dir=folder)
    revisions = hellweg().revisions.count()
    report = load_demo_content(enrichment_dir=folder)
    assert report.enriched == [] and hellweg().revisions.count() == revisions


def test_changed_file_replaces_the_loaders_own_content(loaded):
    folder = write(loaded / "files", enrichment())
    load_demo_content(enrichment_dir=folder)
    write(folder, enrichment(sections={"goal": {"text": "Neues Ziel.", "sources": ["s2"]}}))
    assert load_demo_content(enrichment_dir=folder).enriched == [HELLWEG_RECORD]
    page = hellweg()
    assert page.goal == "<p>Neues Ziel.</p>" and page.occasion == ""


def test_a_profile_a_person_changed_is_never_overwritten(loaded):
    editor = User.objects.create_user("redakteurin")
    page = hellweg()
    page.goal = "<p>Von der Redaktion geschrieben.</p>"
    page.save_revision(user=editor).publish()
    folder = write(loaded / "files", enrichment())
    report = load_demo_content(enrichment_dir=folder)
    assert report.enriched == [] and report.edited == [HELLWEG_RECORD]
    page = hellweg()
    assert page.goal == "<p>Von der Redaktion geschrieben.</p>" and page.figures.count() == 0


def test_profiles_without_a_file_stay_as_they_are(loaded):
    other = CooperationPage.objects.get(slug="leader-region-nordlippe")
    revisions = other.revisions.count()
    load_demo_content(enrichment_dir=write(loaded / "files", enrichment()))
    assert other.revisions.count() == revisions


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"phase": "fertig"}, "phase: unbekannte Phase 'fertig'"),
        (
            {"sections": {"goal": {"text": "Ziel.", "sources": ["s9"]}}},
            "sections.goal.sources: Quelle 's9' steht nicht unter sources",
        ),
        ({"sections": {"goal": {"text": " ", "sources": ["s1"]}}}, "sections.goal.text: leer"),
        ({"sections": {"anlass": {"text": "x", "sources": ["s1"]}}}, "sections.anlass: unbek"),
        (
            {"figures": [{"kind": "x", "label": "L", "value": "5", "unit": "", "source": "s1"}]},
            "figures[0].kind: unbekannte Art 'x'",
        ),
        (
            {"partner_roles": [{"ags": "0571", "role": "lead", "source": "s1"}]},
            "partner_roles[0].ags: 8-stelliger AGS oder 5-stelliger Kreisschlüssel erwartet",
        ),
        (
            {"partner_roles": [{"ags": "05999999", "role": "lead", "source": "s1"}]},
            "partner_roles[0].ags: 05999999 nicht im Register",
        ),
        ({"record": "Anderer Name"}, "record: 'Anderer Name' ist nicht der Datensatz"),
        ({"checked": "5.12.2026"}, "checked: Datum im Format JJJJ-MM-TT erwartet"),
        ({"colour": "blau"}, "colour: unbekanntes Feld"),
        ({"legal_form": "Verein", "legal_form_source": "s1"}, "legal_form: unbekannte"),
    ],
)
def test_bad_file_names_file_and_field_and_writes_nothing(loaded, changes, message):
    folder = write(loaded / "files", enrichment(**changes))
    revisions = hellweg().revisions.count()
    with pytest.raises(DemoContentError) as error:
        load_demo_content(enrichment_dir=folder)
    assert f"{HELLWEG}.json: {message}" in str(error.value)
    assert hellweg().revisions.count() == revisions


def test_partners_the_sources_name_beyond_the_record_are_added(loaded):
    roles = [
        {"ags": "05711000", "name": None, "role": "other", "source": "s1"},  # Bielefeld
        {"ags": None, "name": "Lippstadt, Stadt", "role": "member", "source": "s2"},  # Kreis Soest
        {"ags": None, "name": "Amt Beispielheide", "role": "member", "source": "s2"},
        {"ags": None, "name": "Erwitte", "role": "provider", "source": "s1"},  # a record partner
    ]
    load_demo_content(enrichment_dir=write(loaded / "files", enrichment(partner_roles=roles)))
    partners = [(p.name, p.role, p.role_source) for p in hellweg().partners.order_by("sort_order")]
    assert partners == [
        ("Erwitte", "provider", "s1"),
        ("Anröchte", "member", ""),
        ("Bad Sassendorf", "member", ""),
        ("Bielefeld", "other", "s1"),
        ("Lippstadt", "member", "s2"),
        ("Amt Beispielheide", "member", "s2"),
    ]
    assert hellweg().partners.get(role_source="s2", municipality__isnull=False).municipality.ags


def test_file_of_an_unknown_slug_and_broken_json(loaded):
    folder = write(loaded / "files", enrichment(), slug="gibt-es-nicht")
    (folder / f"{HELLWEG}.json").write_text("{kein json", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_demo_content", enrichment_dir=folder)
    text = str(error.value)
    assert "gibt-es-nicht.json: Dateiname 'gibt-es-nicht' ist kein Kurzname" in text
    assert f"{HELLWEG}.json: kein gültiges JSON" in text


def test_command_reports_profiles_left_alone(loaded, capsys):
    editor = User.objects.create_user("redakteur")
    hellweg().save_revision(user=editor)
    folder = write(loaded / "files", enrichment())
    call_command("load_demo_content", enrichment_dir=folder)
    out = capsys.readouterr().out
    assert f"von einer Person bearbeitet, bleibt unverändert): {HELLWEG_RECORD}" in out
    assert "0 angereichert" in out
    shutil.rmtree(folder)
