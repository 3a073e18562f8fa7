"""The figures of the Bestandsaufnahme, each defined once.

``load_dataset(page_ids)`` reads what every figure needs about the given profiles in a
fixed, small number of queries; each ``Figure`` turns that dataset into a ``Table``
(CSV columns and rows). The HTML page, its charts and the CSV downloads all show these
tables, so the page and the downloads cannot disagree. docs/inventory.md states the
definitions in German words; keep both in step.

Counting rules (also in docs/inventory.md):

- Only published, public profiles count (drafts and private pages never).
- A municipality counts as taking part when it is itself a partner of the profile. A Kreis
  partner does not make its municipalities partners: it is counted separately as the Kreis.
- A profile counts in a Regierungsbezirk when at least one partner municipality or partner
  Kreis (including a kreisfreie Stadt entered as a Kreis) lies in it. Register partners
  outside Nordrhein-Westfalen count in "andere Länder"; partners outside the register
  (other organisations) count in no region column.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from cooperations.models import (
    NOT_KNOWN,
    CooperationModel,
    CooperationPage,
    LegalForm,
    Phase,
    TaskArea,
)
from cooperations.models import CooperationPartner as Partner
from register.models import AdministrativeDistrict, County, Municipality

NRW = "05"
OTHER_STATES = "andere-laender"
OTHER_STATES_LABEL = "andere Länder"
TOTAL_LABEL = "Steckbriefe insgesamt"

# Choropleth classes: (css suffix, label, lower bound, upper bound or None)
MAP_CLASSES = [
    ("0", "keine", 0, 0),
    ("1", "1", 1, 1),
    ("2", "2 bis 3", 2, 3),
    ("3", "4 und mehr", 4, None),
]


def map_class(count):
    for suffix, _, lower, upper in MAP_CLASSES:
        if count >= lower and (upper is None or count <= upper):
            return suffix
    return MAP_CLASSES[-1][0]


def share_percent(part, whole):
    """Share in percent with one decimal, or None for an empty whole."""
    return round(100 * part / whole, 1) if whole else None


# --- the data every figure reads ----------------------------------------------------------


@dataclass
class Term:
    id: int
    name: str
    slug: str
    parent_id: int | None
    sort_order: int


@dataclass
class Dataset:
    """What the figures need about a set of published profiles (plain values, no ORM)."""

    # page id -> (start_year, phase, legal_form_id, cooperation_model_id)
    profiles: dict
    # page id -> set of task area ids (as assigned, any level)
    task_areas: dict
    # page id -> list of (municipality_id, county_id, district_key, state_key)
    partners: dict
    task_terms: dict  # id -> Term
    legal_terms: dict  # id -> Term
    models: list  # [Term] in taxonomy order
    districts: list  # [(key, short name)] of the NRW Regierungsbezirke
    _register: dict = field(default_factory=dict)

    @property
    def page_ids(self):
        return set(self.profiles)

    # derived, computed once per dataset

    def top_task_areas(self, page_id):
        """The top-level task areas of a profile (the roots of its assigned terms)."""
        roots = set()
        for term_id in self.task_areas.get(page_id, ()):
            roots.add(root_of(self.task_terms, term_id))
        return roots

    def regions(self, page_id):
        """Column keys a profile counts in: NRW Regierungsbezirk keys and OTHER_STATES."""
        found = set()
        for _, _, district_key, state_key in self.partners.get(page_id, ()):
            if state_key is None:
                continue  # another organisation
            if state_key != NRW:
                found.add(OTHER_STATES)
            elif district_key:
                found.add(district_key)
        return found

    def municipality_counts(self):
        """municipality id -> number of profiles with the municipality as a direct partner."""
        if "municipality_counts" not in self._register:
            counts = Counter()
            for partners in self.partners.values():
                for municipality_id in {p[0] for p in partners if p[0] is not None}:
                    counts[municipality_id] += 1
            self._register["municipality_counts"] = counts
        return self._register["municipality_counts"]

    def county_partner_counts(self):
        """county id -> number of profiles with the Kreis itself as a partner."""
        counts = Counter()
        for partners in self.partners.values():
            for county_id in {p[1] for p in partners if p[1] is not None}:
                counts[county_id] += 1
        return counts

    def nrw_municipalities(self):
        """[(id, ags, name, county_id)] of the NRW municipalities, by AGS (one query)."""
        if "municipalities" not in self._register:
            self._register["municipalities"] = list(
                Municipality.objects.filter(state__key=NRW)
                .order_by("ags")
                .values_list("id", "ags", "name", "county_id")
            )
        return self._register["municipalities"]


def root_of(terms, term_id):
    seen = set()
    term = terms[term_id]
    while term.parent_id is not None and term.parent_id in terms and term.id not in seen:
        seen.add(term.id)
        term = terms[term.parent_id]
    return term.id


def tree_order(terms):
    """Terms of a hierarchical taxonomy, each parent followed by its children."""
    children = defaultdict(list)
    for term in terms.values():  # already in (sort_order, name) order
        parent = term.parent_id if term.parent_id in terms else None
        children[parent].append(term)
    ordered, seen = [], set()

    def walk(parent):
        for term in children.get(parent, ()):
            if term.id not in seen:
                seen.add(term.id)
                ordered.append(term)
                walk(term.id)

    walk(None)
    return ordered


def term_label(terms, term):
    chain, current, seen = [], term, set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current.name)
        current = terms.get(current.parent_id) if current.parent_id else None
    return " › ".join(reversed(chain))


def load_dataset(page_ids):
    """Everything the figures need about the published profiles among ``page_ids``."""
    page_ids = list(page_ids)
    profiles = {
        row[0]: row[1:]
        for row in CooperationPage.objects.live()
        .public()
        .filter(pk__in=page_ids)
        .values_list("pk", "start_year", "phase", "legal_form_id", "cooperation_model_id")
    }
    ids = list(profiles)
    task_areas = defaultdict(set)
    through = CooperationPage.task_areas.through
    for page_id, term_id in through.objects.filter(cooperationpage_id__in=ids).values_list(
        "cooperationpage_id", "taskarea_id"
    ):
        task_areas[page_id].add(term_id)
    partners = defaultdict(list)
    for (
        page_id,
        municipality_id,
        county_id,
        m_district,
        m_state,
        c_district,
        c_state,
    ) in Partner.objects.filter(page_id__in=ids).values_list(
        "page_id",
        "municipality_id",
        "county_id",
        "municipality__district__key",
        "municipality__state__key",
        "county__district__key",
        "county__state__key",
    ):
        partners[page_id].append(
            (municipality_id, county_id, m_district or c_district, m_state or c_state)
        )
    model_terms = [
        Term(pk, name, slug, None, order)
        for pk, name, slug, order in CooperationModel.objects.order_by(
            "sort_order", "name"
        ).values_list("id", "name", "slug", "sort_order")
    ]
    districts = [
        (key, name.removeprefix("Regierungsbezirk "))
        for key, name in AdministrativeDistrict.objects.filter(state__key=NRW)
        .order_by("key")
        .values_list("key", "name")
    ]
    return Dataset(
        profiles=profiles,
        task_areas=dict(task_areas),
        partners=dict(partners),
        task_terms=_hierarchy(TaskArea),
        legal_terms=_hierarchy(LegalForm),
        models=model_terms,
        districts=districts,
    )


def _hierarchy(model):
    return {
        row[0]: Term(*row)
        for row in model.objects.order_by("sort_order", "name").values_list(
            "id", "name", "slug", "parent_id", "sort_order"
        )
    }


# --- figures -------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list  # CSV header and HTML column headings
    rows: list  # lists of cells (str, int, float or None)
    total: list | None = None  # a summary row, shown as the table foot and the last CSV row
    extra: dict = field(default_factory=dict)  # what a chart needs besides the rows

    def csv_rows(self):
        return self.rows + ([self.total] if self.total else [])


@dataclass(frozen=True)
class Figure:
    key: str  # the URL: /bestandsaufnahme/<key>.csv
    title: str
    definition: str  # how it is counted, shown under the figure
    compute: object  # (Dataset) -> Table
    chart: str  # "bars", "matrix", "growth", "counties", "map"


def _count_rows(items, counts, unknown):
    rows = [[label, counts.get(key, 0)] for key, label in items]
    rows.append([NOT_KNOWN, unknown])
    return rows


def task_area_by_district(data):
    columns = ["Aufgabenbereich"] + [name for _, name in data.districts]
    columns += [OTHER_STATES_LABEL, TOTAL_LABEL]
    region_keys = [key for key, _ in data.districts] + [OTHER_STATES]
    cells = defaultdict(Counter)  # root id (or None) -> region key -> count
    totals = Counter()
    for page_id in data.profiles:
        roots = data.top_task_areas(page_id) or {None}
        regions = data.regions(page_id)
        for root in roots:
            totals[root] += 1
            for region in regions:
                cells[root][region] += 1
    roots = [term for term in data.task_terms.values() if term.parent_id is None]
    rows = [
        [term.name] + [cells[term.id][key] for key in region_keys] + [totals[term.id]]
        for term in roots
    ]
    rows.append([NOT_KNOWN] + [cells[None][key] for key in region_keys] + [totals[None]])
    any_region = Counter()
    for page_id in data.profiles:
        for region in data.regions(page_id):
            any_region[region] += 1
    total = [TOTAL_LABEL] + [any_region[key] for key in region_keys] + [len(data.profiles)]
    return Table(columns, rows, total)


def by_legal_form(data):
    counts = Counter(values[2] for values in data.profiles.values() if values[2] is not None)
    unknown = sum(1 for values in data.profiles.values() if values[2] is None)
    items = [(term.id, term_label(data.legal_terms, term)) for term in tree_order(data.legal_terms)]
    return Table(["Rechtsform", "Steckbriefe"], _count_rows(items, counts, unknown))


def by_model(data):
    counts = Counter(values[3] for values in data.profiles.values() if values[3] is not None)
    unknown = sum(1 for values in data.profiles.values() if values[3] is None)
    items = [(term.id, term.name) for term in data.models]
    return Table(["Kooperationsmodell", "Steckbriefe"], _count_rows(items, counts, unknown))


def by_phase(data):
    counts = Counter(values[1] for values in data.profiles.values() if values[1])
    unknown = sum(1 for values in data.profiles.values() if not values[1])
    return Table(["Phase", "Steckbriefe"], _count_rows(Phase.choices, counts, unknown))


def by_start_year(data):
    years = Counter(values[0] for values in data.profiles.values() if values[0] is not None)
    unknown = sum(1 for values in data.profiles.values() if values[0] is None)
    rows = []
    if years:
        cumulative = 0
        for year in range(min(years), max(years) + 1):
            cumulative += years[year]
            rows.append([year, years[year], cumulative])
    rows.append([NOT_KNOWN, unknown, None])
    return Table(["Startjahr", "neu", "kumuliert"], rows)


def by_county(data):
    """Per NRW Kreis and kreisfreie Stadt: municipalities, those taking part, share."""
    counties = list(
        County.objects.filter(state__key=NRW)
        .select_related("district")
        .annotate(municipality_count=Count("municipalities"))
        .order_by("display_name")
    )
    taking_part = Counter()
    municipality_counts = data.municipality_counts()
    for municipality_id, _, _, county_id in data.nrw_municipalities():
        if municipality_counts.get(municipality_id):
            taking_part[county_id] += 1
    county_partners = data.county_partner_counts()
    rows = []
    for county in counties:
        part = taking_part[county.pk]
        rows.append(
            [
                county.key,
                county.display_name,
                county.district.short_name if county.district_id else "",
                county.municipality_count,
                part,
                share_percent(part, county.municipality_count),
                county_partners[county.pk],
            ]
        )
    all_municipalities = sum(row[3] for row in rows)
    all_part = sum(row[4] for row in rows)
    total = [
        NRW,
        "Nordrhein-Westfalen",
        "",
        all_municipalities,
        all_part,
        share_percent(all_part, all_municipalities),
        None,
    ]
    columns = [
        "Kreisschlüssel",
        "Kreis",
        "Regierungsbezirk",
        "Gemeinden",
        "Gemeinden mit mindestens einer Kooperation",
        "Anteil in %",
        "Steckbriefe mit dem Kreis als Partner",
    ]
    return Table(columns, rows, total)


def by_municipality(data):
    """Every NRW municipality with its number of cooperations (the map's data)."""
    counts = data.municipality_counts()
    county_names = dict(County.objects.filter(state__key=NRW).values_list("id", "display_name"))
    labels = {suffix: label for suffix, label, _, _ in MAP_CLASSES}
    rows = []
    for municipality_id, ags, name, county_id in data.nrw_municipalities():
        count = counts.get(municipality_id, 0)
        rows.append([ags, name, county_names.get(county_id, ""), count, labels[map_class(count)]])
    columns = ["AGS", "Gemeinde", "Kreis", "Kooperationen", "Klasse"]
    return Table(columns, rows)


FIGURES = [
    Figure(
        "aufgabenbereich-regierungsbezirk",
        "Kooperationen nach Aufgabenbereich und Regierungsbezirk",
        "Steckbriefe je oberstem Aufgabenbereich und Regierungsbezirk. Ein Steckbrief zählt "
        "in jedem seiner obersten Aufgabenbereiche und in jedem Regierungsbezirk, in dem "
        "mindestens eine Partnergemeinde oder ein Partnerkreis liegt; Zeilen und Spalten "
        "ergeben daher zusammen mehr als die Zahl der Steckbriefe. Partner aus dem Register "
        "außerhalb Nordrhein-Westfalens zählen unter „andere Länder“, Partner ohne "
        "Registereintrag (z. B. Verbände) in keiner Spalte. „Steckbriefe insgesamt“ zählt "
        "jeden Steckbrief einmal.",
        task_area_by_district,
        "matrix",
    ),
    Figure(
        "rechtsform",
        "Kooperationen nach Rechtsform",
        "Steckbriefe je eingetragener Rechtsform (jeder Steckbrief hat höchstens eine); "
        "„nicht bekannt“, wenn die Quellen keine Rechtsform nennen.",
        by_legal_form,
        "bars",
    ),
    Figure(
        "kooperationsmodell",
        "Kooperationen nach Kooperationsmodell",
        "Steckbriefe je Kooperationsmodell; „nicht bekannt“ ohne Angabe.",
        by_model,
        "bars",
    ),
    Figure(
        "phase",
        "Kooperationen nach Phase",
        "Steckbriefe je Phase; „nicht bekannt“ ohne Angabe.",
        by_phase,
        "bars",
    ),
    Figure(
        "startjahr",
        "Wachstum nach Startjahr",
        "Neu gestartete Kooperationen je Startjahr und die Summe bis zu diesem Jahr "
        "(kumuliert), vom frühesten bis zum spätesten bekannten Startjahr. Steckbriefe "
        "ohne Startjahr stehen gesondert unter „nicht bekannt“ und sind in der kumulierten "
        "Summe nicht enthalten.",
        by_start_year,
        "growth",
    ),
    Figure(
        "kreise",
        "Beteiligung der Gemeinden je Kreis",
        "Für jeden Kreis und jede kreisfreie Stadt in Nordrhein-Westfalen: Zahl der "
        "Gemeinden, Zahl der Gemeinden, die selbst Partner in mindestens einem Steckbrief "
        "sind, und ihr Anteil in Prozent. Ist ein Kreis Partner, zählt das nicht für seine "
        "Gemeinden; solche Steckbriefe stehen in der letzten Spalte.",
        by_county,
        "counties",
    ),
    Figure(
        "gemeinden",
        "Karte: Kooperationen je Gemeinde in Nordrhein-Westfalen",
        "Zahl der Steckbriefe, in denen die Gemeinde selbst Partner ist (ein Kreis als "
        "Partner zählt nicht für seine Gemeinden), eingeteilt in die Klassen keine, 1, "
        "2 bis 3 und 4 und mehr.",
        by_municipality,
        "map",
    ),
]

FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}
