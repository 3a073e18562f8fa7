"""Demo content: one published profile per record of cooperations_real.json.

Everything written to a profile comes from the record itself, from the reviewed
dictionaries below, each of which quotes the fact it rests on, or from the record's
reviewed enrichment file (``cooperations/enrichment.py``, docs/profiles.md). Fields the
sources do not fill stay empty, so the site says they are not known.

Editors' changes are never overwritten: a profile is (re)written only while no person has
saved a revision of it (every revision the loader saves has no user), and only when its
enrichment file differs from the one last applied (``CooperationPage.enrichment_digest``).
"""

import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from cooperations.enrichment import (
    ENRICHMENT_DIR,
    EnrichmentError,
    apply_enrichment,
    read_enrichments,
)
from cooperations.models import (
    SECTIONS,
    SOURCED_FACTS,
    CooperationFact,
    CooperationFunding,
    CooperationModel,
    CooperationPage,
    CooperationPartner,
    CooperationSource,
    LegalForm,
    TaskArea,
)
from kooperationsatlas import slugs
from kooperationsatlas.setup import ensure_site_tree
from register.models import County, Municipality

DEFAULT_JSON = Path(__file__).resolve().parent / "data" / "cooperations_real.json"

SLUG_MAX_LENGTH = 80

# JSON `task_area` label -> TaskArea slug (seeded by migration 0002).
TASK_AREA_BY_LABEL = {
    "Personal/Beihilfe": "personal-beihilfe",
    "IT/Rechenzentrum": "it-rechenzentrum",
    "Vergabe/Beschaffung": "vergabe-beschaffung",
    "Archiv": "archiv",
    "Datenschutz": "datenschutz",
    "Gleichstellung": "gleichstellung",
    "Verwaltungsmodernisierung (übergreifend)": "verwaltungsmodernisierung",
    "Finanzen/Kasse": "kasse-finanzwesen",
    "Steuern/Vollstreckung": "steuern-vollstreckung",
    "Rechnungsprüfung": "rechnungspruefung",
    "Bürgerbüro/115/Telefonzentrale": "buergerservice-115",
    "Standesamt": "standesamt",
    "Ordnungsamt": "ordnungsamt",
    "Sozialamt": "sozialamt",
    "Jugendamt": "jugendamt",
    "Kita/Kinderbetreuung": "kita-kinderbetreuung",
    "Schulträgerschaft": "schultraegerschaft",
    "Feuerwehr/Leitstelle": "feuerwehr-leitstelle",
    "Katastrophenschutz": "katastrophenschutz",
    "Wirtschaftsförderung": "wirtschaftsfoerderung",
    "Gewerbegebiet": "gewerbegebiete",
    "Tourismus": "tourismus",
    "Regionalentwicklung/Fördermittel": "regionalentwicklung-foerdermittel",
    "Bauhof": "bauhof",
    "Breitband": "breitband",
    "Abfall": "abfall",
    "Abwasser": "abwasser",
    "Wasserversorgung": "wasserversorgung",
    "Klimaschutz": "klimaschutz",
    "Veterinär- und Lebensmittelüberwachung": "veterinaer-lebensmittelueberwachung",
    "Sport/Bäder": "sport-baeder",
}

# JSON `model` label -> CooperationModel slug.
MODEL_BY_LABEL = {
    "Shared-Service-Center/Dienstleistungszentrum": "dienstleistungszentrum",
    "Kompetenzzentrum": "kompetenzzentrum",
    "gemeinsame Einrichtung/Behörde": "gemeinsame-einrichtung",
    "Koordinierungsstelle/Netzwerk": "koordinierungsstelle-netzwerk",
    "gemeinsame Beschaffung": "gemeinsame-beschaffung",
    "sonstiges": "sonstiges",
}

# JSON `legal_form` label -> LegalForm slug. "informell/unbekannt" means the sources do
# not state the form, not that the cooperation is informal, so it stays empty.
# fmt: off
LEGAL_FORM_BY_LABEL = {
    "informell/unbekannt": None,
    "öffentlich-rechtliche Vereinbarung (Art unbekannt)": "oeffentlich-rechtliche-vereinbarung",
    "öffentlich-rechtliche Vereinbarung (delegierend)":
        "oeffentlich-rechtliche-vereinbarung-delegierend",
    "öffentlich-rechtliche Vereinbarung (mandatierend)":
        "oeffentlich-rechtliche-vereinbarung-mandatierend",
    "öffentlich-rechtlicher Vertrag": "oeffentlich-rechtlicher-vertrag",
    "Zweckverband": "zweckverband",
    "Arbeitsgemeinschaft": "arbeitsgemeinschaft",
    "GmbH/privatrechtlich": "privatrechtliche-form",
    # An Anstalt des öffentlichen Rechts in joint ownership (NRW: gemeinsames
    # Kommunalunternehmen; Hessen: gemeinsame kommunale Anstalt; Schleswig-Holstein:
    # gemeinsames Kommunalunternehmen nach § 19b GkZ). The term is seeded by migration 0002.
    "gemeinsames Kommunalunternehmen (AöR)": "gemeinsames-kommunalunternehmen",
}
# fmt: on

# "GmbH/privatrechtlich" lumps several forms together: use the specific term only when the
# record says which one. e.V. may come from the name or the legal-form note, GmbH only
# from the name (a GmbH among the partners does not make the cooperation one).
PRIVATE_LAW_CHILDREN = [
    ("eingetragener-verein", re.compile(r"\be\.\s?V\.|eingetragener Verein"), ("name", "note")),
    ("gmbh", re.compile(r"\bGmbH\b"), ("name",)),
]

ROLE_BY_LABEL = {
    "federführend/Sitz": "lead",
    "Mitglied": "member",
    "Dienstleister": "provider",
}

# `status` values that are not "beendet …". Planned cooperations get no phase: the
# sources do not say which preparatory phase they are in.
PHASE_BY_STATUS = {
    "Konzept (Simulation)": "konzeption",
    "geplant (Stand Quelle)": "",
}

DERIVED_PARTNER_NOTE = (
    "{role} laut Quelle als „alle Kommunen des Kreises“; Name aus dem Gemeindeverzeichnis ergänzt"
)
UNCERTAIN_PARTNER_NOTE = "Angabe unsicher"

# Structured figures, keyed by profile slug. Each value quotes the fact it comes from
# (tests check the quote is in the record). Deliberately left out: headcounts
# ("15 Beschäftigte" etc. are not full-time equivalents), lower bounds ("über 1 Mio."),
# sums over several years, figures that differ between sources, and the doubtful
# 135,000 EUR for Krefeld/Kranenburg named in SOURCES.md.
FIGURES = {
    "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse": [
        ("savings_percent", Decimal("30"), "Prozesskostenoptimierungen von ca. 30 Prozent"),
    ],
    "bergisches-service-center": [
        ("savings_eur_per_year", Decimal("350000"), "etwa 350.000 Euro pro Jahr"),
    ],
    "finanzzentrum-ostvest": [
        (
            "savings_eur_per_year",
            Decimal("130000"),
            "mittelfristig zusammen etwa 130.000 Euro Einsparung jährlich",
        ),
    ],
    "bergisches-veterinaer-und-lebensmittelueberwachungsamt": [
        ("population_served", 620000, "zuständig für rund 620.000 Einwohner"),
    ],
    "leader-region-nordlippe": [
        ("population_served", 40000, "Region: ca. 40.000 Einwohner"),
    ],
    "region-aachen-zweckverband": [
        ("population_served", 1300000, "46 Städte und Gemeinden, 1,3 Mio. Menschen"),
    ],
    "zweckverband-suedwestfalen-it": [
        ("population_served", 1500000, "Rund 1,5 Mio. Einwohner"),
    ],
}

# Funding received, only where a fact names the programme; `quote` is that fact.
# Amount and year only where stated; LEADER periods span several years, so no year.
FUNDING = {
    "standesamt-hellweg": [
        {
            "programme": "Förderung interkommunaler Zusammenarbeit (Land NRW)",
            "note": "Förderbescheid des Landes NRW, übergeben von Regierungspräsident "
            "Heinrich Böckelühr",
            "quote": "Förderbescheid des Landes NRW",
        },
    ],
    "gemeinsamer-ordnungsbehoerdenbezirk-ronneburger-huegelland": [
        {
            "programme": "Landesprogramm für interkommunale Zusammenarbeit (Hessen)",
            "amount_eur": Decimal("100000"),
            "note": "Einmaliger Zuschuss",
            "quote": "Einmaliger Zuschuss von 100.000 Euro aus dem hessischen "
            "Landesprogramm für interkommunale Zusammenarbeit",
        },
    ],
    "modellprojekt-e-rechnung-im-landkreis-dahme-spreewald": [
        {
            "programme": "Investitionsprogramm des BMF",
            "quote": "gefördert über das Investitionsprogramm des BMF",
        },
    ],
    "leader-region-nordlippe": [
        {
            "programme": "LEADER",
            "note": "Förderperiode 2007–2014: fast eine Million Euro Fördermittel, 25 Projekte",
            "quote": "Förderperiode 2007–2014: fast eine Million Euro Fördermittel",
        },
        {
            "programme": "LEADER",
            "amount_eur": Decimal("2400000"),
            "note": "Förderperiode 2014–2020: 2,4 Mio. Euro verfügbar",
            "quote": "Förderperiode 2014–2020: 2,4 Mio. Euro verfügbar",
        },
        {
            "programme": "LEADER",
            "amount_eur": Decimal("2300000"),
            "note": "Dritte Zusage 2023–2027: weitere 2,3 Mio. Euro",
            "quote": "Dritte Zusage 2023–2027: weitere 2,3 Mio. Euro",
        },
    ],
}

# A few neutral tags. Bergisches Städtedreieck: every register partner is Wuppertal,
# Solingen or Remscheid. Landespreis: the facts name the 2022 Landespreis NRW.
TAGS = {
    "bergisches-veterinaer-und-lebensmittelueberwachungsamt": ["Bergisches Städtedreieck"],
    "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal": ["Bergisches Städtedreieck"],
    "bergisches-service-center": ["Bergisches Städtedreieck"],
    "kreisweite-nacht-der-ausbildung-im-kreis-borken": ["Landespreis IKZ NRW 2022"],
    "crossfire-deutsch-niederlaendisches-feuerwehrhaus-bocholt-aalten": [
        "Landespreis IKZ NRW 2022"
    ],
}


class DemoContentError(Exception):
    """The JSON cannot be loaded as it is (unknown key, label or status)."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # record names
    existing: list[str] = field(default_factory=list)  # left as they are
    enriched: list[str] = field(default_factory=list)  # existing, rewritten with their file
    edited: list[str] = field(default_factory=list)  # file not applied: changed by a person
    seconds: float = 0.0


# Separators that would otherwise glue words together; the letters are site/slugs.py's.
_SEPARATORS = str.maketrans({"/": " ", "–": " ", "—": " "})
_TRAILING_STOPWORDS = {"und", "fuer", "der", "die", "das", "des", "den", "im", "in", "mit",
                       "durch", "von", "zur", "zum"}


def profile_slug(name):
    """Stable URL slug from the name: without parenthesised additions, transliterated,
    cut at a word boundary."""
    short = re.sub(r"\s*\([^)]*\)", "", name).strip() or name
    slug = slugs.slugify(short.translate(_SEPARATORS))
    if len(slug) > SLUG_MAX_LENGTH:
        words = slug[: SLUG_MAX_LENGTH + 1].split("-")[:-1]
        while len(words) > 1 and words[-1] in _TRAILING_STOPWORDS:
            words.pop()
        slug = "-".join(words)
    return slug


def read_records(path=DEFAULT_JSON):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def phase_for_status(status):
    """(phase, end_year) from the record's `status` text; end year only if it is stated."""
    if not status:
        return "", None
    if status.startswith("beendet"):
        years = re.findall(r"\b(?:19|20)\d{2}\b", status)
        return "beendet", int(years[-1]) if years else None
    if status in PHASE_BY_STATUS:
        return PHASE_BY_STATUS[status], None
    raise DemoContentError(f"Unbekannter Status {status!r}")


def legal_form_slug(record, label=None):
    """The LegalForm slug of the record's legal form label (or of ``label``, an enrichment
    file's), made specific (e.V., GmbH) where the record's name or note says which."""
    label = label or record["legal_form"]
    if label not in LEGAL_FORM_BY_LABEL:
        raise DemoContentError(f"{record['name']}: unbekannte Rechtsform {label!r}")
    slug = LEGAL_FORM_BY_LABEL[label]
    if slug == "privatrechtliche-form":
        texts = {"name": record["name"], "note": record.get("note_legal_form") or ""}
        matches = {
            child
            for child, pattern, where in PRIVATE_LAW_CHILDREN
            if any(pattern.search(texts[key]) for key in where)
        }
        if len(matches) == 1:
            slug = matches.pop()
    return slug


def partner_note(partner, role):
    parts = []
    if partner.get("derived_from_municipality_list"):
        # The record's own note names an internal file; say what it means instead.
        parts.append(
            DERIVED_PARTNER_NOTE.format(role="Mitglied" if role == "member" else "Beteiligt")
        )
    elif partner.get("note"):
        parts.append(partner["note"])
    if partner.get("uncertain"):
        parts.append(UNCERTAIN_PARTNER_NOTE)
    return "; ".join(parts)


class _Lookups:
    """Everything the records refer to, fetched in a few queries."""

    def __init__(self, records):
        ags = {p["ags"] for r in records for p in r["partners"] if p.get("ags")}
        keys = {p["kreis_key"] for r in records for p in r["partners"] if p.get("kreis_key")}
        self.municipalities = Municipality.objects.in_bulk(ags, field_name="ags")
        self.counties = County.objects.in_bulk(keys, field_name="key")
        self.task_areas = TaskArea.objects.in_bulk(field_name="slug")
        self.legal_forms = LegalForm.objects.in_bulk(field_name="slug")
        self.models = CooperationModel.objects.in_bulk(field_name="slug")
        # An empty register is the usual cause on a fresh installation.
        self.register_hint = (
            "" if Municipality.objects.exists() else " (manage.py import_register ausgeführt?)"
        )

    @staticmethod
    def _term(terms, slug, kind, record):
        try:
            return terms[slug]
        except KeyError:
            raise DemoContentError(
                f"{record['name']}: {kind} {slug!r} fehlt (Migration 0002 ausgeführt?)"
            ) from None

    def task_area(self, slug, record):
        return self._term(self.task_areas, slug, "Aufgabenbereich", record)

    def legal_form(self, slug, record):
        return self._term(self.legal_forms, slug, "Rechtsform", record)

    def model(self, slug, record):
        return self._term(self.models, slug, "Kooperationsmodell", record)


def _check(records):
    """Fail before writing anything if a record uses a label or status we do not map."""
    for record in records:
        name = record["name"]
        for label in record["task_area"]:
            if label not in TASK_AREA_BY_LABEL:
                raise DemoContentError(f"{name}: unbekannter Aufgabenbereich {label!r}")
        if record["model"] not in MODEL_BY_LABEL:
            raise DemoContentError(f"{name}: unbekanntes Kooperationsmodell {record['model']!r}")
        legal_form_slug(record)
        try:
            phase_for_status(record.get("status"))
        except DemoContentError as error:
            raise DemoContentError(f"{name}: {error}") from None
        if not record["partners"]:
            raise DemoContentError(f"{name}: keine Partner")
        for partner in record["partners"]:
            if partner.get("role") not in ROLE_BY_LABEL:
                raise DemoContentError(f"{name}: unbekannte Rolle {partner.get('role')!r}")
        if not record["sources"]:
            raise DemoContentError(f"{name}: keine Quelle")
        for source in record["sources"]:
            if not (source.get("url") or source.get("document")):
                raise DemoContentError(f"{name}: Quelle ohne Adresse und Dokument")


def build_page(record, slug, lookups):
    """An unsaved CooperationPage with its child objects for one record."""
    return fill_page(CooperationPage(slug=slug), record, slug, lookups)


def fill_page(page, record, slug, lookups):
    """Set every field and child list of ``page`` (new or never edited) from the record."""
    name = record["name"]
    phase, end_year = phase_for_status(record.get("status"))
    legal_slug = legal_form_slug(record)
    page.title = name
    page.summary = record["description"]
    page.start_year = record.get("start_year")
    page.end_year = end_year
    page.phase = phase
    page.status_note = record.get("status") or ""
    page.legal_form = lookups.legal_form(legal_slug, record) if legal_slug else None
    page.legal_form_note = record.get("note_legal_form") or ""
    page.cooperation_model = lookups.model(MODEL_BY_LABEL[record["model"]], record)
    page.open_questions = record.get("uncertain_reason") or ""
    # What only an enrichment file fills (enrichment.apply_enrichment) starts empty.
    for section, _heading in SECTIONS:
        setattr(page, section, "")
        setattr(page, f"{section}_sources", "")
    for fact, _label in SOURCED_FACTS:
        setattr(page, f"{fact}_source", "")
    page.figures = []
    page.office_contacts = []
    page.last_reviewed = None
    page.review_note = ""
    page.enrichment_digest = ""
    for field_name, value, _quote in FIGURES.get(slug, []):
        setattr(page, field_name, value)

    page.task_areas.set(
        [lookups.task_area(TASK_AREA_BY_LABEL[label], record) for label in record["task_area"]]
    )

    partners = []
    for partner in record["partners"]:
        role = ROLE_BY_LABEL[partner["role"]]
        kwargs = {"role": role, "note": partner_note(partner, role)}
        if partner.get("ags"):
            municipality = lookups.municipalities.get(partner["ags"])
            if municipality is None:
                raise DemoContentError(
                    f"{name}: AGS {partner['ags']} ({partner['name']}) nicht im Register"
                    f"{lookups.register_hint}"
                )
            kwargs["municipality"] = municipality
        elif partner.get("kreis_key"):
            county = lookups.counties.get(partner["kreis_key"])
            if county is None:
                raise DemoContentError(
                    f"{name}: Kreisschlüssel {partner['kreis_key']} ({partner['name']}) "
                    f"nicht im Register{lookups.register_hint}"
                )
            kwargs["county"] = county
        else:
            kwargs["organisation"] = partner["name"]
        partners.append(CooperationPartner(sort_order=len(partners), **kwargs))
    page.partners = partners

    # sort_order keeps the order of the JSON (modelcluster does not set it).
    page.facts = [
        CooperationFact(text=text, sort_order=position)
        for position, text in enumerate(record["facts"])
    ]
    page.sources = [
        CooperationSource(
            sort_order=position,
            key=f"q{position + 1}",
            url=source.get("url", ""),
            # The JSON's source note says what the page is cited for; no other field fits.
            title=source.get("title") or source.get("note", ""),
            published=source.get("date", ""),
            document_reference=source.get("document", ""),
        )
        for position, source in enumerate(record["sources"])
    ]
    page.funding = [
        CooperationFunding(
            sort_order=position,
            programme=item["programme"],
            amount_eur=item.get("amount_eur"),
            year=item.get("year"),
            note=item.get("note", ""),
        )
        for position, item in enumerate(FUNDING.get(slug, []))
    ]
    page.tags.clear()
    for tag in TAGS.get(slug, []):
        page.tags.add(tag)
    return page


def edited_by_a_person(page_ids):
    """The pks among ``page_ids`` with a revision saved by a user: an editor, a moderator
    or a partner changed them, so the loader leaves them alone."""
    from wagtail.models import Revision

    return set(
        Revision.page_revisions.filter(object_id__in=[str(pk) for pk in page_ids])
        .exclude(user=None)
        .values_list("object_id", flat=True)
        .distinct()
        .iterator()
    )


def enrich(page, record, enrichment, lookups):
    """Apply ``enrichment`` (or nothing, if None) to the page built from ``record``."""
    if enrichment is None:
        return
    label = enrichment.data.get("legal_form")
    slug = legal_form_slug(record, label) if label else None
    term = lookups.legal_form(slug, record) if slug else None
    try:
        apply_enrichment(page, record, enrichment, term)
    except EnrichmentError as error:
        raise DemoContentError(f"Anreicherungsdatei fehlerhaft: {error}") from None


def load_demo_content(path=DEFAULT_JSON, *, enrichment_dir=ENRICHMENT_DIR, stdout=None):
    """Create a published profile for every record that has none yet, and apply the
    enrichment files; returns a LoadReport.

    A record's profile is found by its slug below the profile index. An existing profile
    is rewritten (record + enrichment file, as a new published revision) only if its file
    changed since it was last applied and no person has saved a revision of it; otherwise
    it is left as it is. A profile without a file stays as it is. Every file is checked
    before anything is written; everything runs in one transaction.
    """
    started = time.perf_counter()
    records = read_records(path)
    slugs = [profile_slug(record["name"]) for record in records]
    seen = {}
    for slug, record in zip(slugs, records, strict=True):
        if slug in seen:
            raise DemoContentError(
                f"{record['name']} und {seen[slug]} ergeben denselben Kurznamen {slug!r}"
            )
        seen[slug] = record["name"]
    _check(records)
    try:
        enrichments = read_enrichments(records, slugs, LEGAL_FORM_BY_LABEL, enrichment_dir)
    except EnrichmentError as error:
        raise DemoContentError(str(error)) from None

    report = LoadReport()
    with transaction.atomic():
        _home, index = ensure_site_tree()
        present = {
            page.slug: page
            for page in CooperationPage.objects.child_of(index).only(
                "pk", "slug", "enrichment_digest"
            )
        }
        others = set(Page.objects.child_of(index).values_list("slug", flat=True))
        stale = {
            slug: page
            for slug, page in present.items()
            if slug in enrichments and page.enrichment_digest != enrichments[slug].digest
        }
        edited = edited_by_a_person([page.pk for page in stale.values()])
        missing, rewrite = [], []
        for slug, record in zip(slugs, records, strict=True):
            if slug not in others:
                missing.append((slug, record))
            elif slug in stale and str(stale[slug].pk) not in edited:
                rewrite.append((slug, record))
            else:
                if slug in stale:
                    report.edited.append(record["name"])
                report.existing.append(record["name"])
        if missing or rewrite:
            lookups = _Lookups([record for _slug, record in missing + rewrite])
            saved = []
            # Every child row's save would refresh the page's reference index entries;
            # once per page at the end gives the same index several times faster.
            with disable_reference_index_auto_update():
                for slug, record in missing:
                    page = build_page(record, slug, lookups)
                    enrich(page, record, enrichments.get(slug), lookups)
                    index.add_child(instance=page)
                    page.save_revision().publish()
                    saved.append(page)
                    report.created.append(record["name"])
                    if stdout is not None:
                        stdout.write(f"angelegt: {record['name']}\n")
                for slug, record in rewrite:
                    page = CooperationPage.objects.get(pk=present[slug].pk)
                    fill_page(page, record, slug, lookups)
                    enrich(page, record, enrichments[slug], lookups)
                    page.save_revision().publish()
                    saved.append(page)
                    report.enriched.append(record["name"])
                    if stdout is not None:
                        stdout.write(f"angereichert: {record['name']}\n")
            for page in saved:
                ReferenceIndex.create_or_update_for_object(page)
    report.seconds = time.perf_counter() - started
    return report
