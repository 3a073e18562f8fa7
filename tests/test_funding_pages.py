"""The seed funding programmes, their pages and the Förder-Check page."""

import pytest
from django.core.management import call_command

from funding.models import FundingIndexPage, FundingProgrammePage
from funding.seed import PROGRAMMES


@pytest.fixture
def programmes(site_tree):
    call_command("load_funding_programmes")
    return FundingIndexPage.objects.get(), FundingProgrammePage.objects.order_by("pk")


def test_command_creates_the_pages_once(site_tree, capsys):
    call_command("load_funding_programmes")
    assert "3 Seite(n) angelegt" in capsys.readouterr().out
    home, _ = site_tree
    index = FundingIndexPage.objects.get()
    assert index.get_parent().pk == home.pk
    assert index.url == "/foerderung/"
    pages = FundingProgrammePage.objects.child_of(index)
    assert sorted(p.slug for p in pages) == sorted(p["slug"] for p in PROGRAMMES)
    assert all(p.live for p in pages)

    ikz = pages.get(slug="foerderrichtlinie-ikz-nrw")
    ikz.provider = "Geändert von der Redaktion"
    ikz.save_revision().publish()
    call_command("load_funding_programmes")
    assert "0 Seite(n) angelegt" in capsys.readouterr().out
    assert FundingIndexPage.objects.count() == 1
    assert FundingProgrammePage.objects.count() == 2
    ikz.refresh_from_db()
    assert ikz.provider == "Geändert von der Redaktion"


def test_seed_pages_hold_no_invented_links(programmes):
    _, pages = programmes
    assert all(p.link == "" for p in pages)


def test_index_page_lists_the_programmes(client, programmes):
    response = client.get("/foerderung/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Förderrichtlinie IKZ NRW" in html
    assert "Investitionsberatung des BMF durch Partnerschaften Deutschland" in html
    assert "175.000 EUR" in html
    assert 'href="/foerderung/check/"' in html


def test_ikz_page_renders_the_figures(client, programmes):
    response = client.get("/foerderung/foerderrichtlinie-ikz-nrw/")
    assert response.status_code == 200
    html = response.content.decode()
    for figure in (
        "175.000 EUR",
        "35.000 EUR",
        "75.000 EUR",
        "90 %",
        "15 %",
        "fünf Jahre",
        "31.08.2021",
        "05.06.2023",
        "Bezirksregierung",
        "/foerderung/check/",
    ):
        assert figure in html, figure
    assert "Orientierung, keine Rechtsauskunft" in html


def test_bmf_page_renders_the_stages(client, programmes):
    response = client.get("/foerderung/bmf-investitionsberatung-pd/")
    assert response.status_code == 200
    html = response.content.decode()
    for figure in ("bis zu 2 Beratertage", "bis zu 5 Beratertage", "40.000 EUR"):
        assert figure in html, figure
    assert "nicht bekannt" in html  # applicants, deadlines, link: not stated by the sources
    assert "/foerderung/check/" not in html.split("<main", 1)[1].split("Auf einen Blick")[0]


def test_check_page_renders_without_input(client, programmes):
    response = client.get("/foerderung/check/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Förder-Check" in html
    assert "Orientierung, keine Rechtsauskunft; maßgeblich ist die Förderrichtlinie" in html
    assert 'name="nrw"' in html and 'name="vor_beginn"' in html
    assert "Ergebnis" not in html
    assert 'href="/foerderung/foerderrichtlinie-ikz-nrw/"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_check_page_computes(client, programmes):
    response = client.get(
        "/foerderung/check/",
        {
            "nrw": "3",
            "extern": "",
            "kosten": "300.000",
            "beantragt": "210.000",
            "laufzeit": "5",
            "einsparung": "15",
            "vor_beginn": "ja",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="check-result check-result--met">') == 5
    assert "Höchstmögliche Förderung: <strong>210.000 EUR</strong>" in html
    assert "175.000 EUR + 1 × 35.000 EUR" in html
    assert "90 % × 300.000 EUR = 270.000 EUR" in html
    assert 'value="300.000"' in html


def test_check_page_shows_failures_with_reasons(client, db):
    response = client.get(
        "/foerderung/check/",
        {
            "nrw": "2",
            "kosten": "100000",
            "beantragt": "91000",
            "laufzeit": "4,9",
            "einsparung": "14,9",
            "vor_beginn": "nein",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nicht förderfähig" in html
    assert html.count('class="check-result check-result--unmet">') == 4
    assert "91 %" in html and "4,9 Jahre" in html and "14,9 %" in html
    assert "Höchstmögliche Förderung: <strong>90.000 EUR</strong>" in html
