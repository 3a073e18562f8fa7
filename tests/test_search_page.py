"""The search page /suche/: facets with counts, state in the URL, removable filters, help on
an empty result, clear 400s that keep the input, notices, accessibility, no JavaScript."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cooperations.models import CooperationModel, LegalForm, TaskArea
from search.contract import MAX_PAGE
from tests.test_pages import (
    Page,
    assert_accessible_structure,
    assert_no_third_party_requests,
)

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, LIPPSTADT, GESEKE = "05974016", "05974004", "05974028", "05974020"
KOELN, HUERTH, MUENCHEN = "05315000", "05362028", "09162000"


@pytest.fixture
def search_index(db):
    """Index the profiles now (the publish signals only index after a commit)."""
    from cooperations.models import CooperationPage
    from search.indexing import sync_profiles

    def index():
        sync_profiles(list(CooperationPage.objects.values_list("pk", flat=True)))

    return index


@pytest.fixture
def profiles(make_profile, search_index):
    """Four profiles: three in NRW (two near Erwitte), one in Munich."""
    term = TaskArea.objects.get
    created = {
        "standesamt": make_profile(
            "Standesamt Hellweg",
            partners=[(ERWITTE, "lead"), (ANROECHTE, "member")],
            summary="Zwei Kommunen führen ein gemeinsames Standesamt.",
            task_areas=[term(slug="standesamt")],
            legal_form=LegalForm.objects.get(slug="zweckverband"),
            cooperation_model=CooperationModel.objects.get(slug="dienstleistungszentrum"),
            phase="regelbetrieb",
            start_year=2023,
        ),
        "bauhof": make_profile(
            "Bauhof Lippstadt und Geseke",
            partners=[(LIPPSTADT, "lead"), (GESEKE, "member")],
            summary="Ein gemeinsamer Bauhof für Straßenunterhaltung.",
            task_areas=[term(slug="bauhof")],
            start_year=2015,
        ),
        "personal": make_profile(
            "Personalabrechnung Köln und Hürth",
            partners=[(KOELN, "lead"), (HUERTH, "member")],
            summary="Die Bezügeabrechnung läuft zentral.",
            task_areas=[term(slug="personal-beihilfe")],
            start_year=2008,
        ),
        "muenchen": make_profile(
            "Archivverbund München",
            partners=[(MUENCHEN, "lead"), ("Bezirk Oberbayern", "member")],
            summary="Ein gemeinsames Archiv.",
            task_areas=[term(slug="archiv")],
            start_year=1998,
        ),
    }
    search_index()
    return created


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    return Page(response.content.decode())


def hit_titles(page):
    """Titles of the hits, in order (the h3 headings inside the hit list)."""
    return [text for level, text in page.headings if level == 3 and text != "Ausgewählte Filter"]


def count_heading(page):
    return next(text for level, text in page.headings if level == 2 and "Steckbrie" in text)


def checkbox(page, name, value):
    found = page.find("input", type="checkbox", name=name, value=value)
    assert len(found) == 1, (name, value)
    return found[0]


def label_text(page, input_id):
    match = re.search(rf'<label for="{re.escape(input_id)}">(.*?)</label>', page.html, re.S)
    assert match, input_id
    return " ".join(unescape(re.sub(r"<[^>]+>", "", match[1])).split())


def selection_links(page):
    """(label, href) of the "remove this filter" links."""
    block = re.search(r'<div class="selected-filters">(.*?)</div>', page.html, re.S)
    if not block:
        return []
    links = []
    for href, text in re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', block[1], re.S):
        text = re.sub(r'<span class="remove-mark" aria-hidden="true">×</span>', "", text)
        links.append((" ".join(unescape(re.sub(r"<[^>]+>", "", text)).split()), unescape(href)))
    return links


def params(url):
    return sorted(parse_qsl(urlsplit(url).query))


def notices(page):
    block = re.search(r'<div class="search-notices" role="status">(.*?)</div>', page.html, re.S)
    assert block, "status region missing"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", block[1])).split())


# --- rendering, facets and counts -------------------------------------------------------


def test_page_lists_everything_with_facets_and_counts(client, profiles):
    page = get(client, "/suche/")

    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    assert count_heading(page) == "4 Steckbriefe"
    assert len(hit_titles(page)) == 4
    # Without a text, relevance falls back to newest first: the last created comes first.
    assert hit_titles(page)[0] == "Archivverbund München"
    # Facets as checkbox groups in fieldsets with legends, each value with its count.
    legends = re.findall(r"<legend>(.*?)</legend>", page.html, re.S)
    for label in ("Umkreis", "Aufgabenbereich", "Bundesland", "Kreis", "Startjahr"):
        assert any(legend.startswith(label) for legend in legends), label
    standesamt = checkbox(page, "aufgabe", "standesamt")
    assert "checked" not in standesamt
    assert label_text(page, standesamt["id"]) == "Standesamt (1 Treffer)"
    # Hierarchical: the parent counts its children and is listed above them.
    parent = checkbox(page, "aufgabe", "buergerdienste-ordnung")
    assert label_text(page, parent["id"]) == "Bürgerdienste und Ordnung (1 Treffer)"
    assert page.html.index('value="buergerdienste-ordnung"') < page.html.index('value="standesamt"')
    nrw = checkbox(page, "land", "05")
    assert label_text(page, nrw["id"]) == "Nordrhein-Westfalen (3 Treffer)"
    # The year range inputs and the radius inputs are there, labelled.
    for field in ("id_startjahr_von", "id_startjahr_bis", "id_ort", "id_umkreis", "id_q"):
        assert field in page.labels_for
    # Hits show what a list needs.
    assert "Zwei Kommunen führen ein gemeinsames Standesamt." in page.text
    assert "Erwitte, Anröchte" in page.text
    assert "Zweckverband" in page.text and "2023" in page.text


def test_page_is_a_plain_get_form_that_needs_no_javascript(client, profiles):
    page = get(client, "/suche/?q=Standesamt")

    forms = page.find("form")
    assert len(forms) == 1  # the header box is left out on the search page itself
    assert forms[0]["method"] == "get" and forms[0]["action"] == "/suche/#treffer"
    assert {attrs.get("type") for attrs in page.find("button")} == {"submit"}
    button_texts = re.findall(r"<button[^>]*>(.*?)</button>", page.html)
    assert {"Suchen", "Filter anwenden", "Sortieren"} <= set(button_texts)
    # Scripts are optional, local and never inline.
    for attrs in page.find("script"):
        assert attrs.get("src", "").startswith("/static/")
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.html)
    # The results heading is the focus target the form and all links jump to.
    assert page.find("h2", id="treffer", tabindex="-1")


def test_header_search_box_on_other_pages(client, profiles):
    page = Page(client.get("/").content.decode())

    form = page.find("form", role="search")[0]
    assert form["action"] == "/suche/#treffer" and form["method"] == "get"
    assert "header-search-q" in page.labels_for
    assert page.find("input", id="header-search-q", name="q")


def test_text_search_finds_and_titles_the_page(client, profiles):
    page = get(client, "/suche/?q=Standesamt")

    assert hit_titles(page) == ["Standesamt Hellweg"]
    assert count_heading(page) == "1 Steckbrief für „Standesamt“"
    title = page.html.split("<title>")[1].split("</title>")[0]
    assert "Suche nach „Standesamt“" in unescape(title) and "1 Steckbrief" in title
    assert page.find("input", id="id_q", value="Standesamt")


# --- filters: narrowing, state in the URL, removing -------------------------------------


def test_selecting_filters_narrows_results_and_keeps_state(client, profiles):
    page = get(client, "/suche/?aufgabe=standesamt")
    assert hit_titles(page) == ["Standesamt Hellweg"]
    assert "checked" in checkbox(page, "aufgabe", "standesamt")

    # Values within a facet are ORed, facets are ANDed.
    page = get(client, "/suche/?aufgabe=standesamt&aufgabe=bauhof")
    assert set(hit_titles(page)) == {"Standesamt Hellweg", "Bauhof Lippstadt und Geseke"}
    page = get(client, "/suche/?aufgabe=standesamt&aufgabe=bauhof&startjahr=2010-2019")
    assert hit_titles(page) == ["Bauhof Lippstadt und Geseke"]

    # A parent task area finds its children.
    page = get(client, "/suche/?aufgabe=buergerdienste-ordnung")
    assert hit_titles(page) == ["Standesamt Hellweg"]

    # Facet counts stay disjunctive: the other values of a selected facet keep their counts.
    page = get(client, "/suche/?land=05")
    assert count_heading(page) == "3 Steckbriefe"
    assert "checked" in checkbox(page, "land", "05")
    bayern = checkbox(page, "land", "09")
    assert label_text(page, bayern["id"]) == "Bayern (1 Treffer)"


def test_year_range_and_sort(client, profiles):
    page = get(client, "/suche/?startjahr_von=2010&startjahr_bis=2020")
    assert hit_titles(page) == ["Bauhof Lippstadt und Geseke"]
    assert page.find("input", id="id_startjahr_von", value="2010")

    page = get(client, "/suche/?sortierung=name")
    assert hit_titles(page) == sorted(hit_titles(page))
    assert re.search(r'<option value="name" selected>', page.html)
    page = get(client, "/suche/?sortierung=partner&startjahr_bis=2010")
    assert set(hit_titles(page)) == {"Personalabrechnung Köln und Hürth", "Archivverbund München"}


def test_each_selected_filter_has_a_remove_link(client, profiles):
    url = "/suche/?q=gemeinsam&aufgabe=standesamt&aufgabe=archiv&land=05&startjahr_von=2000"
    page = get(client, url)
    links = dict(selection_links(page))

    assert set(links) == {
        "Filter entfernen: Aufgabenbereich: Standesamt",
        "Filter entfernen: Aufgabenbereich: Archiv",
        "Filter entfernen: Bundesland: Nordrhein-Westfalen",
        "Filter entfernen: Startjahr ab 2000",
    }
    without_archiv = links["Filter entfernen: Aufgabenbereich: Archiv"]
    assert without_archiv.startswith("/suche/?") and without_archiv.endswith("#treffer")
    assert params(without_archiv) == [
        ("aufgabe", "standesamt"),
        ("land", "05"),
        ("q", "gemeinsam"),
        ("startjahr_von", "2000"),
    ]
    # Following the link shows the narrower state, still shareable.
    page = get(client, without_archiv)
    assert hit_titles(page) == ["Standesamt Hellweg"]
    assert len(selection_links(page)) == 3

    # "Alle Filter entfernen" keeps the text.
    clear = page.link_to("/suche/?q=gemeinsam#treffer")
    assert clear == ["Alle Filter entfernen"]


def current_page_links(page):
    """Pagination links marked current (the main menu marks "Suche" as current too)."""
    return [
        attrs
        for attrs in page.find("a")
        if attrs.get("aria-current") == "page" and "seite" in dict(params(attrs["href"]))
    ]


def test_pagination_is_accessible_and_in_the_url(client, profiles):
    page = get(client, "/suche/?pro_seite=1&sortierung=name&seite=2")

    assert hit_titles(page) == ["Bauhof Lippstadt und Geseke"]
    nav = page.find("nav", **{"aria-label": "Seiten der Trefferliste"})
    assert nav
    current = current_page_links(page)
    assert len(current) == 1 and ("seite", "2") in params(current[0]["href"])
    next_link = page.find("a", rel="next")[0]["href"]
    assert ("seite", "3") in params(next_link) and ("sortierung", "name") in params(next_link)
    previous = page.find("a", rel="prev")[0]["href"]
    assert ("seite", "1") not in params(previous)  # page 1 is the default: left out
    assert "Treffer 2 bis 2, Seite 2 von 4" in page.text


def test_page_beyond_the_last_shows_the_last_with_a_notice(client, profiles):
    page = get(client, "/suche/?pro_seite=3&seite=7")

    assert "Seite 7 gibt es nicht; angezeigt wird die letzte Seite (2)." in notices(page)
    assert len(hit_titles(page)) == 1
    current = current_page_links(page)
    assert len(current) == 1 and ("seite", "2") in params(current[0]["href"])


def test_geo_radius_around_a_municipality(client, profiles):
    page = get(client, "/suche/?ort=Erwitte&umkreis=10")

    assert set(hit_titles(page)) == {"Standesamt Hellweg", "Bauhof Lippstadt und Geseke"}
    assert ("Filter entfernen: Umkreis: 10 km um Erwitte", "/suche/#treffer") in (
        selection_links(page)
    )
    assert "Entfernung" in page.text and " km von Erwitte" in page.text
    # The AGS works as well, and a larger radius reaches Cologne.
    page = get(client, f"/suche/?ort={ERWITTE}&umkreis=150")
    assert "Personalabrechnung Köln und Hürth" in hit_titles(page)
    assert "Archivverbund München" not in hit_titles(page)


def test_ambiguous_municipality_asks_to_choose(client, profiles):
    page = get(client, "/suche/?q=Archiv&ort=Neuenkirchen&umkreis=20", status=400)

    assert "Es gibt mehrere Gemeinden namens „Neuenkirchen“" in page.text
    candidates = [(href, text) for href, text in page.links if ("ort", "05566060") in params(href)]
    assert candidates and candidates[0][1] == "Neuenkirchen"
    assert "Kreis Steinfurt" in page.text
    assert ("q", "Archiv") in params(candidates[0][0])  # the rest of the input is kept
    page = get(client, candidates[0][0])
    assert "Umkreis: 20 km um Neuenkirchen" in page.text

    # A prefix offers the matching names; an unknown name says so.
    page = get(client, "/suche/?ort=Neustadt", status=400)
    assert "Mehrere Gemeinden beginnen mit „Neustadt“" in page.text
    assert "Neustadt an der Weinstraße" in page.text
    page = get(client, "/suche/?ort=Xyzdorf", status=400)
    assert "Keine Gemeinde namens „Xyzdorf“ gefunden" in page.text
    page = get(client, "/suche/?ort=99999999", status=400)
    assert "keine Gemeinde mit dem Gemeindeschlüssel 99999999" in page.text


# --- empty result, "Meinten Sie …?" -----------------------------------------------------


def test_empty_result_helps(client, profiles):
    page = get(client, "/suche/?q=Standesamt&aufgabe=bauhof&land=05")

    assert count_heading(page).startswith("0 Steckbriefe")
    assert "Keine Steckbriefe gefunden." in page.text
    help_links = dict((text, href) for href, text in page.links if text.endswith(" entfernen"))
    # Each removal that would find something, with its count.
    without_bauhof = help_links["Aufgabenbereich: Bauhof entfernen"]
    assert params(without_bauhof) == [("land", "05"), ("q", "Standesamt")]
    assert "Aufgabenbereich: Bauhof entfernen (1 Steckbrief)" in page.text
    assert "Suchbegriff „Standesamt“ entfernen (1 Steckbrief)" in page.text
    assert "Bundesland: Nordrhein-Westfalen entfernen" not in help_links  # still 0
    assert "Prüfen Sie die Schreibweise" in page.text
    # The main menu links to /suche/ as well.
    assert page.link_to("/suche/") == ["Suche", "Alle Steckbriefe durchsuchen"]


def test_did_you_mean_link(client, profiles, monkeypatch):
    from search import views

    real_search = views.search

    def with_suggestion(query, **kwargs):
        results = real_search(query, **kwargs)
        results.suggestion = "standesamt" if query.text == "standsamt" else None
        return results

    monkeypatch.setattr(views, "search", with_suggestion)
    page = get(client, "/suche/?q=standsamt&land=05")

    match = re.search(r'Meinten Sie <a href="([^"]+)">„standesamt“</a>\?', page.html)
    assert match
    assert params(unescape(match[1])) == [("land", "05"), ("q", "standesamt")]


# --- bad input: 400 with the reason, or a notice -----------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        (
            "/suche/?q=" + "a" * 10_000,
            "id_q",
            "Der Suchbegriff ist zu lang (höchstens 500 Zeichen).",
        ),
        (
            "/suche/?startjahr_von=abc",
            "id_startjahr_von",
            "„Startjahr von“ muss eine ganze Zahl sein",
        ),
        ("/suche/?startjahr_bis=1.5e3", "id_startjahr_bis", "„Startjahr bis“ muss eine ganze Zahl"),
        ("/suche/?startjahr_von=20000", "id_startjahr_von", "zwischen 1.900 und 2.100"),
        (
            "/suche/?startjahr_von=2020&startjahr_bis=2010",
            "id_startjahr_bis",
            "„Startjahr bis“ darf nicht vor „Startjahr von“ liegen.",
        ),
        ("/suche/?ort=Erwitte&umkreis=-5", "id_umkreis", "zwischen 1 und 300 km"),
        ("/suche/?umkreis=" + "9" * 5000, "id_umkreis", "zwischen 1 und 300 km"),
        ("/suche/?umkreis=nan", "id_umkreis", "„Umkreis in km“ muss eine Zahl sein"),
    ],
)
def test_bad_input_is_a_400_with_the_error_next_to_the_field(client, profiles, url, field, message):
    page = get(client, url, status=400)

    assert_accessible_structure(page)
    summary = re.search(r'<div class="error-summary"[^>]*role="alert".*?</div>', page.html, re.S)[0]
    assert message in unescape(summary)
    assert f'href="#{field}"' in summary
    # The error sits next to the input, which keeps what was typed and is marked invalid.
    control = page.find("input", id=field)[0]
    assert control["aria-invalid"] == "true"
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page.html, re.S)
    assert error and message in unescape(error[1])
    assert control["aria-describedby"] == f"{field}-error"
    typed = dict(parse_qsl(urlsplit(url).query))[field.removeprefix("id_")]
    assert control["value"] == typed
    assert "Fehler: " in unescape(page.html.split("<title>")[1].split("</title>")[0])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"/suche/?seite={10**9}", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        (f"/suche/?seite={MAX_PAGE + 1}", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        ("/suche/?seite=0", "„Seite“ muss zwischen 1 und 1.000 liegen"),
        ("/suche/?seite=zwei", "„Seite“ muss eine ganze Zahl sein, nicht „zwei“."),
        ("/suche/?pro_seite=1000", "„Treffer pro Seite“ muss zwischen 1 und 100 liegen."),
    ],
)
def test_bad_numbers_without_an_input_are_named_in_the_summary(client, profiles, url, message):
    page = get(client, url, status=400)
    assert message in page.text


def test_a_400_keeps_the_other_input(client, profiles):
    page = get(client, "/suche/?q=Bauhof&aufgabe=bauhof&land=05&seite=abc&sortierung=name", 400)

    assert page.find("input", id="id_q", value="Bauhof")
    assert "checked" in checkbox(page, "aufgabe", "bauhof")
    assert "checked" in checkbox(page, "land", "05")
    assert re.search(r'<option value="name" selected>', page.html)


def test_unknown_values_and_parameters_are_ignored_with_a_notice(client, profiles):
    page = get(client, "/suche/?aufgabe=standesamt&aufgabe=gibtsnicht&land=99&foo=bar")

    assert hit_titles(page) == ["Standesamt Hellweg"]
    assert (
        "Unbekannte Filterwerte ignoriert: Aufgabenbereich „gibtsnicht“, Bundesland „99“."
        in notices(page)
    )
    # The canonical links drop what was ignored.
    assert all("gibtsnicht" not in href and "foo" not in href for href, _ in page.links)

    page = get(client, "/suche/?sortierung=zufall")
    assert "Die Sortierung „zufall“ gibt es nicht" in notices(page)

    # A radius without a municipality does nothing, and the page says so.
    page = get(client, "/suche/?umkreis=10")
    assert len(hit_titles(page)) == 4
    assert "Der Umkreis wirkt nur zusammen mit einer Gemeinde" in notices(page)


def test_control_characters_are_removed_with_a_notice(client, profiles):
    page = get(client, "/suche/?q=Stan%00des%07amt%1B")

    assert "Unsichtbare Steuerzeichen im Suchbegriff wurden entfernt." in notices(page)
    assert "\x00" not in page.html and "\x1b" not in page.html
    # Tabs and newlines are plain whitespace: no notice.
    page = get(client, "/suche/?q=Standesamt%09Hellweg%0A")
    assert "Steuerzeichen" not in notices(page)
    assert hit_titles(page) == ["Standesamt Hellweg"]


@pytest.mark.parametrize(
    "text",
    [
        "\u200fStandesamt\u200e",  # RTL/LTR marks
        "Standesamt 🏛️👨‍👩‍👧",  # emoji with variation selector and ZWJ
        "Sta\u0308ndesamt",  # combining diaeresis
        "ｓｔａｎｄｅｓａｍｔ",  # full-width letters (NFKC folds them)
        "\U0010fffd\ufeff",  # private use, BOM
        "مكتب التسجيل",
    ],
)
def test_odd_unicode_is_a_200(client, profiles, text):
    response = client.get("/suche/", {"q": text})
    assert response.status_code == 200
    assert "Steckbrief" in response.content.decode()


def test_full_width_letters_are_folded(client, profiles):
    page = get(client, "/suche/?q=ｓｔａｎｄｅｓａｍｔ")
    assert hit_titles(page) == ["Standesamt Hellweg"]
    assert page.find("input", id="id_q", value="standesamt")


def test_post_is_not_allowed(client, profiles):
    assert client.post("/suche/").status_code == 405


def test_an_engine_failure_is_a_503_with_a_message_not_a_500(client, profiles, monkeypatch):
    from search import views

    def broken(query):
        raise RuntimeError("engine down")

    monkeypatch.setattr(views, "search", broken)
    page = get(client, "/suche/?q=Standesamt", status=503)
    assert "Die Suche ist gerade nicht verfügbar." in page.text
    assert page.find("input", id="id_q", value="Standesamt")


def test_a_search_can_be_saved_as_an_alert(client, profiles):
    page = get(client, "/suche/?q=Standesamt&land=05&gibtsnicht=1&seite=1")

    assert page.link_to("/benachrichtigungen/neu/?q=Standesamt&land=05") == [
        "Diese Suche speichern und bei neuen Treffern benachrichtigt werden"
    ]
    assert not get(client, "/suche/").link_to("/benachrichtigungen/neu/?")


# --- cost: the same output with less work -------------------------------------------------


def test_facet_checkboxes_markup():
    """views.options_html writes the markup the per-value template include used to write,
    byte for byte: escaped values and labels, counts in German, sub-values in a details
    element that is open when one of them is selected."""
    from search.views import Option, options_html

    child = Option("aufgabe", "standesamt", "Standesamt", 1234, True, 1, "f-aufgabe-1")
    other = Option("aufgabe", "a&b", 'Ehe <& "Recht">', 0, False, 1, "f-aufgabe-2")
    parent = Option("aufgabe", "buerger", "Bürger", 1300, False, 0, "f-aufgabe-0", [child])
    lonely = Option("aufgabe", "x", "X", None, True, 0, "f-aufgabe-3", [other])

    assert options_html([parent, lonely]) == (
        "\n<li>\n"
        '  <input type="checkbox" id="f-aufgabe-0" name="aufgabe" value="buerger">\n'
        '  <label for="f-aufgabe-0">Bürger <span class="facet-count">(1.300<span'
        ' class="visually-hidden"> Treffer</span>)</span></label>\n'
        "  \n"
        '    <details class="facet-children" open>\n'
        '      <summary>1 Unterkategorie<span class="visually-hidden"> von Bürger</span>'
        "</summary>\n"
        '      <ul class="facet-values">\n'
        "        \n<li>\n"
        '  <input type="checkbox" id="f-aufgabe-1" name="aufgabe" value="standesamt" checked>\n'
        '  <label for="f-aufgabe-1">Standesamt <span class="facet-count">(1.234<span'
        ' class="visually-hidden"> Treffer</span>)</span></label>\n'
        "  \n</li>\n"
        "\n      </ul>\n"
        "    </details>\n"
        "  \n</li>\n"
        "\n<li>\n"
        '  <input type="checkbox" id="f-aufgabe-3" name="aufgabe" value="x" checked>\n'
        '  <label for="f-aufgabe-3">X</label>\n'
        "  \n"
        '    <details class="facet-children">\n'
        '      <summary>1 Unterkategorie<span class="visually-hidden"> von X</span>'
        "</summary>\n"
        '      <ul class="facet-values">\n'
        "        \n<li>\n"
        '  <input type="checkbox" id="f-aufgabe-2" name="aufgabe" value="a&amp;b">\n'
        '  <label for="f-aufgabe-2">Ehe &lt;&amp; &quot;Recht&quot;&gt; <span'
        ' class="facet-count">(0<span class="visually-hidden"> Treffer</span>)</span></label>\n'
        "  \n</li>\n"
        "\n      </ul>\n"
        "    </details>\n"
        "  \n</li>\n"
    )


def _every_facet_value():
    from search.engines import embedded_engine

    index = embedded_engine().facet_index()
    return {key: [*values, "gibt-es-nicht"] for key, values in index.facets.items()}


def test_remembered_labels_are_the_labels(profiles, settings, rf, django_assert_num_queries):
    """With the page cache on, the search remembers every label of a facet at once; what it
    answers for any values is what the database answers for just those."""
    from search.facets import FACETS_BY_KEY, labels_remembered

    values = _every_facet_value()

    def labels():
        return {key: FACETS_BY_KEY[key].labels_for(found) for key, found in values.items()}

    computed = labels()
    assert computed["aufgabe"]["standesamt"].parent  # a term below another one
    assert all("gibt-es-nicht" not in found for found in computed.values())

    settings.PAGE_CACHE_SECONDS = 300
    with labels_remembered(rf.get("/suche/")):
        assert labels() == computed  # fills the memo
        with django_assert_num_queries(0):
            assert labels() == computed


def test_labels_are_remembered_until_the_content_changes(client, profiles, settings):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kooperationsatlas import caching

    settings.PAGE_CACHE_SECONDS = 300
    caches[caching.PAGE_ALIAS].clear()
    page = get(client, "/suche/?aufgabe=standesamt")
    assert "Aufgabenbereich: Standesamt" in page.text
    with CaptureQueriesContext(connection) as queries:
        page = get(client, "/suche/?aufgabe=standesamt&land=05")  # another URL: not cached
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("cooperations_taskarea", "register_state", "register_county", "taggit_tag"):
        assert table not in tables
    assert "Bundesland: Nordrhein-Westfalen" in page.text

    term = TaskArea.objects.get(slug="standesamt")
    term.name = "Standesamt und Personenstand"
    term.save()  # a new content generation: the labels are read again
    page = get(client, "/suche/?aufgabe=standesamt&land=05")
    assert "Aufgabenbereich: Standesamt und Personenstand" in page.text
    assert 'Standesamt und Personenstand <span class="facet-count">' in page.html
    caches[caching.PAGE_ALIAS].clear()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"text": "Standesamt"},
        {"text": "Standesamt", "sort": "name"},
        {"text": "Standesamtt"},  # a typo: found through its variants
        {"text": "gemeinsam", "filters": {"land": ("05",)}},
        {"filters": {"aufgabe": ("bauhof", "archiv"), "land": ("05", "09")}},
        {"start_year_min": 2000, "start_year_max": 2020},
        {"text": "Standesamt", "filters": {"aufgabe": ("bauhof",)}},
        {"geo": ("Erwitte", ERWITTE, 10)},
        {"text": "Bauhof", "geo": ("Erwitte", ERWITTE, 150), "start_year_min": 2010},
        {"text": "zzzqqxx"},
    ],
)
def test_counting_only_finds_what_the_search_finds(profiles, query):
    """The empty-result help counts with service.total: the same number as a search."""
    from register.models import Municipality
    from search.contract import GeoFilter, SearchQuery
    from search.engines import embedded_engine
    from search.service import search, total

    query = dict(query)
    if "geo" in query:
        name, ags, radius = query.pop("geo")
        place = Municipality.objects.get(ags=ags)
        query["geo"] = GeoFilter(ags, place.latitude, place.longitude, radius, name)
    query = SearchQuery(**query)
    expected = search(query).total
    assert total(query) == expected == embedded_engine().total(query)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-89, 89),
    lon=st.floats(-180, 180),
    radius=st.floats(0.01, 20_000),
    lat_share=st.floats(-1, 1),
    lon2=st.floats(-180, 180),
)
def test_the_longitude_band_never_drops_a_point_within_the_radius(
    lat, lon, radius, lat_share, lon2
):
    """The radius filter skips points outside a longitude band before measuring: only
    points that are farther than the radius anyway (also across the date line)."""
    import math

    from register.geo import EARTH_RADIUS_KM, distance_km
    from search.engines.facet_index import longitude_band

    margin = math.degrees(radius / EARTH_RADIUS_KM) + 1e-9
    band = longitude_band(lat, margin, radius)
    lat2 = lat + lat_share * margin
    if band is None or not -90 <= lat2 <= 90:
        return
    # the point itself, and points just outside the band on either side
    for other in (lon2, lon + band * 1.000001, lon - band * 1.000001):
        other = (other + 180) % 360 - 180
        if band < abs(other - lon) < 360 - band:
            assert distance_km(lat, lon, lat2, other) > radius


def test_partial_match_notice_on_the_page(client, profiles):
    page = get(client, "/suche/?q=Bauhof+Wolkenkuckucksheim")
    assert hit_titles(page) == ["Bauhof Lippstadt und Geseke"]
    assert "Treffer für „Bauhof“, ohne „Wolkenkuckucksheim“." in notices(page)
    # the count names the words the hits are for, not the whole query
    assert count_heading(page) == "1 Steckbrief für „Bauhof“"
