"""Public pages: content, drafts, private contacts, accessibility structure, no third parties."""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperations.models import (
    ContactPerson,
    CooperationFact,
    CooperationFunding,
    CooperationIndexPage,
    CooperationModel,
    CooperationPage,
    LegalForm,
    Motive,
    TaskArea,
)
from register.attribution import GEOMETRY_ATTRIBUTION, REGISTER_ATTRIBUTION

pytestmark = pytest.mark.django_db

ERWITTE = "05974016"
ANROECHTE = "05974004"
KREIS_SOEST = "05974"
FLENSBURG = "01001000"


class Page(HTMLParser):
    """Collects what the tests look at from a rendered page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tags = []  # (tag, attrs)
        self.links = []  # (href, text)
        self.headings = []  # (level, text)
        self.labels_for = set()
        self._open_link = None
        self._open_heading = None
        self._text = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a" and "href" in attrs:
            self._open_link = [attrs["href"], ""]
        if re.fullmatch(r"h[1-6]", tag):
            self._open_heading = [int(tag[1]), ""]
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])

    def handle_endtag(self, tag):
        if tag == "a" and self._open_link:
            self.links.append((self._open_link[0], " ".join(self._open_link[1].split())))
            self._open_link = None
        if re.fullmatch(r"h[1-6]", tag) and self._open_heading:
            self.headings.append((self._open_heading[0], " ".join(self._open_heading[1].split())))
            self._open_heading = None

    def handle_data(self, data):
        if self._open_link:
            self._open_link[1] += data
        if self._open_heading:
            self._open_heading[1] += data
        self._text.append(data)

    @property
    def text(self):
        return " ".join(" ".join(self._text).split())

    def find(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def link_to(self, href):
        return [text for link, text in self.links if link == href]


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return Page(response.content.decode())


def assert_accessible_structure(page):
    html_tag = page.find("html")[0]
    assert html_tag.get("lang") == "de"
    assert page.find("title") and page.html.count("– Kooperationsatlas</title>") == 1
    assert len(page.find("h1")) == 1
    # Headings never skip a level on the way down.
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, page.headings
    # Skip link first, pointing at the main landmark.
    first_link = next(attrs for tag, attrs in page.tags if tag == "a")
    assert first_link["href"] == "#main"
    assert page.find("main", id="main")
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find(landmark), landmark
    # Unique ids; aria-labelledby points at existing ids.
    ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for _, attrs in page.tags:
        for ref in attrs.get("aria-labelledby", "").split():
            assert ref in ids, ref
    # Every form control has a label.
    for tag, attrs in page.tags:
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
            "button",
        }:
            assert attrs.get("id") in page.labels_for or attrs.get("aria-label"), attrs
    # Images have a text alternative (empty for decoration), tables a caption and header scopes.
    for attrs in page.find("img"):
        assert "alt" in attrs
    assert len(page.find("table")) == len(page.find("caption"))
    for attrs in page.find("th"):
        assert attrs.get("scope") in {"col", "row"}


def assert_no_third_party_requests(page):
    """Nothing the browser loads by itself comes from another host."""
    for tag, attrs in page.tags:
        for attribute in ("src", "srcset", "poster", "data"):
            value = attrs.get(attribute)
            if value:
                assert value.startswith("/") and not value.startswith("//"), (tag, value)
        if tag == "link":
            href = attrs.get("href", "")
            assert href.startswith("/") and not href.startswith("//"), href
    assert "@import" not in page.html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page.html)


@pytest.fixture
def terms(db):
    parent = TaskArea.objects.create(name="Testverwaltung", slug="test-verwaltung")
    return {
        "area": TaskArea.objects.create(
            name="Teststandesamt", slug="test-standesamt", parent=parent
        ),
        "legal_form": LegalForm.objects.create(
            name="Testvereinbarung", slug="test-vereinbarung", legal_basis="§ 23 GkG NRW"
        ),
        "model": CooperationModel.objects.create(name="Testzentrum", slug="test-zentrum"),
        "motive": Motive.objects.create(name="Testmotiv", slug="test-motiv"),
    }


@pytest.fixture
def full_profile(make_profile, terms):
    return make_profile(
        "Standesamt Hellweg",
        partners=[(ERWITTE, "lead"), (ANROECHTE, "member"), (KREIS_SOEST, "other"),
                  ("GPA NRW", "other")],
        summary="Drei Kommunen führen ein gemeinsames Standesamt.",
        task_areas=[terms["area"]],
        motives=[terms["motive"]],
        legal_form=terms["legal_form"],
        legal_form_note="laut Ratsbeschluss",
        cooperation_model=terms["model"],
        phase="regelbetrieb",
        status_note="in Betrieb",
        start_year=2023,
        occasion="<p>Personalmangel in den Standesämtern.</p>",
        savings_percent=Decimal("30.0"),
        savings_eur_per_year=Decimal("135000"),
        staff_fte=Decimal("2.5"),
        population_served=38400,
        last_reviewed=date(2024, 12, 31),
        facts=[CooperationFact(text="Zusammenlegung im Juli 2023")],
        contacts=[
            ContactPerson(name="Erika Öffentlich", email="erika@example.org", public_display=True),
            ContactPerson(name="Max Vertraulich", email="max@example.org", phone="02943 1234"),
        ],
        sources=("https://www.anroechte.de/quelle", "https://bra.nrw.de/presse"),
    )


def test_home_page_shows_entry_points_recent_profiles_and_count(client, full_profile, terms):
    page = get(client, "/")
    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    assert page.link_to(full_profile.url) == ["Standesamt Hellweg"]
    assert "Der Atlas enthält 1 Steckbrief." in page.text
    assert "Teststandesamt" in page.text
    assert "Testzentrum" in page.text
    assert "4 Partner" in page.text
    for url in ("/kooperationen/", "/gemeinden/", "/kreise/", "/daten/"):
        assert page.link_to(url), url
    # Main navigation marks the current page.
    assert page.find("a", href="/", **{"aria-current": "page"})


def test_cooperation_index_lists_profiles_with_pagination(client, make_profile, monkeypatch):
    monkeypatch.setattr(CooperationIndexPage, "page_size", 2)
    for number in range(3):
        make_profile(f"Kooperation {number}")
    page = get(client, "/kooperationen/")
    assert_accessible_structure(page)
    assert "3 Steckbriefe, Seite 1 von 2" in page.text
    assert page.headings[1] == (2, "Kooperation 0")
    assert "Startjahr nicht bekannt" in page.text
    pagination = page.find("nav", **{"aria-label": "Seiten der Steckbriefliste"})
    assert pagination
    assert page.find("a", href="?page=1", **{"aria-current": "page"})
    assert page.find("a", href="?page=2", rel="next")
    second = get(client, "/kooperationen/?page=2")
    assert second.headings[1] == (2, "Kooperation 2")
    assert second.find("a", href="?page=2", **{"aria-current": "page"})


def test_profile_page_shows_all_structured_fields(client, full_profile):
    page = get(client, full_profile.url)
    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    text = page.text
    assert page.headings[0] == (1, "Standesamt Hellweg")
    assert "Testverwaltung › Teststandesamt" in text  # task area with its hierarchy
    assert "Testvereinbarung (§ 23 GkG NRW)" in text
    assert "Hinweis: laut Ratsbeschluss" in text
    assert "Regelbetrieb" in text and "in Betrieb" in text
    assert "Testmotiv" in text
    assert "Nordrhein-Westfalen" in text
    # Figures in German notation.
    assert "30 %" in text
    assert "135.000 EUR/Jahr" in text
    assert "2,5 VZÄ" in text
    assert "38.400 Einwohner" in text
    assert "Zuletzt geprüft 31.12.2024" in text
    assert "Zusammenlegung im Juli 2023" in text
    assert "Personalmangel in den Standesämtern." in text
    # Partners: register entries linked, the outside organisation not.
    # (each municipality twice: in the table and as a shape on the map)
    assert page.link_to(f"/gemeinden/{ERWITTE}/") == ["Erwitte", "Erwitte"]
    assert page.link_to(f"/gemeinden/{ANROECHTE}/") == ["Anröchte", "Anröchte"]
    assert page.link_to(f"/kreise/{KREIS_SOEST}/") == ["Kreis Soest"]
    assert "GPA NRW" in text
    assert not [text for _, text in page.links if "GPA" in text]
    assert "16.300" in text  # Erwitte's population
    assert "federführend / Sitz" in text
    # Sources in order, as links.
    hrefs = [href for href, _ in page.links]
    assert hrefs.index("https://www.anroechte.de/quelle") < hrefs.index("https://bra.nrw.de/presse")
    # Map of the partners' boundaries (Erwitte, Anröchte and the Kreis's municipalities).
    svg = page.find("svg", role="group")
    assert svg and svg[0]["aria-labelledby"] == "partner-karte-title partner-karte-desc"
    desc = text[text.index("Hervorgehoben: Erwitte, Anröchte") :]
    assert "Lippstadt" in desc.split("Umgebung:")[0]  # in Kreis Soest, a partner
    assert "Hamm" in desc.split("Umgebung:")[1]  # borders the Kreis: context


def test_preview_shows_unsaved_task_areas_and_motives(rf, full_profile, terms):
    """The profile reads the pks of its terms; in a preview they are the editor's unsaved
    choice, held in memory by modelcluster, not the saved rows."""
    other_area = TaskArea.objects.create(name="Testarchiv", slug="test-archiv")
    other_motive = Motive.objects.create(name="Testinnovation", slug="test-innovation")
    page = CooperationPage.objects.get(pk=full_profile.pk)
    page.task_areas = [other_area, terms["area"]]
    page.motives = [other_motive]
    request = rf.get(page.url)
    request.user = AnonymousUser()
    response = page.make_preview_request(request)
    html = response.content.decode()
    assert "<li>Testarchiv</li>" in html
    assert "<li>Testverwaltung › Teststandesamt</li>" in html
    assert "Testinnovation" in html and "Testmotiv" not in html


def test_profile_reads_only_the_child_relations_that_have_rows(client, full_profile):
    """One statement tells which lists have rows; only those are queried."""
    with CaptureQueriesContext(connection) as queries:
        html = get(client, full_profile.url).html
    read = " ".join(q["sql"].split("WHERE")[0] for q in queries if "EXISTS" not in q["sql"])
    for table in ("cooperationfact", "contactperson", "cooperationsource"):
        assert f"cooperations_{table}" in read, table
    for table in ("cooperationfunding", "cooperationdocument", "cooperationimage"):
        assert f"cooperations_{table}" not in read, table
    assert "Zusammenlegung im Juli 2023" in html and "Erika Öffentlich" in html


def test_preview_shows_unsaved_child_rows(rf, full_profile):
    """A preview's rows are the editor's, in memory: a fact added to a profile that has
    none saved and funding are shown."""
    page = CooperationPage.objects.get(pk=full_profile.pk)
    page.facts = [CooperationFact(text="Noch nicht gespeicherte Tatsache")]
    page.funding = [CooperationFunding(programme="Vorschauprogramm", year=2024)]
    request = rf.get(page.url)
    request.user = AnonymousUser()
    html = page.make_preview_request(request).content.decode()
    assert "Noch nicht gespeicherte Tatsache" in html and "Zusammenlegung" not in html
    assert "Vorschauprogramm" in html


def test_unknown_fields_are_named_in_one_line(client, make_profile):
    profile = make_profile("Ohne Angaben")
    html = get(client, profile.url).html
    line = re.search(r'<p class="unknown" id="nicht-bekannt">Nicht bekannt: ([^<]*)\.</p>', html)
    assert line, "no line of unknown fields"
    assert line.group(1).split(", ") == [
        "Rechtsform", "Phase", "Startjahr", "Motive", "Anlass", "Ziel", "Umsetzung",
        "Ergebnisse", "Erfolgsfaktoren", "Stolpersteine", "Kosten", "Einsparung", "Personal",
    ]  # fmt: skip
    assert "nicht bekannt" not in html
    for heading in ("Anlass", "Fakten laut Quellen", "Was die Quellen nicht sagen", "Förderung",
                    "Kontakt", "Dokumente", "Bilder", "Schlagwörter", "Kennzahlen"):
        assert f">{heading}</h2>" not in html, heading
    assert "<p>keine</p>" not in html


def test_private_contacts_hidden_from_anonymous_visitors(client, full_profile):
    page = get(client, full_profile.url)
    assert "Erika Öffentlich" in page.text
    assert "Max Vertraulich" not in page.html
    assert "max@example.org" not in page.html
    assert "02943 1234" not in page.html
    assert "Kontaktdaten sehen angemeldete Nutzerinnen und Nutzer" in page.text
    assert page.link_to(f"/konto/anmelden/?next={full_profile.url}") == ["Anmelden"]


def test_private_contacts_shown_when_logged_in(client, full_profile, django_user_model):
    client.force_login(django_user_model.objects.create_user("leser", password="x"))
    page = get(client, full_profile.url)
    assert "Erika Öffentlich" in page.text
    assert "Max Vertraulich" in page.text
    assert page.link_to("mailto:max@example.org")
    assert "Kontaktdaten sehen angemeldete" not in page.text


def test_drafts_are_invisible_everywhere(client, make_profile, full_profile):
    draft = make_profile("Geheimer Entwurf", publish=False, partners=[(ERWITTE, "lead"),
                                                                       (KREIS_SOEST, "member")])
    assert get(client, draft.url, status=404)
    for url in ("/", "/kooperationen/", f"/gemeinden/{ERWITTE}/", f"/kreise/{KREIS_SOEST}/"):
        page = get(client, url)
        assert "Geheimer Entwurf" not in page.html, url
        assert "Standesamt Hellweg" in page.text, url
    assert "Der Atlas enthält 1 Steckbrief." in get(client, "/").text


def test_municipality_page(client, full_profile):
    page = get(client, f"/gemeinden/{ERWITTE}/")
    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    text = page.text
    assert page.headings[0] == (1, "Erwitte")
    for value in (ERWITTE, "059740016016", "kreisangehörige Stadt", "Arnsberg",
                  "Nordrhein-Westfalen", "16.300", "(Stand 31.12.2024)", "km²", "59597"):
        assert value in text, value
    assert page.link_to(f"/kreise/{KREIS_SOEST}/")
    # Neighbours with links and shared border; the same links on the map, out of the tab order.
    assert "Anröchte" in page.link_to(f"/gemeinden/{ANROECHTE}/")
    assert re.search(r"Anröchte Kreis Soest \d+,\d km", text)
    assert page.find("a", href=f"/gemeinden/{ANROECHTE}/", tabindex="-1")
    svg = page.find("svg", role="group")
    assert svg and svg[0]["aria-labelledby"] == "gemeinde-karte-title gemeinde-karte-desc"
    # Its cooperations and those of its Kreis.
    assert page.link_to(full_profile.url) == ["Standesamt Hellweg"]
    assert REGISTER_ATTRIBUTION in unescape(page.html)
    assert GEOMETRY_ATTRIBUTION in unescape(page.html)


def test_municipality_outside_nrw_has_a_point_map(client):
    page = get(client, f"/gemeinden/{FLENSBURG}/")
    assert_accessible_structure(page)
    # No boundaries outside NRW: the map shows municipalities as points, and says so.
    assert [svg["class"] for svg in page.find("svg")] == ["map map--points"]
    assert "Gemeindegrenzen liegen nur für Nordrhein-Westfalen vor" in page.text
    assert "Nachbarschaften liegen bisher nur für Nordrhein-Westfalen vor" in page.text
    assert "kreisfreie Stadt" in page.text


def test_county_profiles_on_the_municipality_page(client, make_profile):
    profile = make_profile("Kreisweite Beschaffung", partners=[(KREIS_SOEST, "lead")])
    page = get(client, f"/gemeinden/{ERWITTE}/")
    assert page.link_to(profile.url) == ["Kreisweite Beschaffung"]
    assert "Noch kein veröffentlichter Steckbrief nennt Erwitte als Partner." in page.text


def test_county_page(client, full_profile, make_profile):
    own = make_profile("Kreisweite Beschaffung", partners=[(KREIS_SOEST, "lead")])
    page = get(client, f"/kreise/{KREIS_SOEST}/")
    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    text = page.text
    assert page.headings[0] == (1, "Kreis Soest")
    assert "Arnsberg" in text and "Nordrhein-Westfalen" in text and "Kreis" in text
    assert page.link_to(f"/gemeinden/{ERWITTE}/") == ["Erwitte", "Erwitte"]  # table and map
    assert page.find("a", href=f"/gemeinden/{ERWITTE}/", tabindex="-1")
    assert page.find("svg", role="group")
    # full_profile names the Kreis itself, so it is listed once, among the Kreis's own.
    assert page.link_to(full_profile.url) == ["Standesamt Hellweg"]
    assert page.link_to(own.url) == ["Kreisweite Beschaffung"]
    assert REGISTER_ATTRIBUTION in unescape(page.html)


def test_county_page_lists_cooperations_of_its_municipalities(client, make_profile):
    profile = make_profile("Nur Gemeinden", partners=[(ERWITTE, "lead"), (ANROECHTE, "member")])
    page = get(client, f"/kreise/{KREIS_SOEST}/")
    assert page.link_to(profile.url) == ["Nur Gemeinden"]
    assert "Noch kein veröffentlichter Steckbrief nennt Kreis Soest als Partner." in page.text


def test_municipality_list_search_and_filter(client):
    page = get(client, "/gemeinden/")
    assert_accessible_structure(page)
    assert "10.751 Gemeinden" in page.text
    assert page.find("input", name="q", type="search")
    assert page.find("select", name="land")

    page = get(client, "/gemeinden/?q=erwitte")
    assert page.link_to(f"/gemeinden/{ERWITTE}/") == ["Erwitte"]
    assert "1 Gemeinde mit „erwitte“ im Namen" in page.text
    assert page.find("input", name="q", value="erwitte")

    page = get(client, "/gemeinden/?land=05&page=2")
    assert "396 Gemeinden in Nordrhein-Westfalen, Seite 2 von 8" in page.text
    assert "selected" in page.find("option", value="05")[0]
    assert page.find("a", href="?land=05&page=3", rel="next")  # keeps the filter


def test_county_list_grouped_by_state(client):
    page = get(client, "/kreise/")
    assert_accessible_structure(page)
    assert page.link_to(f"/kreise/{KREIS_SOEST}/") == ["Kreis Soest"]
    assert (2, "Nordrhein-Westfalen") in page.headings
    assert (2, "Bayern") in page.headings
    page = get(client, "/kreise/?land=05")
    assert (2, "Bayern") not in page.headings
    assert "Kreise und kreisfreie Städte in Nordrhein-Westfalen (53)" in page.text


def test_data_sources_page(client):
    page = get(client, "/daten/")
    assert_accessible_structure(page)
    html = unescape(page.html)
    assert REGISTER_ATTRIBUTION in html
    assert GEOMETRY_ATTRIBUTION in html
    assert page.link_to("https://www.govdata.de/dl-de/by-2-0")
    assert "10.751 Gemeinden" in page.text


def test_footer_attribution_and_site_settings(client, site_tree):
    from wagtail.models import Site

    from kooperationsatlas.models import SiteSettings

    SiteSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"operator": "Testbetreiber NRW", "contact_email": "kontakt@example.org"},
    )
    page = get(client, "/daten/")
    footer = page.html[page.html.index("<footer") :]
    assert "Statistisches Bundesamt (Destatis)" in footer
    assert 'href="/daten/"' in footer
    assert "Testbetreiber NRW" in footer
    assert "mailto:kontakt@example.org" in footer


@pytest.mark.parametrize("url", ["/gemeinden/99999999/", "/kreise/99999/", "/gibt-es-nicht/"])
def test_unknown_keys_are_404_in_german(client, site_tree, url):
    page = get(client, url, status=404)
    assert "Seite nicht gefunden" in page.text
    assert page.find("html")[0]["lang"] == "de"


def test_register_pages_do_not_query_per_profile(client, make_profile, settings):
    # Off here: every request computes everything (no page, no named entries), so the
    # counts before and after the publishes below are comparable.
    settings.PAGE_CACHE_SECONDS = 0

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries)

    make_profile("Erste", partners=[(ERWITTE, "lead"), (KREIS_SOEST, "member")])
    urls = (f"/gemeinden/{ERWITTE}/", f"/kreise/{KREIS_SOEST}/")
    for url in urls:
        count(url)  # warm up caches (site root paths)
    before = {url: count(url) for url in urls}
    for number in range(4):
        make_profile(f"Weitere {number}", partners=[(ERWITTE, "lead"), (KREIS_SOEST, "member")])
    for url, queries in before.items():
        assert count(url) == queries, url
    assert count("/gemeinden/") <= 8


def test_stylesheet_is_local_and_has_focus_styles():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    assert ":focus-visible" in css and "outline: 3px solid" in css
    assert "@import" not in css
    assert not re.search(r"url\(", css)
    assert "@media print" in css


def test_server_error_page_needs_no_request_or_database():
    from django.template.loader import render_to_string

    page = Page(render_to_string("500.html"))
    assert page.find("html")[0]["lang"] == "de"
    assert len(page.find("h1")) == 1
    assert page.find("main", id="main")
    assert_no_third_party_requests(page)


def test_menu_lists_funding_and_events_once_their_pages_exist(client, site_tree):
    from django.core.management import call_command

    assert "Förderung" not in [text for _, text in get(client, "/").links]
    call_command("load_funding_programmes", stdout=StringIO())
    call_command("setup_events", stdout=StringIO())

    page = get(client, "/")
    assert page.link_to("/foerderung/") and page.link_to("/veranstaltungen/")
    assert "Förderung" in page.link_to("/foerderung/")
    assert "Veranstaltungen" in page.link_to("/veranstaltungen/")
