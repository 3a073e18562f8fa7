"""Enrichment files: what the sources say about a real profile, one reviewed JSON file each.

``cooperations/data/enrichment/<slug>.json`` (the format is described in docs/profiles.md)
adds Anlass, Ziel, Umsetzung, Ergebnisse, Erfolgsfaktoren, Stolpersteine, structured
figures, partner roles, office contacts, legal form, phase and start year to the profile
of one record of ``cooperations_real.json``, every statement with the keys of the sources
it rests on. ``read_enrichments`` reads and checks every file before anything is written;
``apply_enrichment`` puts one file's content on an (unsaved or live) page object. Whether a
page may be changed at all is decided by the demo loader (``cooperations/demo.py``).
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from .models import (
    SECTIONS,
    CooperationFigure,
    CooperationSource,
    FigureKind,
    OfficeContact,
    PartnerRole,
    Phase,
)

ENRICHMENT_DIR = Path(__file__).resolve().parent / "data" / "enrichment"

TOP_LEVEL_KEYS = {
    "record", "checked", "checked_note", "sources", "legal_form", "legal_form_source",
    "phase", "phase_source", "start_year", "start_year_source", "sections", "figures",
    "partner_roles", "contacts",
}  # fmt: skip
SECTION_NAMES = {name for name, _heading in SECTIONS}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FIRST_YEAR, LAST_YEAR = 1900, 2100


class EnrichmentError(Exception):
    """An enrichment file cannot be loaded; the message names the file and the field."""


@dataclass
class Enrichment:
    """One checked enrichment file."""

    path: Path
    slug: str
    data: dict
    digest: str  # SHA-256 of the file's bytes: what the demo loader records as applied

    @property
    def display_path(self):
        return display_path(self.path)


def display_path(path):
    """The path relative to the checkout where possible (for messages)."""
    path = Path(path)
    base = Path(__file__).resolve().parent.parent
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def check_enrichment(data, record, legal_forms):
    """The problems of one file's content as a list of "field: message" (German).

    ``record`` is the record of cooperations_real.json the file belongs to, ``legal_forms``
    the labels the loader knows (``demo.LEGAL_FORM_BY_LABEL``)."""
    errors = []
    if not isinstance(data, dict):
        return ["(Datei): ein JSON-Objekt erwartet"]
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        errors.append(f"{key}: unbekanntes Feld")
    if data.get("record") != record["name"]:
        errors.append(f"record: {data.get('record')!r} ist nicht der Datensatz {record['name']!r}")
    if not DAY.match(str(data.get("checked") or "")):
        errors.append("checked: Datum im Format JJJJ-MM-TT erwartet")
    if not str(data.get("checked_note") or "").strip():
        errors.append("checked_note: fehlt (was wurde geprüft?)")

    keys = set()
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append("sources: mindestens eine Quelle erwartet")
        sources = []
    for position, source in enumerate(sources):
        where = f"sources[{position}]"
        if not isinstance(source, dict):
            errors.append(f"{where}: ein Objekt erwartet")
            continue
        for name in ("key", "url", "title", "publisher"):
            if not str(source.get(name) or "").strip():
                errors.append(f"{where}.{name}: fehlt")
        url = str(source.get("url") or "")
        if url and not url.startswith(("http://", "https://")):
            errors.append(f"{where}.url: keine http(s)-Adresse")
        if source.get("published") and not PARTIAL_DATE.match(str(source["published"])):
            errors.append(f"{where}.published: JJJJ, JJJJ-MM oder JJJJ-MM-TT erwartet")
        if source.get("accessed") and not DAY.match(str(source["accessed"])):
            errors.append(f"{where}.accessed: JJJJ-MM-TT erwartet")
        key = source.get("key")
        if key in keys:
            errors.append(f"{where}.key: Kürzel {key!r} doppelt")
        elif key and len(str(key)) > 20:
            errors.append(f"{where}.key: höchstens 20 Zeichen")
        keys.add(key)

    def reference(key, where):
        if key not in keys:
            errors.append(f"{where}: Quelle {key!r} steht nicht unter sources")

    if data.get("legal_form") is not None:
        if data["legal_form"] not in legal_forms:
            errors.append(f"legal_form: unbekannte Rechtsform {data['legal_form']!r}")
        reference(data.get("legal_form_source"), "legal_form_source")
    if data.get("phase") is not None:
        if data["phase"] not in Phase.values:
            errors.append(f"phase: unbekannte Phase {data['phase']!r}")
        reference(data.get("phase_source"), "phase_source")
    if data.get("start_year") is not None:
        year = data["start_year"]
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
            errors.append("start_year: Jahreszahl erwartet")
        reference(data.get("start_year_source"), "start_year_source")

    sections = data.get("sections") or {}
    if not isinstance(sections, dict):
        errors.append("sections: ein Objekt erwartet")
        sections = {}
    for name, section in sections.items():
        where = f"sections.{name}"
        if name not in SECTION_NAMES:
            errors.append(f"{where}: unbekannter Abschnitt")
            continue
        if not isinstance(section, dict):
            errors.append(f"{where}: ein Objekt erwartet")
            continue
        if not str(section.get("text") or "").strip():
            errors.append(f"{where}.text: leer")
        if not section.get("sources"):
            errors.append(f"{where}.sources: keine Quelle genannt")
        for key in section.get("sources") or []:
            reference(key, f"{where}.sources")

    for position, figure in enumerate(data.get("figures") or []):
        where = f"figures[{position}]"
        if figure.get("kind") not in FigureKind.values:
            errors.append(f"{where}.kind: unbekannte Art {figure.get('kind')!r}")
        value = figure.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{where}.value: keine Zahl")
        for name in ("label", "unit"):
            if not str(figure.get(name) or "").strip():
                errors.append(f"{where}.{name}: fehlt")
        year = figure.get("year")
        if year is not None and (not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR):
            errors.append(f"{where}.year: Jahreszahl erwartet")
        reference(figure.get("source"), f"{where}.source")

    for position, role in enumerate(data.get("partner_roles") or []):
        where = f"partner_roles[{position}]"
        if role.get("role") not in PartnerRole.values:
            errors.append(f"{where}.role: unbekannte Rolle {role.get('role')!r}")
        if not (role.get("ags") or role.get("name")):
            errors.append(f"{where}: ags oder name erwartet")
        elif role.get("ags") and not re.fullmatch(r"\d{5}|\d{8}", str(role["ags"])):
            errors.append(f"{where}.ags: 8-stelliger AGS oder 5-stelliger Kreisschlüssel erwartet")
        reference(role.get("source"), f"{where}.source")

    for position, contact in enumerate(data.get("contacts") or []):
        where = f"contacts[{position}]"
        if not str(contact.get("office") or "").strip():
            errors.append(f"{where}.office: fehlt")
        url = str(contact.get("url") or "")
        if url and not url.startswith(("http://", "https://")):
            errors.append(f"{where}.url: keine http(s)-Adresse")
        reference(contact.get("source"), f"{where}.source")
    return errors


def normalise_name(name):
    """A partner name for comparison: lower case, without ", Stadt" and similar additions."""
    name = re.sub(r",.*$", "", str(name or "")).strip().lower()
    return re.sub(r"^(stadt|gemeinde|kreis)\s+", "", name)


def find_partner(record, role):
    """The position of the record's partner a ``partner_roles`` entry means, or None.

    ``ags`` matches a municipality's AGS or a Kreis key; otherwise ``name`` matches the
    record's partner name (without additions such as ", Stadt")."""
    for position, partner in enumerate(record["partners"]):
        ags = role.get("ags")
        if ags:
            if ags in (partner.get("ags"), partner.get("kreis_key")):
                return position
        elif normalise_name(role.get("name")) == normalise_name(partner.get("name")):
            return position
    return None


def additional_partner(record, role, where):
    """A partner the file's sources name beyond the record's (unsaved CooperationPartner).

    ``ags`` is looked up in the register (8 digits: municipality, 5: Kreis). A bare name is
    a municipality if exactly one municipality of that name lies in a Kreis of the record's
    register partners; otherwise it is another organisation under that name."""
    from register.models import County, Municipality

    from .models import CooperationPartner

    ags = role.get("ags")
    if ags:
        model, field = (Municipality, "ags") if len(ags) == 8 else (County, "key")
        body = model.objects.filter(**{field: ags}).first()
        if body is None:
            raise EnrichmentError(f"{where}.ags: {ags} nicht im Register")
        kind = "municipality" if model is Municipality else "county"
        return CooperationPartner(**{kind: body})
    counties = {p["ags"][:5] for p in record["partners"] if p.get("ags")}
    counties |= {p["kreis_key"] for p in record["partners"] if p.get("kreis_key")}
    name = normalise_name(role["name"])
    candidates = [
        municipality
        for municipality in Municipality.objects.filter(county__key__in=counties).only("pk", "name")
        if normalise_name(municipality.name) == name
    ]
    if len(candidates) == 1:
        return CooperationPartner(municipality=candidates[0])
    return CooperationPartner(organisation=role["name"].strip())


def read_enrichments(records, slugs, legal_forms, folder=ENRICHMENT_DIR):
    """{slug: Enrichment} for every file in ``folder``, all checked first.

    Raises EnrichmentError naming every bad file and field; ``folder=None`` or a folder
    that does not exist means no enrichment at all."""
    if folder is None or not Path(folder).is_dir():
        return {}
    by_slug = dict(zip(slugs, records, strict=True))
    found, errors = {}, []
    for path in sorted(Path(folder).glob("*.json")):
        name = display_path(path)
        record = by_slug.get(path.stem)
        if record is None:
            errors.append(f"{name}: Dateiname {path.stem!r} ist kein Kurzname eines Datensatzes")
            continue
        raw = path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            errors.append(f"{name}: kein gültiges JSON ({error})")
            continue
        problems = check_enrichment(data, record, legal_forms)
        errors += [f"{name}: {problem}" for problem in problems]
        if not problems:
            found[path.stem] = Enrichment(path, path.stem, data, hashlib.sha256(raw).hexdigest())
    if errors:
        raise EnrichmentError("Anreicherungsdateien fehlerhaft:\n" + "\n".join(errors))
    return found


def merged_sources(record_sources, enrichment_sources):
    """The profile's sources: the record's (as CooperationSource objects, in order) with the
    enrichment's title, publisher, date and key where the URL is the same, then the
    enrichment's other sources. Record sources the file does not list get a free key
    ("q1", "q2", …)."""
    by_url = {same_url(source["url"]): source for source in enrichment_sources}
    taken = {source["key"] for source in enrichment_sources}
    used, result = set(), []
    free = (f"q{number}" for number in range(1, 10_000) if f"q{number}" not in taken)
    for item in record_sources:
        described = by_url.get(same_url(item.url)) if item.url else None
        if described is not None and described["url"] not in used:
            used.add(described["url"])
            result.append(source_from(described, item.sort_order))
        else:
            item.key = next(free)
            result.append(item)
    for described in enrichment_sources:
        if described["url"] not in used:
            used.add(described["url"])
            result.append(source_from(described, len(result)))
    for position, item in enumerate(result):
        item.sort_order = position
    return result


def same_url(url):
    """A URL as compared between the record and the file (no trailing slash)."""
    return str(url or "").strip().rstrip("/")


def source_from(described, sort_order):
    accessed = described.get("accessed")
    return CooperationSource(
        sort_order=sort_order,
        key=described["key"],
        title=described["title"],
        publisher=described["publisher"],
        url=described["url"],
        published=described.get("published") or "",
        accessed=date.fromisoformat(accessed) if accessed else None,
    )


def paragraphs_html(text):
    """A section's plain text as rich text: escaped paragraphs."""
    from django.utils.html import escape

    parts = [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return "".join(f"<p>{escape(part)}</p>" for part in parts)


def apply_enrichment(page, record, enrichment, legal_form_term):
    """Put the enrichment's content on ``page`` (built from ``record`` by the demo loader).

    ``legal_form_term`` is the LegalForm for the file's legal form label (None: the file
    does not state one, the record's stays). Nothing is saved here."""
    data = enrichment.data
    page.sources = merged_sources(list(page.sources.all()), data["sources"])
    if data.get("legal_form") is not None and legal_form_term is not None:
        page.legal_form = legal_form_term
        page.legal_form_source = data["legal_form_source"]
    if data.get("phase") is not None:
        page.phase = data["phase"]
        page.phase_source = data["phase_source"]
    if data.get("start_year") is not None:
        page.start_year = data["start_year"]
        page.start_year_source = data["start_year_source"]
    for name, section in (data.get("sections") or {}).items():
        setattr(page, name, paragraphs_html(section["text"]))
        setattr(page, f"{name}_sources", ", ".join(section["sources"]))
    page.figures = [
        CooperationFigure(
            sort_order=position,
            kind=figure["kind"],
            label=figure["label"],
            value=Decimal(str(figure["value"])),
            unit=figure["unit"],
            year=figure.get("year"),
            source=figure["source"],
        )
        for position, figure in enumerate(data.get("figures") or [])
    ]
    partners = list(page.partners.all())
    for position, role in enumerate(data.get("partner_roles") or []):
        found = find_partner(record, role)
        if found is None:
            partner = additional_partner(
                record, role, f"{enrichment.display_path}: partner_roles[{position}]"
            )
            partner.sort_order = len(partners)
            partners.append(partner)
        else:
            partner = partners[found]
        partner.role = role["role"]
        partner.role_source = role["source"]
    page.partners = partners
    page.office_contacts = [
        OfficeContact(
            sort_order=position,
            office=contact["office"],
            email=contact.get("email") or "",
            phone=contact.get("phone") or "",
            url=contact.get("url") or "",
            source=contact.get("source") or "",
        )
        for position, contact in enumerate(data.get("contacts") or [])
    ]
    page.last_reviewed = date.fromisoformat(data["checked"])
    page.review_note = data["checked_note"].strip()
    page.enrichment_digest = enrichment.digest
    return page
