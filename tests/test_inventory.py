"""The Bestandsaufnahme (/bestandsaufnahme/): every figure equals counts computed here
independently with plain Python over the created profiles; filters like the search; CSV
equal to the page; 400 and 404; the choropleth map; a bounded number of queries."""

import csv
import io
import re
from collections import Counter, defaultdict
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperations.models import CooperationModel, CooperationPage, LegalForm, Phase, TaskArea
from register.models import County, Municipality
from tests.test_pages import Page, assert_accessible_structure, assert_no_third_party_requests

pytestmark = pytest.mark.django_db

ERWITTE, ANROECHTE, LIPPSTADT, GESEKE = "05974016", "05974004", "05974028", "05974020"
KOELN, HUERTH, MUENCHEN = "05315000", "05362028", "09162000"
KREIS_SOEST = "05974"
NRW_DISTRICTS = ["051", "053", "055", "057", "059"]
FIGURE_KEYS = [
    "aufgabenbereich-regierungsbezirk",
    "rechtsform",
    "kooperationsmodell",
    "phase",
    "startjahr",
    "kreise",
    "gemeinden",
]

# The test data: (title, partners, task area slugs, legal form slug, model slug, phase,
# start year, published).
SPECS = [
    (
        "Standesamt und Personal Hellweg",
        [(ERWITTE, "lead"), (ANROECHTE, "member")],
        ["standesamt", "personal-beihilfe"],
        "zweckverband",
        "dienstleistungszentrum",
        "regelbetrieb",
        2015,
        True,
    ),
    (
        "Bauhof Köln, Hürth und Kreis Soest",
        [(KOELN, "lead"), (HUERTH, "member"), (KREIS_SOEST, "member")],
        ["bauhof"],
        "oeffentlich-rechtliche-vereinbarung-delegierend",
        "kompetenzzentrum",
        "umsetzung",
        2015,
        True,
    ),
    (
        "Archivverbund Erwitte, Lippstadt und München",
        [
            (ERWITTE, "lead"),
            (LIPPSTADT, "member"),
            (MUENCHEN, "member"),
            ("Bezirk Oberbayern", "other"),
        ],
        ["archiv"],
        None,
        None,
        "",
        2018,
        True,
    ),
    (
        "Gesellschaft Lippstadt und Geseke",
        [(LIPPSTADT, "lead"), (GESEKE, "member")],
        [],
        "gmbh",
        "dienstleistungszentrum",
        "umsetzung",
        None,
        True,
    ),
    (
        "Klimaschutz Erwitte und Geseke",
        [(ERWITTE, "lead"), (GESEKE, "member")],
        ["klimaschutz", "abfall"],
        "oeffentlich-rechtliche-vereinbarung",
        None,
        "konzeption",
        2020,
        True,
    ),
    (
        "Kasse Erwitte",
        [(ERWITTE, "lead"), ("Gemeindeprüfungsanstalt", "other")],
        ["kasse-finanzwesen"],
        None,
        "sonstiges",
        "",
        2012,
        True,
    ),
    (
        "Entwurf Erwitte",
        [(ERWITTE, "lead"), (KOELN, "member")],
        ["standesamt"],
        "zweckverband",
        "dienstleistungszentrum",
        "regelbetrieb",
        2000,
        False,
    ),
]


@pytest.fixture
def search_index(db):
    from search.indexing import sync_profiles

    def index():
        sync_profiles(list(CooperationPage.objects.values_list("pk", flat=True)))

    return index


def create(make_profile, spec):
    title, partners, areas, legal, model, phase, year, published = spec
    return make_profile(
        title,
        partners=partners,
        publish=published,
        task_areas=list(TaskArea.objects.filter(slug__in=areas)),
        legal_form=LegalForm.objects.get(slug=legal) if legal else None,
        cooperation_model=CooperationModel.objects.get(slug=model) if model else None,
        phase=phase,
        start_year=year,
    )


@pytest.fixture
def profiles(make_profile, search_index):
    created = [create(make_profile, spec) for spec in SPECS]
    search_index()
    return created


# --- the expected figures, computed independently ------------------------------------------


def region_of(key):
    """(state key, district key) of a register partner, None for an organisation."""
    if len(key) == 8:
        body = Municipality.objects.select_related("state", "district").get(ags=key)
    elif len(key) == 5:
        body = County.objects.select_related("state", "district").get(key=key)
    else:
        return None
    return body.state.key, body.district.key if body.district_id else None


def root_name(slug):
    term = TaskArea.objects.get(slug=slug)
    while term.parent_id:
        term = term.parent
    return term.name


def expected(specs):
    """{figure key: (columns-independent) rows} for the published specs."""
    published = [spec for spec in specs if spec[7]]
    result = {}

    # (a) task area x Regierungsbezirk
    roots = [term.name for term in TaskArea.objects.filter(parent=None)]
    matrix = {name: Counter() for name in roots + ["nicht bekannt"]}
    totals = Counter()
    any_region = Counter()
    for _, partners, areas, *_ in published:
        regions = set()
        for key, _ in partners:
            found = region_of(key)
            if found is None:
                continue
            state, district = found
            regions.add(district if state == "05" else "andere")
        names = {root_name(slug) for slug in areas} or {"nicht bekannt"}
        for name in names:
            totals[name] += 1
            for region in regions:
                matrix[name][region] += 1
        for region in regions:
            any_region[region] += 1
    columns = NRW_DISTRICTS + ["andere"]
    result["aufgabenbereich-regierungsbezirk"] = [
        [name] + [matrix[name][c] for c in columns] + [totals[name]] for name in matrix
    ] + [["Steckbriefe insgesamt"] + [any_region[c] for c in columns] + [len(published)]]

    # (b) legal form, (c) model, (d) phase: every term, then "nicht bekannt"
    legal = Counter(str(LegalForm.objects.get(slug=s[3])) if s[3] else None for s in published)
    result["rechtsform"] = {str(term): legal[str(term)] for term in LegalForm.objects.all()}
    result["rechtsform"]["nicht bekannt"] = legal[None]
    model = Counter(s[4] for s in published)
    result["kooperationsmodell"] = {
        term.name: model[term.slug] for term in CooperationModel.objects.all()
    }
    result["kooperationsmodell"]["nicht bekannt"] = model[None]
    phase = Counter(s[5] for s in published)
    result["phase"] = {label: phase[value] for value, label in Phase.choices}
    result["phase"]["nicht bekannt"] = phase[""]

    # (e) growth
    years = Counter(s[6] for s in published if s[6] is not None)
    rows, running = [], 0
    for year in range(min(years), max(years) + 1):
        running += years[year]
        rows.append([str(year), str(years[year]), str(running)])
    rows.append(["nicht bekannt", str(sum(1 for s in published if s[6] is None)), ""])
    result["startjahr"] = rows

    # (f)/(g) municipalities as direct partners; Kreis partners separately
    per_municipality = Counter()
    per_county_partner = Counter()
    for _, partners, *_ in published:
        for key in {key for key, _ in partners if len(key) == 8}:
            per_municipality[key] += 1
        for key in {key for key, _ in partners if len(key) == 5}:
            per_county_partner[key] += 1
    result["gemeinden"] = per_municipality
    counties = {}
    for county in County.objects.filter(state__key="05"):
        agss = list(Municipality.objects.filter(county=county).values_list("ags", flat=True))
        part = sum(1 for ags in agss if per_municipality[ags])
        counties[county.key] = (len(agss), part, per_county_partner[county.key])
    result["kreise"] = counties
    return result


# --- helpers ------------------------------------------------------------------------------


def get_csv(client, key, query="", status=200):
    response = client.get(f"/bestandsaufnahme/{key}.csv{query}")
    assert response.status_code == status, (key, query, response.status_code)
    if status != 200:
        return response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="bestandsaufnahme-{key}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def all_csv(client, query=""):
    return {key: get_csv(client, key, query) for key in FIGURE_KEYS}


def assert_figures(tables, want):
    header, *rows = tables["aufgabenbereich-regierungsbezirk"]
    assert header == [
        "Aufgabenbereich",
        "Düsseldorf",
        "Köln",
        "Münster",
        "Detmold",
        "Arnsberg",
        "andere Länder",
        "Steckbriefe insgesamt",
    ]
    assert [[row[0]] + [int(v) for v in row[1:]] for row in rows] == want[
        "aufgabenbereich-regierungsbezirk"
    ]
    for key in ("rechtsform", "kooperationsmodell", "phase"):
        header, *rows = tables[key]
        assert header[1] == "Steckbriefe"
        assert {row[0]: int(row[1]) for row in rows} == want[key], key
        assert [row[0] for row in rows][-1] == "nicht bekannt"
    header, *rows = tables["startjahr"]
    assert header == ["Startjahr", "neu", "kumuliert"]
    assert rows == want["startjahr"]
    header, *rows = tables["kreise"]
    body = {row[0]: (int(row[3]), int(row[4]), int(row[6])) for row in rows[:-1]}
    assert body == want["kreise"]
    for row in rows[:-1]:
        whole, part = int(row[3]), int(row[4])
        assert float(row[5]) == round(100 * part / whole, 1)
    total = rows[-1]
    assert total[:2] == ["05", "Nordrhein-Westfalen"]
    assert int(total[3]) == Municipality.objects.filter(state__key="05").count() == 396
    assert int(total[4]) == sum(
        1 for ags, count in want["gemeinden"].items() if count and ags.startswith("05")
    )
    header, *rows = tables["gemeinden"]
    assert header == ["AGS", "Gemeinde", "Kreis", "Kooperationen", "Klasse"]
    assert len(rows) == 396
    counts = {row[0]: int(row[3]) for row in rows}
    nrw_expected = {ags: n for ags, n in want["gemeinden"].items() if ags.startswith("05")}
    assert {ags: n for ags, n in counts.items() if n} == nrw_expected


class Tables(HTMLParser):
    """Cell texts of every <table> in each <section id="…"> of the page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.sections = defaultdict(list)
        self._section = None
        self._depth = 0
        self._row = None
        self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "inventory-figure":
            self._section = attrs["id"]
        elif tag == "table" and self._section:
            self.sections[self._section].append([])
        elif tag == "tr" and self._section:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.sections[self._section][-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def comparable(text, german=False):
    """A cell as a number where it is one (the page writes 1.234,5, the CSV 1234.5)."""
    if german and re.fullmatch(r"[\d.,]+", text):
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return text


# --- tests --------------------------------------------------------------------------------


def test_every_figure_equals_independent_counts(client, profiles):
    assert_figures(all_csv(client), expected(SPECS))


def test_draft_does_not_count(client, profiles):
    tables = all_csv(client)
    # The draft is the only profile starting in 2000 and the only other one with Köln.
    assert all(row[0] != "2000" for row in tables["startjahr"])
    koeln = next(row for row in tables["gemeinden"] if row[0] == KOELN)
    assert koeln[3] == "1"
    page = client.get("/bestandsaufnahme/").content.decode()
    assert "6</strong> veröffentlichte Steckbriefe" in page


def test_kreis_partner_does_not_count_for_its_municipalities(client, profiles):
    rows = {row[0]: row for row in get_csv(client, "kreise")[1:]}
    soest = rows[KREIS_SOEST]
    # Erwitte, Anröchte, Lippstadt, Geseke take part themselves; the Kreis is a partner once.
    assert soest[1] == "Kreis Soest" and soest[2] == "Arnsberg"
    assert soest[4] == "4" and soest[6] == "1"
    municipalities = int(soest[3])
    assert soest[5] == str(round(400 / municipalities, 1))


def test_filters_narrow_every_figure(client, profiles):
    # Like the search: a filter on Regierungsbezirk Köln finds only the Bauhof profile ...
    query = "?regierungsbezirk=053"
    assert_figures(all_csv(client, query), expected([SPECS[1]]))
    # ... a task area parent finds its children, and filters combine with a year range.
    query = "?aufgabe=umwelt-ver-entsorgung&aufgabe=innere-verwaltung&startjahr_von=2016"
    want = expected([spec for spec in SPECS if spec[0].startswith(("Archiv", "Klima"))])
    assert_figures(all_csv(client, query), want)
    # ... and a free text, too.
    assert_figures(all_csv(client, "?q=Archivverbund"), expected([SPECS[2]]))


def test_csv_equals_the_html_figures(client, profiles):
    for query in ("", "?regierungsbezirk=059"):
        response = client.get("/bestandsaufnahme/" + query)
        assert response.status_code == 200
        html = response.content.decode()
        tables = Tables(html).sections
        for key in FIGURE_KEYS:
            assert f'href="/bestandsaufnahme/{key}.csv{query.replace("&", "&amp;")}"' in html
            rows = get_csv(client, key, query)
            shown = tables[key][0]
            if key == "gemeinden":  # the page lists the municipalities taking part
                taking_part = {(row[1], row[3]) for row in rows[1:] if row[3] != "0"}
                assert {(row[0], row[2]) for row in shown[1:]} == taking_part
                continue
            assert [[comparable(cell, german=True) for cell in row] for row in shown] == [
                [comparable(cell) for cell in row] for row in rows
            ], key


def test_page_shows_active_filters_and_a_get_form(client, profiles):
    response = client.get("/bestandsaufnahme/?regierungsbezirk=053&startjahr_von=2010")
    page = Page(response.content.decode())
    assert_accessible_structure(page)
    assert_no_third_party_requests(page)
    assert "Regierungsbezirk: Köln" in page.text and "Startjahr ab 2010" in page.text
    form = page.find("form", action="/bestandsaufnahme/")[0]
    assert form["method"] == "get"
    assert page.find("input", type="checkbox", name="regierungsbezirk", value="053")
    checked = [a for a in page.find("input", name="regierungsbezirk") if "checked" in a]
    assert [a["value"] for a in checked] == ["053"]
    # Removing a filter keeps the other one.
    remove = [href for href, text in page.links if "Regierungsbezirk: Köln" in text]
    assert remove == ["/bestandsaufnahme/?startjahr_von=2010#filter-heading"]
    assert "1</strong> veröffentlichter Steckbrief" in response.content.decode()


def test_charts_are_accessible_svg_without_inline_styles(client, profiles):
    html = client.get("/bestandsaufnahme/").content.decode()
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    figures = re.findall(r'<figure class="chart[^"]*">(.*?)</figure>', html, re.S)
    assert len(figures) == len(FIGURE_KEYS)
    for figure in figures:
        assert "<figcaption>" in figure
    page = Page(html)
    ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
    svgs = [
        attrs for tag, attrs in page.tags if tag == "svg" and attrs.get("role") in ("img", "group")
    ]
    # 3 bar charts, 2 growth charts, the Kreis chart (images), the map (a group: it has links)
    assert len(svgs) == 7
    for attrs in svgs:
        refs = attrs["aria-labelledby"].split()
        assert refs and all(ref in ids for ref in refs)
    # Values are written next to the bars (colour never carries them alone).
    bars = re.search(r'aria-labelledby="chart-rechtsform-title".*?</svg>', html, re.S)[0]
    assert "<text" in bars and ">2</text>" in bars  # two profiles with an unknown legal form
    # Every chart's numbers are also an HTML table.
    assert len(page.find("details", **{"class": "chart-data"})) == 6


def test_map_has_one_path_per_boundary_and_classes_by_count(client, profiles):
    html = client.get("/bestandsaufnahme/").content.decode()
    svg = re.search(r'<svg[^>]*class="choropleth"[^>]*>.*?</svg>', html, re.S)[0]
    root = re.match(r"<svg[^>]*>", svg)[0]
    assert 'role="group"' in root and 'aria-labelledby="' in root
    boundaries = Municipality.objects.filter(boundary__isnull=False).count()
    assert boundaries == 396
    assert svg.count("<path") == boundaries

    def area(ags):
        match = re.search(
            rf'<a href="/gemeinden/{ags}/"[^>]*><path class="([^"]+)"[^>]*>'
            r"<title>([^<]*)</title>",
            svg,
        )
        assert match, ags
        return match[1], unescape(match[2])

    # Erwitte: 4 published profiles (the draft does not count); Lippstadt 2; Geseke 2;
    # Anröchte 1; a municipality of Kreis Soest without own partnership: 0.
    assert area(ERWITTE) == ("choropleth-c3", "Erwitte: 4 Kooperationen")
    assert area(LIPPSTADT) == ("choropleth-c2", "Lippstadt: 2 Kooperationen")
    assert area(ANROECHTE) == ("choropleth-c1", "Anröchte: 1 Kooperation")
    soest_town = "05974040"  # Soest: only the Kreis is a partner
    assert area(soest_town)[0] == "choropleth-c0"
    # The legend names every class.
    legend = re.search(r'<ul class="choropleth-legend">(.*?)</ul>', html, re.S)[1]
    for label in ("keine", "1", "2 bis 3", "4 und mehr"):
        assert f"</svg> {label}</li>" in legend


def test_bad_filters_are_400_with_the_reason(client, profiles):
    response = client.get("/bestandsaufnahme/?startjahr_von=abc")
    assert response.status_code == 400
    assert "„Startjahr von“ muss eine ganze Zahl sein" in unescape(response.content.decode())
    assert_accessible_structure(Page(response.content.decode()))
    response = get_csv(client, "phase", "?startjahr_von=2020&startjahr_bis=2010", status=400)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "„Startjahr bis“ darf nicht vor „Startjahr von“ liegen." in response.content.decode()
    get_csv(client, "kreise", "?ort=Gibtsnichtdorf", status=400)


def test_unknown_figure_is_404(client, profiles):
    assert client.get("/bestandsaufnahme/unbekannt.csv").status_code == 404
    assert client.get("/bestandsaufnahme/unbekannt.csv?startjahr_von=abc").status_code == 404


def test_query_count_does_not_grow_with_the_profiles(client, make_profile, search_index):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/bestandsaufnahme/").status_code == 200
        return len(queries)

    for spec in SPECS[:3]:
        create(make_profile, spec)
    search_index()
    client.get("/bestandsaufnahme/")  # warm the boundary cache and the facet index
    few = count()
    for spec in SPECS[3:]:
        create(make_profile, spec)
    for number in range(5):
        make_profile(
            f"Weitere Kooperation {number}", partners=[(GESEKE, "lead"), (KOELN, "member")]
        )
    search_index()
    client.get("/bestandsaufnahme/")
    assert count() == few <= 35


def test_page_renders_with_the_demo_content(client, site_tree, search_index):
    from cooperations.demo import load_demo_content

    load_demo_content()
    search_index()
    response = client.get("/bestandsaufnahme/")
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    assert_accessible_structure(page)
    live = CooperationPage.objects.live()
    assert f"{live.count()}</strong> veröffentlichte Steckbriefe" in html
    phases = {row[0]: int(row[1]) for row in get_csv(client, "phase")[1:]}
    assert phases["nicht bekannt"] == live.filter(phase="").count()
    years = get_csv(client, "startjahr")[1:]
    assert int(years[-1][1]) == live.filter(start_year=None).count()
    assert int(years[-2][2]) == live.exclude(start_year=None).count()
    soest = next(row for row in get_csv(client, "kreise")[1:] if row[0] == KREIS_SOEST)
    direct = set(
        live.filter(partners__municipality__county__key=KREIS_SOEST).values_list(
            "partners__municipality__ags", flat=True
        )
    )
    assert int(soest[4]) == len(direct)
