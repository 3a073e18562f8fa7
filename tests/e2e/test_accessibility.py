"""Accessibility audits with axe-core (npm package, pinned in package.json) in the served pages.

The suite fails on every violation of impact "serious" or "critical" against the WCAG 2.1
A/AA rules (axe tags wcag2a, wcag2aa, wcag21a, wcag21aa). axe is injected from
node_modules, never from a CDN; the audit's browser context bypasses the site's
Content-Security-Policy only so that the injected script may run.
"""

import re

import pytest
from playwright.sync_api import expect

from .conftest import AXE_PATH, missing

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), impact: n.impact})),
  }));
}"""


def first_link_below(page, prefix):
    """Open the first link in <main> whose path starts with prefix (and is not prefix)."""
    links = page.get_by_role("main").locator(f'a[href^="{prefix}"]:not([href="{prefix}"])')
    expect(links.first).to_be_visible()
    links.first.click()
    page.wait_for_load_state()


def goto(url, status=200):
    def prepare(page, login):
        response = page.goto(url)
        assert response.status == status, f"{url}: HTTP {response.status}, erwartet {status}"

    return prepare


def profile(page, login):
    page.goto("/suche/?q=Standesamt")
    page.locator("ol.search-hits").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/kooperationen/[^/]+/$"))


def guide(page, login):
    page.goto("/leitfaeden/")
    first_link_below(page, "/leitfaeden/")


def event(page, login):
    page.goto("/veranstaltungen/")
    page.get_by_role("link", name="Testveranstaltung der Browser-Tests").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testveranstaltung der Browser-Tests")


def as_municipal_account(url):
    def prepare(page, login):
        login(page, "kommune", next_url=url)
        expect(page).to_have_url(re.compile(re.escape(url) + "$"))

    return prepare


def proposal_form(page, login):
    login(page, "kommune", next_url="/kooperationen/standesamt-hellweg/")
    page.get_by_role("link", name="Steckbrief ergänzen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Steckbrief ergänzen")


def survey_form(page, login):
    """The questionnaire of the served site's test campaign (sitebuilder.py) for Erwitte."""
    login(page, "kommune", next_url="/erhebungen/")
    page.get_by_role("link", name="Testerhebung der Browser-Tests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testerhebung der Browser-Tests")


def programme(page, login):
    page.goto("/foerderung/")
    first_link_below(page, "/foerderung/")


# Every page type of the public site (and the forms of a municipal account). The audit runs
# on each at desktop and at phone width; test_reflow.py checks the same pages for reflow.
PAGES = {
    "startseite": goto("/"),
    "suche-mit-filter": goto("/suche/?q=Standesamt&regierungsbezirk=059"),
    "steckbrief": profile,
    "steckbrief-angereichert": goto("/kooperationen/standesamt-hellweg/"),
    "steckbrief-ergaenzen": proposal_form,
    "steckbriefe-liste": goto("/kooperationen/"),
    "gemeinde": goto("/gemeinden/05974016/"),
    "gemeinde-ausserhalb-nrw": goto("/gemeinden/09162000/"),
    "gemeinden-liste": goto("/gemeinden/"),
    "kreis": goto("/kreise/05974/"),
    "kreise-liste": goto("/kreise/"),
    "partnersuche-ergebnis": goto("/partnersuche/?q=Erwitte&aufgabe=standesamt"),
    "boerse": goto("/boerse/"),
    "boerse-formular": as_municipal_account("/boerse/neu/"),
    "bestandsaufnahme": goto("/bestandsaufnahme/"),
    "erhebung-ergebnisse": goto("/bestandsaufnahme/erhebung/"),
    "potenzialkarte": goto("/bestandsaufnahme/potenzial/standesamt/?kreis=05974"),
    "leitfaeden": goto("/leitfaeden/"),
    "leitfaden": guide,
    "faq": goto("/leitfaeden/haeufige-fragen/"),
    "glossar": goto("/leitfaeden/glossar/"),
    "foerderung": goto("/foerderung/"),
    "foerderprogramm": programme,
    "veranstaltungen": goto("/veranstaltungen/"),
    "veranstaltung": event,
    "foerder-check": goto("/foerderung/check/"),
    "foerder-check-ergebnis": goto(
        "/foerderung/check/?nrw=3&kosten=300.000&beantragt=210.000&laufzeit=5"
        "&einsparung=20&vor_beginn=ja"
    ),
    # Invalid input answers 400 with the error summary: audited as it is.
    "foerder-check-fehler": goto("/foerderung/check/?nrw=x&kosten=&laufzeit=1", status=400),
    "daten": goto("/daten/"),
    "impressum": goto("/impressum/"),
    "nicht-gefunden": goto("/gibt-es-nicht/", status=404),
    "anmelden": goto("/konto/anmelden/"),
    "konto": as_municipal_account("/konto/"),
    "benachrichtigung-formular": as_municipal_account("/benachrichtigungen/neu/"),
    "zugang-beantragen": goto("/konto/zugang-beantragen/"),
    "passwort-vergessen": goto("/konto/passwort-vergessen/"),
    "suchauftraege": as_municipal_account("/benachrichtigungen/"),
    "barrierefreiheit-rueckmeldung": goto("/barrierefreiheit/rueckmeldung/"),
    "meldung-formular": as_municipal_account("/konto/meldungen/neu/"),
    "erhebungen": as_municipal_account("/erhebungen/"),
    "erhebung-formular": survey_form,
}

# A desktop and a phone viewport (px).
WIDTHS = [1280, 390]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        lines += [f"    {node['target']}" for node in violation["nodes"][:10]]
        if len(violation["nodes"]) > 10:
            lines.append(f"    … und {len(violation['nodes']) - 10} weitere")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_wcag_violations(name, width, open_page, login):
    if not AXE_PATH.exists():
        missing(f"{AXE_PATH} fehlt: scripts/install-browser-deps (npm ci)")
    page = open_page(bypass_csp=True, width=width)
    PAGES[name](page, login)
    expect(page.get_by_role("main")).to_be_visible()
    page.add_script_tag(path=str(AXE_PATH))
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe-core auf {page.url}:\n{format_violations(failing)}"
