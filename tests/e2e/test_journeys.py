"""Visitor, municipal, editorial and moderation journeys in a real browser.

Each public journey runs twice, with and without JavaScript (the `javascript` fixture),
because every public page promises to work without it. The Wagtail admin needs
JavaScript, so the editorial journey runs with it only; its last step, the visitor's
search, works either way.

Expected values come from the real data the site is built with (register, demo profiles)
and from the published rules (Förderrichtlinie IKZ NRW, see docs/funding.md).
"""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .sitebuilder import PASSWORD

pytestmark = pytest.mark.e2e

RESULT_HEADING = re.compile(r"^(\d+) Steckbriefe? für „Standesamt“")


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def result_count(page):
    heading = page.get_by_role("heading", level=2, name=RESULT_HEADING)
    expect(heading).to_be_visible()
    return int(RESULT_HEADING.match(heading.inner_text()).group(1))


def search_standesamt(page):
    page.goto("/suche/")
    page.get_by_role("searchbox", name="Suchbegriff").fill("Standesamt")
    page.get_by_role("button", name="Suchen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/suche/\?.*q=Standesamt"))
    return result_count(page)


def facet(page, legend):
    return page.get_by_role("group", name=re.compile(rf"^{legend}"))


def apply_filters(page):
    page.get_by_role("button", name="Filter anwenden").first.click()
    page.wait_for_load_state()


# Which facet value narrows the "Standesamt" hits, and a profile it keeps: with the real
# demo data, "Standesamt Hellweg" (Anröchte, Bad Sassendorf, Erwitte; Kreis Soest) lies in
# the Regierungsbezirk Arnsberg, and the Saarland Standesamt is the one with a legal form.
NARROWING = [
    ("Regierungsbezirk", "Arnsberg", "regierungsbezirk", "059", "Standesamt Hellweg"),
    (
        "Rechtsform",
        "Öffentlich-rechtliche Vereinbarung",
        "rechtsform",
        "oeffentlich-rechtliche-vereinbarung",
        "Interkommunales Standesamt Merchweiler",
    ),
]


@pytest.mark.parametrize(
    "legend,label,param,value,profile", NARROWING, ids=["regierungsbezirk", "rechtsform"]
)
def test_search_narrow_open_profile_and_back_keeps_filters(
    page, javascript, legend, label, param, value, profile
):
    total = search_standesamt(page)
    assert total >= 2

    checkbox = facet(page, legend).get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)}"))
    checkbox.check()
    apply_filters(page)
    assert query_of(page)[param] == [value]
    assert query_of(page)["q"] == ["Standesamt"]
    narrowed = result_count(page)
    assert 0 < narrowed < total
    chosen = page.get_by_role("list", name="Ausgewählte Filter")
    expect(
        chosen.get_by_role("link", name=re.compile(rf"Filter entfernen: {legend}: {label}"))
    ).to_be_visible()

    hits = page.locator("ol.search-hits").get_by_role("heading", level=3)
    expect(hits).to_have_count(narrowed)
    link = page.locator("ol.search-hits").get_by_role("link", name=re.compile(f"^{profile}"))
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page).to_have_url(re.compile(r"/kooperationen/"))

    page.go_back()
    expect(page).to_have_url(re.compile(rf"{param}={value}"))
    assert result_count(page) == narrowed
    expect(
        facet(page, legend).get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)}"))
    ).to_be_checked()
    expect(page.get_by_role("searchbox", name="Suchbegriff")).to_have_value("Standesamt")


def test_search_narrow_by_regierungsbezirk_and_legal_form(page, javascript):
    """Both filters at once: the state is in the URL, both are listed and each can be
    removed on its own (with the demo data no Standesamt in Arnsberg has a legal form)."""
    total = search_standesamt(page)
    facet(page, "Regierungsbezirk").get_by_role("checkbox", name=re.compile("^Arnsberg")).check()
    facet(page, "Rechtsform").get_by_role(
        "checkbox", name=re.compile("^Öffentlich-rechtliche Vereinbarung")
    ).check()
    apply_filters(page)
    query = query_of(page)
    assert query["regierungsbezirk"] == ["059"]
    assert query["rechtsform"] == ["oeffentlich-rechtliche-vereinbarung"]
    assert result_count(page) < total
    chosen = page.get_by_role("list", name="Ausgewählte Filter")
    expect(chosen.get_by_role("link")).to_have_count(2)

    chosen.get_by_role("link", name=re.compile("Filter entfernen: Rechtsform")).click()
    query = query_of(page)
    assert "rechtsform" not in query
    assert query["regierungsbezirk"] == ["059"]
    assert result_count(page) > 0
    expect(
        facet(page, "Regierungsbezirk").get_by_role("checkbox", name=re.compile("^Arnsberg"))
    ).to_be_checked()


def test_partner_suggestions_with_reasons(page, javascript):
    page.goto("/partnersuche/")
    page.get_by_label("Gemeinde oder Kreis").fill("Erwitte")
    page.get_by_role("group", name="Aufgabenbereiche (optional)").get_by_role(
        "checkbox", name="Standesamt", exact=True
    ).check()
    page.get_by_role("button", name="Partner vorschlagen").click()

    heading = page.get_by_role("heading", level=2, name=re.compile(r"^\d+ Vorschläge für Erwitte"))
    expect(heading).to_be_visible()
    expect(page.get_by_text("Aufgabenbereiche: Standesamt")).to_be_visible()
    assert query_of(page)["aufgabe"] == ["standesamt"]

    # Anröchte shares the Standesamt Hellweg with Erwitte: an existing partner in this task,
    # listed apart; the first new suggestion borders Erwitte and lies in the Kreis Soest.
    existing = page.get_by_role("region", name=re.compile("Bereits Partner in dieser Aufgabe"))
    expect(existing.get_by_role("link", name="Anröchte", exact=True)).to_be_visible()
    first = page.locator("ol.partner-list > li").first
    name = first.get_by_role("heading", level=3).get_by_role("link").inner_text()
    reasons = first.get_by_role("table", name=f"Zusammensetzung der Punktzahl für {name}")
    expect(reasons.get_by_role("columnheader", name="Begründung")).to_be_visible()
    expect(reasons.get_by_role("row", name=re.compile("^Gemeinsame Grenze"))).to_contain_text(
        "grenzt an Erwitte"
    )
    expect(reasons.get_by_role("row", name=re.compile("^Gleicher Kreis"))).to_contain_text(
        "ebenfalls im Kreis Soest"
    )


def test_boerse_request_posted_and_approved(page, javascript, login, open_page):
    title = f"Partner für ein gemeinsames Standesamt gesucht ({'js' if javascript else 'nojs'})"
    login(page, "kommune", next_url="/boerse/neu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neuer Eintrag")
    page.get_by_role("radio", name="Gesuch (wir suchen Partner)").check()
    page.get_by_label(re.compile("^Titel")).fill(title)
    page.get_by_label(re.compile("^Beschreibung")).fill(
        "Wir suchen eine Nachbarkommune für einen gemeinsamen Standesamtsbezirk."
    )
    # Grouped checkboxes, no Ctrl/Cmd list: "Standesamt" in the group of its top-level area.
    areas = page.get_by_role("group", name=re.compile("^Aufgabenbereiche"))
    areas.get_by_role("group", name="Bürgerdienste und Ordnung").get_by_label("Standesamt").check()
    page.get_by_label(re.compile(r"^Umkreis \(km\)")).fill("25")
    page.get_by_label(re.compile("^Gültig bis")).fill(
        (date.today() + timedelta(days=90)).isoformat()
    )
    page.get_by_role("button", name="Zur Freigabe einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    entry_url = page.url

    # Not public yet.
    page.goto("/boerse/")
    expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)

    moderator = open_page(javascript=javascript)
    login(moderator, "moderation", next_url="/boerse/moderation/")
    moderator.get_by_role("region", name=re.compile("Eingereichte Einträge")).get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Eintrag moderieren")
    moderator.get_by_role("radio", name="Freigeben").check()
    moderator.get_by_role("button", name="Entscheidung speichern").click()
    expect(moderator.get_by_text(f"„{title}“ wurde freigegeben.")).to_be_visible()

    visitor = open_page(javascript=javascript)
    visitor.goto("/boerse/")
    visitor.get_by_role("link", name=title, exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    assert visitor.url == entry_url
    expect(visitor.get_by_role("main")).to_contain_text("Erwitte")


def fill_funding_check(page, *, nrw, kosten, beantragt, laufzeit, einsparung):
    page.get_by_label("Partner in NRW").fill(nrw)
    page.get_by_label("Förderfähige Kosten in EUR").fill(kosten)
    page.get_by_label(re.compile("^Beantragte Förderung in EUR")).fill(beantragt)
    page.get_by_label("Laufzeit in Jahren").fill(laufzeit)
    page.get_by_label(re.compile(r"^Erwartete Einsparung in %")).fill(einsparung)
    page.get_by_role("group", name="Wird der Antrag vor Projektbeginn gestellt?").get_by_role(
        "radio", name="Ja"
    ).check()
    page.get_by_role("button", name="Förderung prüfen").click()


# Förderrichtlinie IKZ NRW: 175,000 EUR for two NRW partners + 35,000 EUR per further
# partner, at most 90 % of the eligible costs (docs/funding.md, funding/check.py).
FUNDING_CASES = [
    ("3", "300.000", "210.000 EUR"),  # 175,000 + 35,000; 90 % of 300,000 = 270,000
    ("3", "200.000", "180.000 EUR"),  # capped at 90 % of 200,000
]


@pytest.mark.parametrize("nrw,kosten,grant", FUNDING_CASES, ids=["festbetrag", "gedeckelt"])
def test_funding_check_gives_the_grant(page, javascript, nrw, kosten, grant):
    page.goto("/foerderung/check/")
    requested = grant.removesuffix(" EUR")  # ask for exactly the maximum: quota passes
    fill_funding_check(
        page, nrw=nrw, kosten=kosten, beantragt=requested, laufzeit="5", einsparung="20"
    )
    result = page.get_by_role("region", name="Ergebnis")
    expect(result).to_contain_text(f"Höchstmögliche Förderung: {grant}")
    expect(result).to_contain_text("Alle geprüften Voraussetzungen sind erfüllt")
    conditions = result.get_by_role("table", name="Voraussetzungen der Förderrichtlinie IKZ NRW")
    expect(conditions.get_by_role("cell", name="nicht erfüllt")).to_have_count(0)


def test_dashboard_map_and_charts_render(page, javascript):
    response = page.goto("/bestandsaufnahme/")
    assert response.status == 200, f"/bestandsaufnahme/ antwortet {response.status}"
    choropleth = page.locator("svg.choropleth")
    expect(choropleth.first).to_be_visible()
    assert choropleth.first.locator("path").count() > 0
    charts = page.locator("figure.chart")
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0


def admin_login(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label(re.compile("Passwor[dt]")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_editor_creates_profile_moderator_publishes_visitor_finds_it(page, open_page):
    title = "Testkooperation Gemeinsame Wahlbenachrichtigung"
    editor = page
    admin_login(editor, "redaktion")
    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Unterseiten von ‚Kooperationsatlas‘ durchsehen").click()
    editor.get_by_role("link", name="Unterseiten von ‚Kooperationen‘ durchsehen").click()
    editor.get_by_role("link", name="Unterseite hinzufügen").first.click()
    expect(editor).to_have_url(re.compile(r"/admin/pages/add/cooperations/cooperationpage/\d+/"))

    editor.get_by_role("textbox", name="Titel*", exact=True).fill(title)
    editor.get_by_role("textbox", name="Kurzbeschreibung*", exact=True).fill(
        "Testprofil der Browser-Tests: zwei Partner versenden Wahlbenachrichtigungen gemeinsam."
    )
    editor.get_by_role("checkbox", name="Bürgerdienste und Ordnung › Standesamt").check()
    editor.get_by_role("textbox", name="Andere Organisation").fill("Testpartner der Browser-Tests")
    editor.get_by_role("combobox", name="Rolle*").select_option(label="federführend / Sitz")
    editor.get_by_role("textbox", name="Adresse", exact=True).fill(
        "https://example.org/browser-test-quelle"
    )

    editor.get_by_role("button", name="Mehr Aktionen").click()
    editor.get_by_role("button", name=re.compile("In Redaktionelle Freigabe einreichen")).click()
    # Back in the listing of "Kooperationen", with the new page in it.
    expect(editor).to_have_url(re.compile(r"/admin/pages/\d+/$"))
    expect(editor.get_by_role("status")).to_contain_text("zur Moderation eingereicht")
    row = editor.get_by_role("row").filter(has=editor.get_by_role("link", name=title))
    expect(row).not_to_contain_text(re.compile("veröffentlicht", re.IGNORECASE))
    listing_url = editor.url

    # Not public before the moderator publishes it.
    visitor = open_page()
    visitor.goto(f"/suche/?q={title}")
    expect(visitor.get_by_role("link", name=title, exact=True)).to_have_count(0)

    moderator = open_page()
    admin_login(moderator, "moderation")
    moderator.goto(listing_url)
    moderator.get_by_role("link", name=title, exact=True).click()
    expect(moderator).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    moderator.get_by_role("button", name="Mehr Aktionen").click()
    moderator.get_by_role("button", name=re.compile("^(Freigeben|Genehmigen)")).first.click()
    # Approving the only task of "Redaktionelle Freigabe" publishes the page.
    expect(moderator.get_by_role("status")).to_contain_text(title)
    row = moderator.get_by_role("row").filter(has=moderator.get_by_role("link", name=title))
    expect(row).to_contain_text(re.compile("veröffentlicht", re.IGNORECASE))

    for javascript in (True, False):
        visitor = open_page(javascript=javascript)
        visitor.goto("/suche/")
        visitor.get_by_role("searchbox", name="Suchbegriff").fill("Wahlbenachrichtigung")
        visitor.get_by_role("button", name="Suchen", exact=True).click()
        visitor.get_by_role("link", name=title, exact=True).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
