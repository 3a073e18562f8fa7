"""The open-data records: one profile, municipality or Kreis as a dict, built in one place.

The downloads (``/daten/…``) and the read-only API (``/api/v1/…``) both use these functions,
so a field means the same everywhere. Only live, public profiles are ever read
(``published_profiles``), and only contact persons who agreed to be shown
(``ContactPerson.public_display``).
"""

from django.db.models import Prefetch
from django.utils.html import strip_tags

from cooperations.models import SECTIONS, ContactPerson, has_text, split_keys
from kooperationsatlas import links
from register.attribution import LICENCE_URL, REGISTER_ATTRIBUTION
from register.models import County, Municipality
from search.documents import indexable_profiles

LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LIST_SEPARATOR = " | "


def register_licence():
    """The attribution that must accompany every register export ("quelle", "lizenz")."""
    return {"quelle": REGISTER_ATTRIBUTION, "lizenz": {"name": LICENCE_NAME, "url": LICENCE_URL}}


def published_profiles():
    """Live, public profiles with everything ``profile_record`` reads; drafts never."""
    return indexable_profiles().prefetch_related(
        "sources",
        "figures",
        "office_contacts",
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.filter(public_display=True).order_by("sort_order", "pk"),
            to_attr="public_contacts",
        ),
    )


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _term(term):
    return {"slug": term.slug, "name": term.name} if term is not None else None


def _date(value):
    return value.isoformat() if value else None


def profile_record(page, request=None):
    """One published profile; ``page`` should come from ``published_profiles()``."""
    url = links.page_url(page, request) if request is not None else page.get_url()
    partners = []
    for partner in page.partners.all():
        partners.append(
            {
                "name": partner.name,
                "kind": "gemeinde"
                if partner.municipality_id
                else ("kreis" if partner.county_id else "organisation"),
                "ags": partner.municipality.ags if partner.municipality_id else None,
                "county_key": (
                    partner.municipality.county.key
                    if partner.municipality_id
                    else (partner.county.key if partner.county_id else None)
                ),
                "state_key": partner.state.key if partner.state else None,
                "role": partner.role,
                "role_label": partner.get_role_display(),
                "role_source": partner.role_source or None,
            }
        )
    contacts = getattr(page, "public_contacts", None)
    if contacts is None:  # not prefetched: filter here, never show private persons
        contacts = page.contacts.filter(public_display=True)
    return {
        "id": page.pk,
        "title": page.title,
        "url": url,
        "summary": page.summary,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "phase": page.phase or None,
        "phase_label": page.get_phase_display() if page.phase else None,
        "status_note": page.status_note,
        "legal_form": _term(page.legal_form),
        "legal_form_source": page.legal_form_source or None,
        "phase_source": page.phase_source or None,
        "start_year_source": page.start_year_source or None,
        "cooperation_model": _term(page.cooperation_model),
        "task_areas": [_term(term) for term in page.task_areas.all()],
        "partners": partners,
        "figures": {
            "savings_percent": _number(page.savings_percent),
            "savings_eur_per_year": _number(page.savings_eur_per_year),
            "staff_fte": _number(page.staff_fte),
            "population_served": page.population_served,
        },
        "sections": sections_record(page),
        "key_figures": [
            {
                "kind": figure.kind,
                "label": figure.label,
                "value": _number(figure.value),
                "unit": figure.unit,
                "year": figure.year,
                "source": figure.source,
            }
            for figure in page.figures.all()
        ],
        "facts": [fact.text for fact in page.facts.all()],
        "sources": [
            {
                "key": source.key,
                "title": source.title,
                "publisher": source.publisher,
                "url": source.url,
                "document_reference": source.document_reference,
                "published": source.published,
                "accessed": _date(source.accessed),
            }
            for source in page.sources.all()
        ],
        "contacts": [
            {
                "name": contact.name,
                "function": contact.function,
                "organisation": contact.organisation,
                "email": contact.email,
                "phone": contact.phone,
            }
            for contact in contacts
        ],
        "office_contacts": [
            {
                "office": office.office,
                "email": office.email,
                "phone": office.phone,
                "url": office.url,
                "source": office.source or None,
            }
            for office in page.office_contacts.all()
        ],
        "last_reviewed": _date(page.last_reviewed),
        "review_note": page.review_note,
        "first_published_at": _date(page.first_published_at),
        "last_published_at": _date(page.last_published_at),
    }


def sections_record(page):
    """{section: {"text": plain text, "sources": [source keys]}} of the filled sections."""
    return {
        name: {
            "text": strip_tags(getattr(page, name).replace("</p>", "</p>\n\n")).strip(),
            "sources": split_keys(getattr(page, f"{name}_sources")),
        }
        for name, _heading in SECTIONS
        if has_text(getattr(page, name))
    }


PROFILE_CSV_COLUMNS = [
    "id",
    "title",
    "url",
    "summary",
    "start_year",
    "end_year",
    "phase",
    "legal_form",
    "cooperation_model",
    "task_areas",
    "partner_names",
    "partner_ags",
    "partner_county_keys",
    "partner_roles",
    "partner_role_sources",
    "legal_form_source",
    "phase_source",
    "start_year_source",
    *(column for name, _ in SECTIONS for column in (name, f"{name}_sources")),
    "key_figures",
    "savings_percent",
    "savings_eur_per_year",
    "staff_fte",
    "population_served",
    "sources",
    "source_keys",
    "contacts",
    "office_contacts",
    "last_reviewed",
    "review_note",
    "first_published_at",
]


def _cell(value):
    return "" if value is None else value


def profile_row(record):
    """A profile record flattened to CSV cells. Lists are joined with " | "; the partner
    columns are parallel lists (an organisation has an empty key)."""
    partners = record["partners"]
    join = LIST_SEPARATOR.join
    return [
        record["id"],
        record["title"],
        _cell(record["url"]),
        record["summary"],
        _cell(record["start_year"]),
        _cell(record["end_year"]),
        _cell(record["phase"]),
        record["legal_form"]["slug"] if record["legal_form"] else "",
        record["cooperation_model"]["slug"] if record["cooperation_model"] else "",
        join(term["slug"] for term in record["task_areas"]),
        join(p["name"] for p in partners),
        join(p["ags"] or "" for p in partners),
        join(p["county_key"] or "" for p in partners),
        join(p["role"] for p in partners),
        join(p["role_source"] or "" for p in partners),
        _cell(record["legal_form_source"]),
        _cell(record["phase_source"]),
        _cell(record["start_year_source"]),
        *(
            cell
            for name, _ in SECTIONS
            for cell in (
                record["sections"].get(name, {}).get("text", ""),
                " ".join(record["sections"].get(name, {}).get("sources", [])),
            )
        ),
        join(
            f"{f['label']}: {f['value']} {f['unit']}"
            + (f" ({f['year']})" if f["year"] else "")
            + f" [{f['source']}]"
            for f in record["key_figures"]
        ),
        _cell(record["figures"]["savings_percent"]),
        _cell(record["figures"]["savings_eur_per_year"]),
        _cell(record["figures"]["staff_fte"]),
        _cell(record["figures"]["population_served"]),
        join(s["url"] or s["document_reference"] for s in record["sources"]),
        join(s["key"] for s in record["sources"]),
        join(
            ", ".join(
                part
                for part in (c["name"], c["function"], c["organisation"], c["email"], c["phone"])
                if part
            )
            for c in record["contacts"]
        ),
        join(
            ", ".join(part for part in (o["office"], o["email"], o["phone"], o["url"]) if part)
            for o in record["office_contacts"]
        ),
        _cell(record["last_reviewed"]),
        record["review_note"],
        _cell(record["first_published_at"]),
    ]


# CSV/JSON column -> ORM field, in column order: one list per register table.
MUNICIPALITY_COLUMN_FIELDS = {
    "ags": "ags",
    "ars": "ars",
    "name": "name",
    "name_official": "name_official",
    "kind": "kind",
    "county_key": "county__key",
    "county_name": "county__display_name",
    "district_key": "district__key",
    "district_name": "district__name",
    "state_key": "state__key",
    "state_name": "state__name",
    "population": "population",
    "population_date": "population_date",
    "area_km2": "area_km2",
    "latitude": "latitude",
    "longitude": "longitude",
    "postcode": "postcode",
}
MUNICIPALITY_CSV_COLUMNS = list(MUNICIPALITY_COLUMN_FIELDS)

COUNTY_COLUMN_FIELDS = {
    "key": "key",
    "name": "name",
    "display_name": "display_name",
    "kind": "kind",
    "district_key": "district__key",
    "district_name": "district__name",
    "state_key": "state__key",
    "state_name": "state__name",
    "population": "population",
    "population_date": "population_date",
    "area_km2": "area_km2",
}
COUNTY_CSV_COLUMNS = list(COUNTY_COLUMN_FIELDS)


def municipality_values():
    """All municipalities as value dicts (no boundary), ordered by AGS."""
    return Municipality.objects.order_by("ags").values(*MUNICIPALITY_COLUMN_FIELDS.values())


def county_values():
    return County.objects.order_by("key").values(*COUNTY_COLUMN_FIELDS.values())


def _register_record(values, column_fields):
    record = {column: values[field] for column, field in column_fields.items()}
    record["population_date"] = _date(record["population_date"])
    record["area_km2"] = float(record["area_km2"])
    return record


def municipality_record(values):
    return _register_record(values, MUNICIPALITY_COLUMN_FIELDS)


def county_record(values):
    return _register_record(values, COUNTY_COLUMN_FIELDS)


def csv_row(record, columns):
    return [_cell(record[column]) for column in columns]
