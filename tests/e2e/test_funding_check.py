"""The Förder-Check as a person uses it: partner names instead of a count, the link from a
profile that fills in what the profile knows, and results that differ in text and icon
shape, not only in colour — with and without JavaScript, at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def fill_rest(page, years="5"):
    page.get_by_label(re.compile("^Förderfähige Kosten")).fill("300.000")
    page.get_by_label(re.compile("^Laufzeit")).fill(years)
    page.get_by_label(re.compile("^Erwartete Einsparung")).fill("20")
    page.get_by_role("radio", name="Ja").check()
    page.get_by_role("button", name="Förderung prüfen").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_partner_names_are_counted_and_results_read_without_colour(open_page, javascript, width):
    page = open_page(javascript=javascript, width=width)
    page.goto("/foerderung/check/")
    nrw = page.get_by_label("Partner in NRW")
    expect(page.locator("#id_nrw-hint")).to_contain_text("„Erwitte, Geseke“")
    nrw.fill("Erwitte, Atlantis")
    fill_rest(page, years="2")
    # An unknown name: a clear message, and what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text(
        "„Atlantis“ steht nicht im Gemeindeverzeichnis"
    )
    expect(nrw).to_have_value("Erwitte, Atlantis")

    nrw.fill("Erwitte, Geseke")
    page.get_by_role("button", name="Förderung prüfen").click()
    expect(page.get_by_text("Gezählt als Partner in NRW (2)")).to_be_visible()
    conditions = page.get_by_role("table", name="Voraussetzungen der Förderrichtlinie IKZ NRW")
    partners = conditions.get_by_role("row", name=re.compile("^Partner"))
    expect(partners).to_contain_text("2 Partner in NRW")
    duration = conditions.get_by_role("row", name=re.compile("^Laufzeit"))
    expect(duration.get_by_text("nicht erfüllt")).to_be_visible()
    # Met and unmet have different icon shapes (tick in a circle, cross in a square).
    expect(partners.locator("svg.result-icon--met circle")).to_be_visible()
    expect(duration.locator("svg.result-icon--unmet rect")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_profile_link_fills_in_the_partners(page):
    page.goto("/kooperationen/standesamt-hellweg/")
    page.get_by_role("link", name=re.compile("im Förder-Check prüfen")).click()
    expect(page).to_have_url(re.compile(r"/foerderung/check/\?steckbrief=\d+$"))
    expect(page.get_by_text(re.compile("^Aus dem Steckbrief"))).to_contain_text("3 Partner in NRW")
    expect(page.get_by_label("Partner in NRW")).to_have_value("3")
    expect(page.get_by_role("alert")).to_have_count(0)
    fill_rest(page)
    # Three partners in NRW: 175.000 + 35.000 EUR.
    expect(page.locator(".check-verdict")).to_contain_text("Höchstmögliche Förderung: 210.000 EUR")
