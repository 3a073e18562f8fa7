"""The open-data records: one profile, municipality or Kreis as a dict, built in one place.

The downloads (``/daten/…``) and the read-only API (``/api/v1/…``) both use these functions,
so a field means the same everywhere. Only live, public profiles are ever read
(``published_profiles``), and only contact persons who agreed to be shown
(``ContactPerson.public_display``).
"""

from django.db.models import Prefetch

from cooperations.models import ContactPerson
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
        "cooperation_model": _term(page.cooperation_model),
        "task_areas": [_term(term) for term in page.task_areas.all()],
        "partners": partners,
        "figures": {
            "savings_percent": _number(page.savings_percent),
            "savings_eur_per_year": _number(page.savings_eur_per_year),
            "staff_fte": _number(page.staff_fte),
            "population_served": page.population_served,
        },
        "facts": [fact.text for fact in page.facts.all()],
        "sources": [
            {
                "title": source.title,
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
        "last_reviewed": _date(page.last_reviewed),
        "first_published_at": _date(page.first_published_at),
        "last_published_at": _date(page.last_published_at),
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
    "savings_percent",
    "savings_eur_per_year",
    "staff_fte",
    "population_served",
    "sources",
    "contacts",
    "last_reviewed",
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
        _cell(record["figures"]["savings_percent"]),
        _cell(record["figures"]["savings_eur_per_year"]),
        _cell(record["figures"]["staff_fte"]),
        _cell(record["figures"]["population_served"]),
        join(s["url"] or s["document_reference"] for s in record["sources"]),
        join(
            ", ".join(
                part
                for part in (c["name"], c["function"], c["organisation"], c["email"], c["phone"])
                if part
            )
            for c in record["contacts"]
        ),
        _cell(record["last_reviewed"]),
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
