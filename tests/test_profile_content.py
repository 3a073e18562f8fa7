"""A profile shows what is known: filled sections with their sources, one line of what is
not known, titled citations, the partners' short profiles, badges in lists; the open data
carries the same fields."""

import csv
import io
import json

import pytest

from cooperations.models import (
    CooperationFigure,
    CooperationPage,
    CooperationSource,
    OfficeContact,
)

ERWITTE = "05974016"

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_profile(make_profile):
    page = make_profile("Reiches Standesamt", publish=False, sources=())
    page.occasion = "<p>Personal fehlte.</p>"
    page.occasion_sources = "s2"
    page.goal = "<p>Ein gemeinsames Amt.</p>"
    page.goal_sources = "s1, s2"
    page.implementation = "<p>Sitz in Erwitte.</p>"
    page.implementation_sources = "s1"
    page.results = "<p>Trauungen bleiben vor Ort.</p>"
    page.results_sources = "s1"
    page.phase, page.phase_source = "regelbetrieb", "s2"
    page.review_note = "Zwei Quellen gelesen."
    page.sources = [
        CooperationSource(
            key="s1",
            title="Verbundstandesamt gestartet",
            publisher="Stadt Erwitte",
            url="https://example.org/erwitte",
            published="2023-07",
            sort_order=0,
        ),
        CooperationSource(
            key="s2",
            title="Förderbescheid übergeben",
            publisher="Bezirksregierung Arnsberg",
            url="https://example.org/bra",
            sort_order=1,
        ),
    ]
    page.figures = [
        CooperationFigure(
            kind="cost_eur", label="Kosten der Einrichtung", value=50000, unit="EUR",
            year=2023, source="s2",
        )
    ]  # fmt: skip
    page.office_contacts = [
        OfficeContact(office="Standesamt Hellweg", phone="02943 97-0", source="s1")
    ]
    page.save_revision().publish()
    return CooperationPage.objects.get(pk=page.pk)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_sections_cite_their_numbered_sources(client, rich_profile):
    html = html_of(client, rich_profile.url)
    assert '<h2 id="goal-heading">Ziel</h2>' in html
    goal = html[html.index('id="goal-heading"') : html.index('id="implementation-heading"')]
    assert '<a href="#quelle-1" aria-label="Quelle 1">[1]</a>' in goal
    assert '<a href="#quelle-2" aria-label="Quelle 2">[2]</a>' in goal
    assert 'id="quelle-1"' in html and 'id="quelle-2"' in html
    # A titled citation: publisher, linked title, date.
    assert (
        'Stadt Erwitte: <a href="https://example.org/erwitte">Verbundstandesamt gestartet</a>'
        " (2023-07)." in html
    )
    assert "Kosten der Einrichtung (2023)" in html and "50.000 EUR" in html
    assert "Standesamt Hellweg" in html and "02943 97-0" in html
    assert "Was geprüft wurde" not in html  # no review date: the note has no place yet


def test_unknown_fields_are_one_line_and_empty_lists_disappear(client, rich_profile):
    html = html_of(client, rich_profile.url)
    line = html[html.index('id="nicht-bekannt"') :].split("</p>")[0]
    for label in ("Rechtsform", "Startjahr", "Motive", "Erfolgsfaktoren", "Einsparung"):
        assert label in line, label
    for label in ("Anlass", "Ziel", "Umsetzung", "Ergebnisse", "Kosten", "Phase"):
        assert label not in line, label
    assert html.count("nicht bekannt") == 0
    for heading in ("Dokumente", "Bilder", "Schlagwörter", "Förderung", "Erfolgsfaktoren"):
        assert f">{heading}</h2>" not in html, heading
    assert "<p>keine</p>" not in html


def test_partner_short_profile(client, rich_profile):
    html = html_of(client, rich_profile.url)
    assert "Kreis Soest" in html and "Regierungsbezirk Arnsberg" in html
    assert "Stand 31.12.2024" in html and "km²" in html


def test_lists_show_badges_of_rich_profiles(client, rich_profile, make_profile):
    make_profile("Karges Profil")
    html = html_of(client, "/kooperationen/")
    rich = html[html.index("Reiches Standesamt") :]
    assert "mit Anlass, Ziel und Umsetzung" in rich and "mit Ergebnissen" in rich
    assert "mit Kennzahlen" in rich
    poor = html[html.index("Karges Profil") :].split("</article>")[0]
    assert "badges" not in poor
    municipality = html_of(client, f"/gemeinden/{ERWITTE}/")
    assert "mit Ergebnissen" in municipality


def test_open_data_carries_sections_sources_and_figures(client, rich_profile):
    record = json.loads(client.get(f"/api/v1/steckbriefe/{rich_profile.pk}/").content)
    assert record["sections"]["goal"] == {"text": "Ein gemeinsames Amt.", "sources": ["s1", "s2"]}
    assert "pitfalls" not in record["sections"]
    assert record["phase_source"] == "s2"
    assert record["key_figures"] == [
        {
            "kind": "cost_eur",
            "label": "Kosten der Einrichtung",
            "value": 50000,
            "unit": "EUR",
            "year": 2023,
            "source": "s2",
        }
    ]
    assert record["sources"][1]["key"] == "s2"
    assert record["sources"][1]["publisher"] == "Bezirksregierung Arnsberg"
    assert record["office_contacts"][0]["office"] == "Standesamt Hellweg"
    response = client.get("/daten/steckbriefe.csv")
    text = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["goal_sources"] == "s1 s2" and row["goal"] == "Ein gemeinsames Amt."
    assert row["source_keys"] == "s1 | s2"
    assert row["key_figures"] == "Kosten der Einrichtung: 50000 EUR (2023) [s2]"
    assert row["phase_source"] == "s2"
