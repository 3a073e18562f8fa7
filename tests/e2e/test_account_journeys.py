"""Journeys of issue 17 in a real browser: asking for an account, resetting a password, the
footer link "Redaktion", interest received in the Börse, Suchaufträge, the partner
suggestions (existing partners apart, distance sort, zoomed map) and ASCII slugs.

Public journeys run with and without JavaScript (the `javascript` fixture); the Wagtail
admin needs JavaScript. Mails are read from the served site's console output
(`sent_mails`, see conftest.py).
"""

import math
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .sitebuilder import BOERSE_TITLE, PASSWORD

pytestmark = pytest.mark.e2e

SET_PASSWORD_LINK = re.compile(r"https?://\S+/konto/passwort-festlegen/[^/\s]+/[^/\s]+/")


def admin_login(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label(re.compile("Passwor[dt]")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def link_in(message):
    return urlsplit(SET_PASSWORD_LINK.search(message.get_content()).group(0)).path


def set_password(page, path, password):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Neues Passwort festlegen")
    page.get_by_label("Neues Passwort", exact=False).first.fill(password)
    page.get_by_label("Neues Passwort wiederholen").fill(password)
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Passwort ist festgelegt")


def sign_in(page, username, password):
    page.goto("/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("main").get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")


# --- accounts ---------------------------------------------------------------------------------


def test_request_access_approve_in_admin_set_password_and_post(
    page, javascript, open_page, sent_mails
):
    email = f"m.beispiel-{'js' if javascript else 'nojs'}@anroechte.de"
    page.goto("/konto/anmelden/")
    page.get_by_role("main").get_by_role("link", name="Zugang beantragen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zugang beantragen")
    page.get_by_label(re.compile("^Vor- und Nachname")).fill("Mia Beispiel")
    page.get_by_label(re.compile("^Dienstliche E-Mail-Adresse")).fill("mia@gmail.com")
    page.get_by_label(re.compile("^Gemeinde oder Kreis")).fill("05974004")
    page.get_by_role("button", name="Zugang beantragen").click()
    # A private address is refused with the reason; what was typed stays.
    expect(page.get_by_role("alert")).to_contain_text("dienstliche E-Mail-Adresse")
    expect(page.get_by_label(re.compile("^Vor- und Nachname"))).to_have_value("Mia Beispiel")
    page.get_by_label(re.compile("^Dienstliche E-Mail-Adresse")).fill(email)
    page.get_by_role("button", name="Zugang beantragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Antrag ist eingegangen")
    expect(page.get_by_role("status")).to_contain_text(email)
    (notice,) = [m for m in sent_mails(to="moderation@example.org") if email in m.get_content()]
    admin_link = re.search(
        r"https?://\S+/admin/snippets/accounts/accessrequest/edit/\d+/", notice.get_content()
    ).group(0)

    moderator = open_page(javascript=True)
    admin_login(moderator, "moderation")
    moderator.goto(urlsplit(admin_link).path)
    expect(moderator.get_by_text("Mia Beispiel").first).to_be_visible()
    moderator.get_by_label("Identität und Dienststelle geprüft").check()
    moderator.get_by_role("combobox", name=re.compile("^Entscheidung")).select_option(
        label="Genehmigt"
    )
    moderator.get_by_role("button", name=re.compile("^Speichern")).click()
    expect(moderator.get_by_text(re.compile("Konto für Mia Beispiel .* angelegt"))).to_be_visible()

    (approved,) = sent_mails(to=email)
    assert "freigeschaltet" in approved["Subject"]
    set_password(page, link_in(approved), "Anroechte-Standesamt-2026")
    sign_in(page, email, "Anroechte-Standesamt-2026")
    expect(page.get_by_role("main")).to_contain_text("Anröchte")
    expect(page.get_by_role("main")).to_contain_text("Konto bestätigt")
    expect(page.get_by_role("link", name="Neuen Eintrag anlegen")).to_be_visible()


def test_password_reset_by_mail(page, javascript, sent_mails):
    page.goto("/konto/anmelden/")
    page.get_by_role("link", name="Passwort vergessen?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passwort vergessen")
    before = len(sent_mails(to="vergessen@example.org"))
    page.get_by_label(re.compile("^E-Mail-Adresse")).fill("vergessen@example.org")
    page.get_by_role("button", name="Link zum Zurücksetzen senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte sehen Sie in Ihr Postfach")
    mails = sent_mails(to="vergessen@example.org")
    assert len(mails) == before + 1
    assert mails[-1]["Subject"] == "Neues Passwort für den Kooperationsatlas"
    password = f"Lippstadt-Bauamt-{'js' if javascript else 'nojs'}-2026"
    path = link_in(mails[-1])
    set_password(page, path, password)
    sign_in(page, "vergessen", password)
    expect(page.get_by_role("main")).to_contain_text("Lippstadt")
    # The link works once.
    page.goto(path)
    expect(page.get_by_text("Dieser Link ist ungültig")).to_be_visible()


@pytest.mark.parametrize("username,sees", [("kommune", False), ("redaktion", True)])
def test_footer_link_redaktion_only_for_admin_users(page, login, username, sees):
    login(page, username)
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Redaktion", exact=True)).to_have_count(1 if sees else 0)
    if sees:
        footer.get_by_role("link", name="Redaktion", exact=True).click()
        expect(page).to_have_url(re.compile(r"/admin/$"))


# --- Börse and Suchaufträge -------------------------------------------------------------------


def test_poster_sees_received_interest_without_the_senders_address(
    page, javascript, login, open_page
):
    message = f"Anröchte hätte Interesse ({'js' if javascript else 'nojs'}). Tel. 02947 888-0"
    sender = page
    login(sender, "nachbar")
    sender.goto("/boerse/")
    sender.get_by_role("link", name=BOERSE_TITLE, exact=True).click()
    sender.get_by_label(re.compile("^Ihre Nachricht")).fill(message)
    consent = sender.get_by_label("Meine E-Mail-Adresse an die Kommune des Eintrags weitergeben")
    expect(consent).not_to_be_checked()
    sender.get_by_role("button", name="Nachricht senden").click()
    expect(sender.get_by_text("an die Kommune weitergeleitet")).to_be_visible()
    expect(sender.get_by_role("heading", name=re.compile("Eingegangene"))).to_have_count(0)

    poster = open_page(javascript=javascript)
    login(poster, "kommune")
    poster.goto("/boerse/")
    poster.get_by_role("link", name=BOERSE_TITLE, exact=True).click()
    received = poster.get_by_role("region", name=re.compile("Eingegangene Interessenbekundungen"))
    item = received.get_by_role("listitem").filter(has_text=message)
    expect(item).to_contain_text("Nachbar, Anröchte (Ordnungsamt)")
    expect(item).to_contain_text("E-Mail-Adresse nicht freigegeben")
    expect(received).not_to_contain_text("nachbar@example.org")


def test_saved_searches_are_called_suchauftraege(page, javascript, login):
    login(page, "kommune")
    page.get_by_role("link", name=re.compile("^Suchaufträge")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suchaufträge")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("Partnersuche")
    main.get_by_role("link", name="Neuen Suchauftrag anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neuen Suchauftrag anlegen")
    expect(page.get_by_role("button", name="Suchauftrag speichern")).to_be_visible()


# --- partner suggestions ----------------------------------------------------------------------


def search_partners(page, place, *, area=None, radius=None, sort=None):
    page.goto("/partnersuche/")
    page.get_by_label("Gemeinde oder Kreis").fill(place)
    if area:
        page.get_by_role("group", name="Aufgabenbereiche (optional)").get_by_role(
            "checkbox", name=area, exact=True
        ).check()
    if radius:
        page.get_by_label(re.compile("^Umkreis in km")).fill(str(radius))
    if sort:
        page.get_by_label("Reihenfolge").select_option(label=sort)
    page.get_by_role("button", name="Partner vorschlagen").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Vorschläge für"))).to_be_visible()


def test_existing_partners_in_the_task_area_are_listed_apart(page, javascript):
    search_partners(page, "Erwitte", area="Standesamt")
    existing = page.get_by_role("region", name=re.compile("Bereits Partner in dieser Aufgabe"))
    # The Standesamt Hellweg: Erwitte, Anröchte and Bad Sassendorf (demo profile).
    expect(existing.get_by_role("link", name="Anröchte", exact=True)).to_be_visible()
    expect(existing.get_by_role("link", name="Bad Sassendorf", exact=True)).to_be_visible()
    expect(existing).to_contain_text("Standesamt Hellweg")
    cards = page.locator("ol.partner-list > li h3")
    expect(cards.first).to_be_visible()
    names = cards.all_inner_texts()
    assert not any("Anröchte" in name or "Bad Sassendorf" in name for name in names), names


def test_sort_by_distance_after_a_radius(page, javascript):
    search_partners(page, "Erwitte", radius=15, sort="nach Entfernung (nächste zuerst)")
    expect(page.get_by_text("Nach Entfernung sortiert, die nächste zuerst")).to_be_visible()
    texts = page.locator("ol.partner-list > li h3 .meta").all_inner_texts()
    distances = [float(re.search(r"([\d,]+) km", t).group(1).replace(",", ".")) for t in texts]
    assert len(distances) > 3
    assert distances == sorted(distances) and max(distances) <= 15
    assert "sortierung=entfernung" in page.url


def test_partner_map_is_zoomed_with_numbered_markers_that_do_not_overlap(page, javascript):
    search_partners(page, "Erwitte", radius=25)
    svg = page.locator("svg.map--partners")
    expect(svg).to_be_visible()
    cards = page.locator("ol.partner-list > li").count()
    markers = svg.locator("g.map-marker")
    assert markers.count() == cards > 5
    circles = []  # (centre x, centre y, radius) on screen
    for number in range(markers.count()):
        marker = markers.nth(number)
        expect(marker.locator("text")).to_have_text(marker.get_attribute("data-rank"))
        box = marker.locator("circle").last.bounding_box()
        circles.append(
            (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 2)
        )
    assert circles[0][2] >= 6  # readable numbers
    for i, (ax, ay, ar) in enumerate(circles):
        for bx, by, br in circles[i + 1 :]:
            assert math.hypot(ax - bx, ay - by) >= ar + br - 0.5, ((ax, ay), (bx, by))
    # Zoomed: Erwitte's outline fills a visible share of the map, not a speck of all NRW.
    query = svg.locator("g.map-query path").first.bounding_box()
    whole = svg.bounding_box()
    assert query["width"] > whole["width"] / 12, (query, whole)


# --- slugs ------------------------------------------------------------------------------------


def test_new_page_gets_an_ascii_slug_with_german_transliteration(page):
    admin_login(page, "redaktion")
    page.goto("/admin/pages/")
    page.get_by_role("link", name="Unterseiten von ‚Kooperationsatlas‘ durchsehen").click()
    page.get_by_role("link", name="Unterseiten von ‚Kooperationen‘ durchsehen").click()
    page.get_by_role("link", name="Unterseite hinzufügen").first.click()
    page.get_by_role("textbox", name="Titel*", exact=True).fill("Straßenbauhof Gesekerüthen Öhle")
    page.get_by_role("textbox", name="Titel*", exact=True).blur()
    expect(page.locator("input[name=slug]")).to_have_value("strassenbauhof-gesekeruethen-oehle")
