"""Synthetic cooperation profiles over the real register, for benchmarks only.

Never use this for demo content or var/db.sqlite3: every profile is labelled in its title
("Synthetischer Steckbrief 00042 (Benchmark)"), its slug ("synthetisch-benchmark-00042")
and its source ("Synthetische Benchmark-Daten").

Three ways to use the same profiles:

* ``generate_specs(register, n, seed=…)`` – plain data, reproducible: profile k depends on
  (seed, k) only, so the first 10,000 of 100,000 are the 10,000 of a smaller run.
* ``create_pages(register, specs)`` – real, live, public ``CooperationPage`` rows below the
  profile index, written with bulk inserts (treebeard paths computed here) instead of one
  ``add_child`` per page; ``index_wagtail_search(page_ids)`` fills Wagtail's own index.
* ``synthetic_documents(register, specs, first_id=…)`` – search documents made by the real
  ``build_document`` from unsaved pages with in-memory relations: no database rows.
"""

import bisect
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

TITLE_TEMPLATE = "Synthetischer Steckbrief {number:05d} (Benchmark)"
SLUG_TEMPLATE = "synthetisch-benchmark-{number:05d}"
SLUG_PREFIX = "synthetisch-benchmark-"
SOURCE_LABEL = "Synthetische Benchmark-Daten – keine reale Kooperation"
DEFAULT_SEED = 20261121
NRW_KEY = "05"

# --- vocabulary ----------------------------------------------------------------------------

# Task area slug (seeded by cooperations/migrations/0002) -> (weight, phrases).
TOPICS = {
    "personal-beihilfe": (
        10,
        [
            "Personalabrechnung",
            "Beihilfe",
            "Beihilfebearbeitung",
            "Entgeltabrechnung",
            "Bezügeabrechnung",
            "Reisekostenabrechnung",
        ],
    ),
    "it-rechenzentrum": (
        8,
        ["IT-Betrieb", "Rechenzentrum", "Serverbetrieb", "IT-Sicherheit", "Fachverfahren"],
    ),
    "vergabe-beschaffung": (
        7,
        [
            "Vergabestelle",
            "zentrale Vergabestelle",
            "Beschaffung",
            "Vergabeverfahren",
            "Ausschreibungen",
        ],
    ),
    "archiv": (3, ["Archiv", "Kommunalarchiv", "Archivgut", "Aktendigitalisierung"]),
    "datenschutz": (4, ["Datenschutz", "Datenschutzbeauftragte", "Informationssicherheit"]),
    "gleichstellung": (2, ["Gleichstellungsstelle", "Gleichstellungsbeauftragte"]),
    "verwaltungsmodernisierung": (
        4,
        ["Verwaltungsmodernisierung", "Onlinezugangsgesetz", "Prozessoptimierung", "E-Akte"],
    ),
    "kasse-finanzwesen": (
        6,
        [
            "Stadtkasse",
            "Zahlungsverkehr",
            "Finanzbuchhaltung",
            "Jahresabschluss",
            "Rechnungseingang",
        ],
    ),
    "steuern-vollstreckung": (
        4,
        ["Vollstreckung", "Vollstreckungsstelle", "Grundsteuer", "Gewerbesteuer"],
    ),
    "rechnungspruefung": (
        5,
        [
            "Rechnungsprüfung",
            "Rechnungsprüfungsamt",
            "örtliche Rechnungsprüfung",
            "Prüfung der Jahresabschlüsse",
        ],
    ),
    "buergerservice-115": (
        4,
        ["Bürgerbüro", "Behördennummer 115", "Telefonzentrale", "Servicecenter"],
    ),
    "standesamt": (
        6,
        [
            "Standesamt",
            "Standesamtsbezirk",
            "Beurkundung",
            "Eheschließungen",
            "Personenstandswesen",
        ],
    ),
    "ordnungsamt": (
        4,
        ["Ordnungsamt", "kommunaler Ordnungsdienst", "Ordnungsbehörde", "Verkehrsüberwachung"],
    ),
    "sozialamt": (3, ["Sozialamt", "Grundsicherung", "Hilfe zur Pflege", "Wohngeld"]),
    "jugendamt": (3, ["Jugendamt", "Jugendhilfe", "Erziehungsberatung", "Amtsvormundschaft"]),
    "kita-kinderbetreuung": (2, ["Kindertagesbetreuung", "Kita-Platzvergabe", "Kindertagespflege"]),
    "schultraegerschaft": (2, ["Schulträgerschaft", "Schulverband", "Schulentwicklungsplanung"]),
    "feuerwehr-leitstelle": (4, ["Feuerwehr", "Leitstelle", "Atemschutzwerkstatt", "Brandschutz"]),
    "katastrophenschutz": (2, ["Katastrophenschutz", "Krisenstab", "Bevölkerungswarnung"]),
    "wirtschaftsfoerderung": (
        4,
        ["Wirtschaftsförderung", "Gründungsberatung", "Standortmarketing"],
    ),
    "gewerbegebiete": (
        3,
        ["interkommunales Gewerbegebiet", "Gewerbeflächen", "Flächenentwicklung"],
    ),
    "tourismus": (3, ["Tourismus", "Tourist-Information", "Radwegenetz", "Naherholung"]),
    "regionalentwicklung-foerdermittel": (
        3,
        ["Regionalentwicklung", "LEADER-Region", "Fördermittelmanagement"],
    ),
    "bauhof": (4, ["Bauhof", "Winterdienst", "Grünflächenpflege", "Fuhrpark"]),
    "breitband": (3, ["Breitbandausbau", "Glasfaser", "Mobilfunkversorgung"]),
    "abfall": (3, ["Abfallwirtschaft", "Abfallentsorgung", "Wertstoffhof"]),
    "abwasser": (4, ["Abwasser", "Abwasserbeseitigung", "Kläranlage", "Kanalnetz"]),
    "wasserversorgung": (3, ["Wasserversorgung", "Trinkwasser", "Wasserwerk"]),
    "klimaschutz": (3, ["Klimaschutz", "Klimaschutzmanagement", "Energieberatung", "Wärmeplanung"]),
    "veterinaer-lebensmittelueberwachung": (
        2,
        ["Veterinäramt", "Lebensmittelüberwachung", "Tierseuchenbekämpfung"],
    ),
    "sport-baeder": (2, ["Hallenbad", "Freibad", "Sportstätten", "Bäderbetrieb"]),
}
# Tasks usually run by a Zweckverband.
ZWECKVERBAND_TOPICS = {
    "abwasser",
    "wasserversorgung",
    "abfall",
    "sport-baeder",
    "schultraegerschaft",
}
SHARED_SERVICE_TOPICS = {
    "personal-beihilfe",
    "kasse-finanzwesen",
    "it-rechenzentrum",
    "steuern-vollstreckung",
}

LEGAL_FORMS = [  # (slug or None, weight, phrase)
    ("zweckverband", 16, "als Zweckverband"),
    (
        "oeffentlich-rechtliche-vereinbarung",
        10,
        "auf Grundlage einer öffentlich-rechtlichen Vereinbarung",
    ),
    (
        "oeffentlich-rechtliche-vereinbarung-delegierend",
        14,
        "per delegierender öffentlich-rechtlicher Vereinbarung",
    ),
    (
        "oeffentlich-rechtliche-vereinbarung-mandatierend",
        12,
        "per mandatierender öffentlich-rechtlicher Vereinbarung",
    ),
    ("arbeitsgemeinschaft", 8, "in einer kommunalen Arbeitsgemeinschaft"),
    ("gemeinsames-kommunalunternehmen", 6, "in einem gemeinsamen Kommunalunternehmen"),
    ("oeffentlich-rechtlicher-vertrag", 10, "auf Grundlage einer Verwaltungsvereinbarung"),
    ("gmbh", 6, "in einer gemeinsamen GmbH"),
    ("eingetragener-verein", 2, "in einem eingetragenen Verein"),
    ("privatrechtliche-form", 1, "in privatrechtlicher Form"),
    ("informell", 4, "ohne förmliche Vereinbarung"),
    (None, 7, ""),
]
MODELS = [  # (slug or None, weight, noun)
    ("dienstleistungszentrum", 30, "Dienstleistungszentrum"),
    ("kompetenzzentrum", 15, "Kompetenzzentrum"),
    ("gemeinsame-einrichtung", 20, "gemeinsame Einrichtung"),
    ("koordinierungsstelle-netzwerk", 15, "Netzwerk"),
    ("gemeinsame-beschaffung", 8, "Einkaufsgemeinschaft"),
    ("sonstiges", 4, "Kooperation"),
    (None, 8, "Kooperation"),
]
MOTIVES = ["effizienz", "kompetenz-kapazitaeten", "innovation"]
PHASES = [  # (value, weight)
    ("regelbetrieb", 55),
    ("umsetzung", 15),
    ("umsetzungsvorbereitung", 8),
    ("konzeption", 8),
    ("initialisierung", 4),
    ("beendet", 10),
]
# Number of municipal partners (2–12 in all, a Kreis or an organisation may join).
PARTNER_COUNTS = [
    (2, 30),
    (3, 18),
    (4, 14),
    (5, 10),
    (6, 7),
    (7, 5),
    (8, 4),
    (9, 3),
    (10, 3),
    (11, 3),
    (12, 3),
]
ORGANISATIONS = [
    "Gemeindeprüfungsanstalt",
    "kommunaler IT-Dienstleister",
    "Sparkassenverband",
    "Studieninstitut für kommunale Verwaltung",
]
TAGS = [
    "Digitalisierung",
    "Onlinezugangsgesetz",
    "Fachkräftemangel",
    "Haushaltskonsolidierung",
    "Demografischer Wandel",
    "E-Akte",
    "Shared Services",
    "Ländlicher Raum",
    "Klimaanpassung",
    "Vertretungsregelung",
    "Prozessoptimierung",
    "Bürgernähe",
    "Wissensmanagement",
    "Qualitätssicherung",
    "Ehrenamt",
    "Mobilität",
    "Open Data",
    "Rechtssicherheit",
    "Gebührenstabilität",
    "Energieeffizienz",
]
FUNDING_PROGRAMMES = [
    "Förderprogramm Interkommunale Zusammenarbeit NRW",
    "LEADER",
    "Modellprojekte Smart Cities",
    "Bundesförderprogramm Breitband",
    "Kommunalrichtlinie (Nationale Klimaschutzinitiative)",
    "Digitalisierungsförderung des Landes",
    "EFRE",
    "GRW – Regionale Wirtschaftsstruktur",
]
OCCASIONS = [
    "Steigende Fallzahlen und der Fachkräftemangel machten es für {names} schwer, "
    "{topic} allein wirtschaftlich und rechtssicher zu betreiben.",
    "Mehrere Stellen in {topic} wurden frei, Vertretungen waren kaum noch zu organisieren; "
    "{names} suchten deshalb eine gemeinsame Lösung.",
    "Die Gemeindeprüfungsanstalt empfahl {names}, {topic} zu bündeln, weil die Fallzahlen "
    "je Kommune zu klein für spezialisierte Sachbearbeitung sind.",
    "Neue rechtliche Anforderungen und die Umstellung auf digitale Fachverfahren in {topic} "
    "überforderten die kleinen Verwaltungen von {names}.",
    "Im Zuge der Haushaltskonsolidierung prüften {names}, welche Aufgaben sich "
    "interkommunal wirtschaftlicher erledigen lassen, zuerst {topic}.",
]
GOALS = [
    "Ziel ist, {topic} gemeinsam zu erledigen, Vertretungen zu sichern und Kosten zu senken.",
    "Die Partner wollen {topic} und {topic2} mit einheitlichen Prozessen und gemeinsamer "
    "Software anbieten.",
    "Ein {model} soll Fachwissen zu {topic} bündeln und die Qualität für Bürgerinnen und "
    "Bürger verbessern.",
    "Ziel ist ein leistungsfähiges {model} für {topic}, das auch weiteren Kommunen offensteht.",
]
IMPLEMENTATIONS = [
    "{lead} übernimmt {topic} für {others} {legal}. Die Beschäftigten wechselten in das "
    "gemeinsame Team; ein Lenkungskreis der Hauptverwaltungsbeamten steuert die Arbeit.",
    "Die Partner gründeten {legal} ein {model} mit Sitz in {lead}. Die Kosten werden nach "
    "Einwohnerzahl und Fallzahlen verteilt; die Vergabestelle beschaffte eine gemeinsame "
    "Fachsoftware.",
    "{topic}: Die Aufgabe nimmt {lead} {legal} wahr; die übrigen Partner liefern die "
    "Unterlagen digital über eine gemeinsame E-Akte. Die Rechnungsprüfung prüft den "
    "Kostenschlüssel jährlich.",
    "Nach einer Machbarkeitsstudie vereinbarten die Räte {legal} die Zusammenarbeit. "
    "Ein Dienstleistungszentrum in {lead} bearbeitet {topic} und {topic2} für alle Partner.",
]
RESULTS = [
    "Die Bearbeitungszeiten sanken deutlich; Vertretungen sind jetzt verlässlich geregelt.",
    "Nach drei Jahren liegen die Kosten je Fall rund {percent} Prozent unter dem Ausgangswert.",
    "Die Partner berichten von stabileren Abläufen in {topic} und weniger Fehlern.",
    "Weitere Kommunen aus {county} haben Interesse an einem Beitritt angemeldet.",
]
SUCCESS_FACTORS = [
    "Frühe Beteiligung der Personalräte und eine klare Kostenverteilung.",
    "Ein gemeinsames Fachverfahren und feste Ansprechpersonen in jeder Kommune.",
    "Rückhalt der Bürgermeisterinnen und Bürgermeister und eine externe Prozessberatung.",
]
PITFALLS = [
    "Die Abstimmung der Satzungen und Gebührenordnungen dauerte länger als geplant.",
    "Unterschiedliche IT-Landschaften erschwerten den Start.",
    "Die Umsatzsteuerpflicht nach § 2b UStG musste vorab geklärt werden.",
]
FACTS = [
    "Rund {cases} Fälle pro Jahr werden gemeinsam bearbeitet.",
    "Das gemeinsame Team umfasst {fte} Vollzeitstellen.",
    "Die Partner versorgen zusammen {population} Einwohnerinnen und Einwohner.",
]


# --- the register snapshot ---------------------------------------------------------------


@dataclass
class Register:
    """Register rows and taxonomy terms the generator draws from, loaded once."""

    municipalities: dict  # id -> Municipality (county, district, state loaded)
    counties: dict  # id -> County (district, state loaded)
    by_county: dict  # county id -> [municipality id]
    neighbours: dict  # municipality id -> [municipality id]
    grid: dict  # (lat cell, lon cell) -> [municipality id]
    leads_nrw: tuple  # (ids, cumulative weights)
    leads_all: tuple
    task_areas: dict  # slug -> TaskArea
    legal_forms: dict
    models: dict
    motives: dict

    @classmethod
    def load(cls):
        from cooperations.models import CooperationModel, LegalForm, Motive, TaskArea
        from register.models import County, Municipality, Neighbourhood

        municipalities = {
            m.pk: m
            for m in Municipality.objects.select_related(
                "county__state", "county__district", "district", "state"
            )
            .defer("boundary")
            .filter(latitude__isnull=False)
        }
        if not municipalities:
            raise RuntimeError("The register is empty: run import_register first.")
        counties = {c.pk: c for c in County.objects.select_related("state", "district")}
        by_county, grid = {}, {}
        for m in municipalities.values():
            by_county.setdefault(m.county_id, []).append(m.pk)
            grid.setdefault(_cell(m.latitude, m.longitude), []).append(m.pk)
        neighbours = {}
        for a, b in Neighbourhood.objects.values_list("municipality_id", "neighbour_id"):
            if a in municipalities and b in municipalities:
                neighbours.setdefault(a, []).append(b)

        def leads(rows):
            ids = sorted(m.pk for m in rows)
            weights, total = [], 0.0
            for pk in ids:  # larger places lead more often, but not proportionally
                total += math.sqrt(municipalities[pk].population or 1)
                weights.append(total)
            return ids, weights

        nrw = [m for m in municipalities.values() if m.state.key == NRW_KEY]

        def terms(model, **related):
            query = model.objects.all()
            if related:
                query = query.select_related("parent__parent")
            return {term.slug: term for term in query}

        return cls(
            municipalities=municipalities,
            counties=counties,
            by_county=by_county,
            neighbours=neighbours,
            grid=grid,
            leads_nrw=leads(nrw or municipalities.values()),
            leads_all=leads(municipalities.values()),
            task_areas=terms(TaskArea, parent=True),
            legal_forms=terms(LegalForm, parent=True),
            models=terms(CooperationModel),
            motives=terms(Motive),
        )

    def nearest(self, municipality, exclude, limit):
        """Up to ``limit`` municipalities nearest to ``municipality`` (grid search)."""
        lat, lon = municipality.latitude, municipality.longitude
        row, col = _cell(lat, lon)
        found = []
        for ring in range(0, 4):
            for r in range(row - ring, row + ring + 1):
                for c in range(col - ring, col + ring + 1):
                    if max(abs(r - row), abs(c - col)) != ring:
                        continue
                    found += [pk for pk in self.grid.get((r, c), ()) if pk not in exclude]
            if len(found) >= limit:
                break
        found.sort(key=lambda pk: _distance2(self.municipalities[pk], lat, lon))
        return found[:limit]


def _cell(lat, lon):
    return (int(lat * 5), int(lon * 3))  # about 22 × 23 km


def _distance2(m, lat, lon):
    return (m.latitude - lat) ** 2 + ((m.longitude - lon) * 0.64) ** 2


# --- specs ---------------------------------------------------------------------------------


@dataclass
class PartnerSpec:
    role: str
    municipality_id: int | None = None
    county_id: int | None = None
    organisation: str = ""


@dataclass
class ProfileSpec:
    number: int
    title: str
    slug: str
    summary: str
    occasion: str
    goal: str
    implementation: str
    results: str
    success_factors: str
    pitfalls: str
    start_year: int | None
    phase: str
    legal_form: str | None  # slugs
    cooperation_model: str | None
    task_areas: list[str]
    motives: list[str]
    partners: list[PartnerSpec]
    tags: list[str]
    funding: list[tuple]  # (programme, amount, year)
    facts: list[str]
    published_at: datetime
    savings_percent: Decimal | None = None
    staff_fte: Decimal | None = None
    population_served: int | None = None
    extra: dict = field(default_factory=dict)


def _weighted(rng, rows, weight_index=1):
    weights = [row[weight_index] for row in rows]
    return rng.choices(rows, weights=weights)[0]


def _pick_lead(rng, register):
    ids, weights = register.leads_nrw if rng.random() < 0.45 else register.leads_all
    position = bisect.bisect_left(weights, rng.random() * weights[-1])
    return register.municipalities[ids[min(position, len(ids) - 1)]]


def _pick_partners(rng, register, lead, count):
    """``count`` municipalities around ``lead``: neighbours, same Kreis, then nearest."""
    chosen = [lead.pk]
    taken = {lead.pk}
    same_county = [pk for pk in register.by_county.get(lead.county_id, []) if pk != lead.pk]
    while len(chosen) < count:
        candidate = None
        draw = rng.random()
        if draw < 0.65:  # a neighbour of any member (NRW has borders)
            member = rng.choice(chosen)
            options = [pk for pk in register.neighbours.get(member, ()) if pk not in taken]
            candidate = rng.choice(options) if options else None
        if candidate is None and draw < 0.9:
            options = [pk for pk in same_county if pk not in taken]
            candidate = rng.choice(options) if options else None
        if candidate is None:
            options = register.nearest(register.municipalities[rng.choice(chosen)], taken, 6)
            candidate = rng.choice(options) if options else None
        if candidate is None:
            break
        chosen.append(candidate)
        taken.add(candidate)
    return [register.municipalities[pk] for pk in chosen]


def _join(names):
    if len(names) > 4:
        return f"{', '.join(names[:3])} und {len(names) - 3} weitere Kommunen"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} und {names[-1]}"


def make_spec(register, number, seed=DEFAULT_SEED):
    """Profile ``number``: depends on (seed, number) only."""
    rng = random.Random(f"{seed}:{number}")
    leaves = [slug for slug in TOPICS if slug in register.task_areas]
    topic_weights = [TOPICS[slug][0] for slug in leaves]
    areas = []
    for _ in range(rng.choices([1, 2, 3], weights=[60, 30, 10])[0]):
        slug = rng.choices(leaves, weights=topic_weights)[0]
        if slug not in areas:
            areas.append(slug)
    main = areas[0]
    phrases = TOPICS[main][1]
    topic = rng.choice(phrases)
    topic2 = rng.choice(TOPICS[areas[-1]][1] if len(areas) > 1 else phrases)
    if topic2 == topic:
        topic2 = phrases[0] if topic != phrases[0] else phrases[-1]
    if rng.random() < 0.05:  # sometimes the parent term is used as well
        parent = register.task_areas[main].parent
        if parent is not None:
            areas.append(parent.slug)

    if main in ZWECKVERBAND_TOPICS and rng.random() < 0.5:
        legal = next(row for row in LEGAL_FORMS if row[0] == "zweckverband")
    else:
        legal = _weighted(rng, LEGAL_FORMS)
    if main == "vergabe-beschaffung" and rng.random() < 0.4:
        model = next(row for row in MODELS if row[0] == "gemeinsame-beschaffung")
    elif main in SHARED_SERVICE_TOPICS and rng.random() < 0.5:
        model = MODELS[0]
    else:
        model = _weighted(rng, MODELS)
    legal_slug = legal[0] if legal[0] in register.legal_forms else None
    model_slug = model[0] if model[0] in register.models else None

    phase = _weighted(rng, PHASES)[0]
    if phase in ("initialisierung", "konzeption"):
        start_year = rng.choice([None, 2024, 2025])
    elif rng.random() < 0.08:
        start_year = None
    else:
        start_year = min(2025, int(rng.triangular(1975, 2026, 2019)))

    count = _weighted(rng, PARTNER_COUNTS)[0]
    lead = _pick_lead(rng, register)
    members = _pick_partners(rng, register, lead, count)
    delegating = legal_slug in (
        "oeffentlich-rechtliche-vereinbarung-delegierend",
        "oeffentlich-rechtliche-vereinbarung-mandatierend",
    )
    partners = [
        PartnerSpec(
            role=("provider" if delegating else "lead")
            if index == 0
            else ("delegating" if delegating else "member"),
            municipality_id=m.pk,
        )
        for index, m in enumerate(members)
    ]
    county = register.counties[lead.county_id]
    if not county.is_kreisfreie_stadt and rng.random() < 0.15 and len(partners) < 12:
        partners.append(PartnerSpec(role="member", county_id=county.pk))
    if rng.random() < 0.05 and len(partners) < 12:
        partners.append(PartnerSpec(role="other", organisation=rng.choice(ORGANISATIONS)))

    names = [m.name for m in members]
    others = _join(names[1:]) if len(names) > 1 else "die Partner"
    legal_phrase = legal[2] or "gemeinsam"
    population = sum(m.population for m in members)
    values = {
        "names": _join(names),
        "topic": topic,
        "topic2": topic2,
        "lead": lead.name,
        "others": others,
        "legal": legal_phrase,
        "model": model[2],
        "county": county.display_name,
        "percent": rng.randint(8, 30),
        "cases": rng.randrange(200, 20000, 50),
        "fte": rng.randint(2, 40),
        "population": f"{population:,}".replace(",", "."),
    }
    summary = (
        f"{model[2]} für {topic}: {_join(names)} ({county.display_name}) arbeiten "
        f"{legal_phrase} zusammen. Synthetischer Benchmark-Datensatz, keine reale Kooperation."
    )
    motives = [slug for slug in MOTIVES if rng.random() < 0.45 and slug in register.motives]
    tags = rng.sample(TAGS, rng.choice([1, 1, 2, 3])) if rng.random() < 0.55 else []
    funding = []
    if rng.random() < 0.2:
        for programme in rng.sample(FUNDING_PROGRAMMES, rng.choice([1, 1, 1, 2])):
            funding.append(
                (
                    programme,
                    Decimal(rng.randrange(10_000, 2_000_000, 1000)) if rng.random() < 0.7 else None,
                    (start_year or 2024) + rng.randint(-1, 1) if rng.random() < 0.8 else None,
                )
            )
    facts = [text.format(**values) for text in rng.sample(FACTS, rng.choice([0, 1, 1, 2]))]
    published = datetime(2024, 1, 1, 9, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(0, 60 * 24 * 1000)
    )

    def paragraph(templates):
        return f"<p>{rng.choice(templates).format(**values)}</p>"

    return ProfileSpec(
        number=number,
        title=TITLE_TEMPLATE.format(number=number),
        slug=SLUG_TEMPLATE.format(number=number),
        summary=summary,
        occasion=paragraph(OCCASIONS),
        goal=paragraph(GOALS),
        implementation=paragraph(IMPLEMENTATIONS),
        results=paragraph(RESULTS) if phase in ("regelbetrieb", "beendet", "umsetzung") else "",
        success_factors=paragraph(SUCCESS_FACTORS) if rng.random() < 0.5 else "",
        pitfalls=paragraph(PITFALLS) if rng.random() < 0.4 else "",
        start_year=start_year,
        phase=phase,
        legal_form=legal_slug,
        cooperation_model=model_slug,
        task_areas=areas,
        motives=motives,
        partners=partners,
        tags=tags,
        funding=funding,
        facts=facts,
        published_at=published,
        savings_percent=Decimal(values["percent"]) if rng.random() < 0.2 else None,
        staff_fte=Decimal(values["fte"]) if rng.random() < 0.3 else None,
        population_served=population if rng.random() < 0.5 else None,
    )


def generate_specs(register, n, *, seed=DEFAULT_SEED, first=1):
    """Specs for profiles ``first`` … ``first + n - 1``."""
    for number in range(first, first + n):
        yield make_spec(register, number, seed)


# --- pages in the database ---------------------------------------------------------------


def ensure_tags(names=TAGS):
    """Tag rows for the vocabulary, name -> Tag."""
    from django.utils.text import slugify
    from taggit.models import Tag

    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=list(names))}
    for name in names:
        if name not in tags:
            tags[name], _ = Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
    return tags


def _page_fields(spec, index, path, locale_id, content_type_id):
    return {
        "title": spec.title,
        "draft_title": spec.title,
        "slug": spec.slug,
        "path": path,
        "depth": index.depth + 1,
        "numchild": 0,
        "url_path": f"{index.url_path}{spec.slug}/",
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": spec.published_at,
        "last_published_at": spec.published_at,
        "content_type_id": content_type_id,
        "locale_id": locale_id,
        "translation_key": uuid.UUID(int=random.Random(spec.slug).getrandbits(128)),
    }


def _local_fields(spec, register):
    legal = register.legal_forms.get(spec.legal_form) if spec.legal_form else None
    model = register.models.get(spec.cooperation_model) if spec.cooperation_model else None
    return {
        "summary": spec.summary,
        "start_year": spec.start_year,
        "phase": spec.phase,
        "legal_form": legal,
        "cooperation_model": model,
        "occasion": spec.occasion,
        "goal": spec.goal,
        "implementation": spec.implementation,
        "results": spec.results,
        "success_factors": spec.success_factors,
        "pitfalls": spec.pitfalls,
        "savings_percent": spec.savings_percent,
        "staff_fte": spec.staff_fte,
        "population_served": spec.population_served,
        "last_reviewed": date(2026, 1, 1),
    }


def create_pages(register, specs, *, index=None, batch_size=1000, progress=None):
    """Write ``specs`` as live, public CooperationPages below the profile index.

    Bulk inserts: Page rows, then the CooperationPage rows (raw insert of the child table;
    Django's bulk_create refuses multi-table models), then partners, taxonomies, tags,
    funding, facts and a source. No revisions, no reference index, no search index (see
    ``index_wagtail_search``). Returns the new page ids in spec order.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F
    from wagtail.models import Locale, Page

    from cooperations.models import (
        CooperationFact,
        CooperationFunding,
        CooperationPage,
        CooperationPartner,
        CooperationSource,
        CooperationTag,
    )
    from kooperationsatlas.setup import ensure_site_tree

    if index is None:
        _home, index = ensure_site_tree()
    index = Page.objects.get(pk=index.pk)
    content_type_id = ContentType.objects.get_for_model(CooperationPage).pk
    locale_id = index.locale_id or Locale.get_default().pk
    tags = ensure_tags()
    task_through = CooperationPage.task_areas.through
    motive_through = CooperationPage.motives.through
    child_fields = [f for f in CooperationPage._meta.local_concrete_fields]
    table = connection.ops.quote_name(CooperationPage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in child_fields)
    insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(child_fields))})"

    last = index.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    page_ids = []
    batch = []

    def flush():
        nonlocal step
        with transaction.atomic():
            pages = []
            for spec in batch:
                step += 1
                path = Page._get_path(index.path, index.depth + 1, step)
                pages.append(Page(**_page_fields(spec, index, path, locale_id, content_type_id)))
            Page.objects.bulk_create(pages, batch_size=500)
            rows, partners, areas, motives, tagged, funding, facts, sources = ([] for _ in range(8))
            for spec, page in zip(batch, pages, strict=True):
                child = CooperationPage(page_ptr_id=page.pk, **_local_fields(spec, register))
                rows.append(
                    [
                        f.get_db_prep_save(getattr(child, f.attname), connection)
                        for f in child_fields
                    ]
                )
                for order, partner in enumerate(spec.partners):
                    partners.append(
                        CooperationPartner(
                            page_id=page.pk,
                            sort_order=order,
                            role=partner.role,
                            municipality_id=partner.municipality_id,
                            county_id=partner.county_id,
                            organisation=partner.organisation,
                        )
                    )
                areas += [
                    task_through(cooperationpage_id=page.pk, taskarea=register.task_areas[slug])
                    for slug in spec.task_areas
                ]
                motives += [
                    motive_through(cooperationpage_id=page.pk, motive=register.motives[slug])
                    for slug in spec.motives
                ]
                tagged += [
                    CooperationTag(content_object_id=page.pk, tag=tags[name]) for name in spec.tags
                ]
                funding += [
                    CooperationFunding(
                        page_id=page.pk, sort_order=order, programme=p, amount_eur=a, year=y
                    )
                    for order, (p, a, y) in enumerate(spec.funding)
                ]
                facts += [
                    CooperationFact(page_id=page.pk, sort_order=order, text=text)
                    for order, text in enumerate(spec.facts)
                ]
                sources.append(
                    CooperationSource(
                        page_id=page.pk, sort_order=0, document_reference=SOURCE_LABEL
                    )
                )
                page_ids.append(page.pk)
            with connection.cursor() as cursor:
                cursor.executemany(insert_sql, rows)
            for model, objects in (
                (CooperationPartner, partners),
                (task_through, areas),
                (motive_through, motives),
                (CooperationTag, tagged),
                (CooperationFunding, funding),
                (CooperationFact, facts),
                (CooperationSource, sources),
            ):
                model.objects.bulk_create(objects, batch_size=500)
            Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + len(batch))
        if progress:
            progress(len(page_ids))
        batch.clear()

    for spec in specs:
        batch.append(spec)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return page_ids


def index_wagtail_search(page_ids, *, batch_size=1000):
    """Add the pages to Wagtail's own search index (the configured backend), in batches."""
    from wagtail.search.backends import get_search_backend

    from cooperations.models import CooperationPage

    backend = get_search_backend()
    search_index = backend.get_index_for_model(CooperationPage)
    for start in range(0, len(page_ids), batch_size):
        chunk = page_ids[start : start + batch_size]
        pages = list(CooperationPage.objects.filter(pk__in=chunk).order_by("pk"))
        search_index.add_items(CooperationPage, pages)


def delete_pages():
    """Remove every synthetic page (e.g. from a test database)."""
    from wagtail.models import Page

    from cooperations.models import CooperationPage

    for page in CooperationPage.objects.filter(slug__startswith=SLUG_PREFIX):
        page.delete()
    return Page.objects.filter(slug__startswith=SLUG_PREFIX).count()


# --- documents without pages -------------------------------------------------------------


def unsaved_page(register, spec, *, page_id, index, tags):
    """A CooperationPage that is not in the database, its relations held in memory."""
    from cooperations.models import (
        CooperationFact,
        CooperationFunding,
        CooperationPage,
        CooperationPartner,
        CooperationTag,
    )

    page = CooperationPage(
        id=page_id,
        page_ptr_id=page_id,
        title=spec.title,
        slug=spec.slug,
        url_path=f"{index.url_path}{spec.slug}/",
        live=True,
        first_published_at=spec.published_at,
        last_published_at=spec.published_at,
        **_local_fields(spec, register),
    )
    page.partners = [
        CooperationPartner(
            sort_order=order,
            role=partner.role,
            municipality=register.municipalities.get(partner.municipality_id),
            county=register.counties.get(partner.county_id),
            organisation=partner.organisation,
        )
        for order, partner in enumerate(spec.partners)
    ]
    page.task_areas = [register.task_areas[slug] for slug in spec.task_areas]
    page.motives = [register.motives[slug] for slug in spec.motives]
    page.funding = [
        CooperationFunding(sort_order=order, programme=p, amount_eur=a, year=y)
        for order, (p, a, y) in enumerate(spec.funding)
    ]
    page.facts = [
        CooperationFact(sort_order=order, text=text) for order, text in enumerate(spec.facts)
    ]
    # Held in memory even when empty, so page.tags never asks the database.
    page.tagged_items = [CooperationTag(tag=tags[name]) for name in spec.tags]
    return page


def synthetic_documents(register, specs, *, first_id, index=None):
    """``build_document`` for each spec, from unsaved pages: page ids first_id, first_id+1, …"""
    from wagtail.models import Page

    from kooperationsatlas.setup import ensure_site_tree
    from search.documents import build_document

    if index is None:
        _home, index = ensure_site_tree()
    index = Page.objects.get(pk=index.pk)
    tags = ensure_tags()
    for offset, spec in enumerate(specs):
        yield build_document(
            unsaved_page(register, spec, page_id=first_id + offset, index=index, tags=tags)
        )
