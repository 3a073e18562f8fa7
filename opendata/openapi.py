"""The open-data API's part of the OpenAPI document (merged by ``search/openapi.py``).

Built from the view's limits and the taxonomy choices so it cannot drift."""

from cooperations.models import SECTIONS, FigureKind, PartnerRole, Phase

from .views import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, YEAR_MAX, YEAR_MIN

PROFILES_PATH = "/api/v1/steckbriefe/"
MUNICIPALITIES_PATH = "/api/v1/gemeinden/"
COUNTIES_PATH = "/api/v1/kreise/"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema_type, **extra):
    return {"type": [schema_type, "null"], **extra}


def _query(name, description, schema):
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _string(max_length=MAX_QUERY_LENGTH):
    return {"type": "string", "maxLength": max_length}


PAGINATION_PARAMETERS = [
    _query(
        "page",
        "Seite (ab 1). Hinter der letzten Seite: 200 mit leerem `results` und richtigem `total`.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    ),
    _query(
        "page_size",
        f"Einträge pro Seite (höchstens {MAX_PAGE_SIZE}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    ),
]

LAND = _query("land", "Landesschlüssel (zweistellig, z. B. `05`).", _string(2))
KREIS = _query("kreis", "Kreisschlüssel (fünfstellig, z. B. `05974`).", _string(5))

PROFILE_PARAMETERS = [
    _query("land", "Landesschlüssel: Steckbriefe mit einem Partner in diesem Land.", _string(2)),
    _query("kreis", "Kreisschlüssel: Steckbriefe mit einem Partner in diesem Kreis.", _string(5)),
    _query(
        "aufgabe",
        "Kürzel eines Aufgabenbereichs; findet auch untergeordnete Aufgabenbereiche.",
        _string(),
    ),
    _query("rechtsform", "Kürzel einer Rechtsform; findet auch untergeordnete.", _string()),
    _query("modell", "Kürzel eines Kooperationsmodells.", _string()),
    _query("phase", "Phase.", {"type": "string", "enum": list(Phase.values)}),
    _query(
        "startjahr_von",
        "Startjahr frühestens (einschließlich).",
        {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
    ),
    _query(
        "startjahr_bis",
        "Startjahr spätestens (einschließlich); nicht vor `startjahr_von`.",
        {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
    ),
    _query(
        "geaendert_seit",
        "Nur Steckbriefe, die an oder nach diesem Tag (UTC) veröffentlicht wurden.",
        {"type": "string", "format": "date"},
    ),
    *PAGINATION_PARAMETERS,
]

_TERM = {
    "type": ["object", "null"],
    "required": ["slug", "name"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}

_LICENCE_PROPERTIES = {
    "quelle": {"type": "string", "description": "Quellenangabe des Gemeindeverzeichnisses"},
    "lizenz": {
        "type": "object",
        "required": ["name", "url"],
        "properties": {"name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    },
}

SCHEMAS = {
    "OpenDataTerm": _TERM,
    "OpenDataPartner": {
        "type": "object",
        "required": ["name", "kind", "ags", "county_key", "state_key", "role", "role_label"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["gemeinde", "kreis", "organisation"]},
            "ags": _nullable("string"),
            "county_key": _nullable("string"),
            "state_key": _nullable("string"),
            "role": {"type": "string", "enum": list(PartnerRole.values)},
            "role_label": {"type": "string"},
            "role_source": _nullable("string", description="Kürzel der Quelle der Rolle"),
        },
    },
    "Profile": {
        "type": "object",
        "description": "Ein veröffentlichter Steckbrief. Unbekanntes ist `null` oder leer.",
        "required": [
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
            "partners",
            "figures",
            "sources",
            "contacts",
            "last_reviewed",
            "first_published_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": _nullable("string", format="uri"),
            "summary": {"type": "string"},
            "start_year": _nullable("integer"),
            "end_year": _nullable("integer"),
            "phase": {"type": ["string", "null"], "enum": [*Phase.values, None]},
            "phase_label": _nullable("string"),
            "status_note": {"type": "string"},
            "legal_form": _ref("OpenDataTerm"),
            "legal_form_source": _nullable("string", description="Kürzel der Quelle"),
            "phase_source": _nullable("string", description="Kürzel der Quelle"),
            "start_year_source": _nullable("string", description="Kürzel der Quelle"),
            "cooperation_model": _ref("OpenDataTerm"),
            "task_areas": {"type": "array", "items": _ref("OpenDataTerm")},
            "partners": {"type": "array", "items": _ref("OpenDataPartner")},
            "figures": {
                "type": "object",
                "properties": {
                    "savings_percent": _nullable("number"),
                    "savings_eur_per_year": _nullable("number"),
                    "staff_fte": _nullable("number"),
                    "population_served": _nullable("integer"),
                },
            },
            "sections": {
                "type": "object",
                "description": "Die ausgefüllten Abschnitte (Anlass, Ziel, Umsetzung, "
                "Ergebnisse, Erfolgsfaktoren, Stolpersteine) mit den Kürzeln ihrer Quellen.",
                "properties": {
                    name: {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string"},
                            "sources": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                    for name, _heading in SECTIONS
                },
            },
            "key_figures": {
                "type": "array",
                "description": "Kennzahlen mit Einheit, Bezugsjahr und Quelle.",
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": list(FigureKind.values)},
                        "label": {"type": "string"},
                        "value": {"type": "number"},
                        "unit": {"type": "string"},
                        "year": _nullable("integer"),
                        "source": {"type": "string"},
                    },
                },
            },
            "facts": {"type": "array", "items": {"type": "string"}},
            "sources": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {"type": "string"},
                        "title": {"type": "string"},
                        "publisher": {"type": "string"},
                        "url": {"type": "string"},
                        "document_reference": {"type": "string"},
                        "published": {"type": "string"},
                        "accessed": _nullable("string", format="date"),
                    },
                },
            },
            "contacts": {
                "type": "array",
                "description": "Nur Ansprechpersonen, die der Veröffentlichung zugestimmt haben.",
                "items": {
                    "type": "object",
                    "properties": {
                        key: {"type": "string"}
                        for key in ("name", "function", "organisation", "email", "phone")
                    },
                },
            },
            "office_contacts": {
                "type": "array",
                "description": "Öffentliche Kontakte von Dienststellen laut Quelle.",
                "items": {
                    "type": "object",
                    "properties": {
                        "office": {"type": "string"},
                        "email": {"type": "string"},
                        "phone": {"type": "string"},
                        "url": {"type": "string"},
                        "source": _nullable("string"),
                    },
                },
            },
            "last_reviewed": _nullable("string", format="date"),
            "review_note": {"type": "string"},
            "first_published_at": _nullable("string", format="date-time"),
            "last_published_at": _nullable("string", format="date-time"),
        },
    },
    "Municipality": {
        "type": "object",
        "required": ["ags", "ars", "name", "kind", "county_key", "state_key", "population"],
        "properties": {
            "ags": {"type": "string", "description": "Amtlicher Gemeindeschlüssel"},
            "ars": {"type": "string", "description": "Amtlicher Regionalschlüssel"},
            "name": {"type": "string"},
            "name_official": {"type": "string"},
            "kind": {"type": "string"},
            "county_key": {"type": "string"},
            "county_name": {"type": "string"},
            "district_key": _nullable("string"),
            "district_name": _nullable("string"),
            "state_key": {"type": "string"},
            "state_name": {"type": "string"},
            "population": {"type": "integer"},
            "population_date": _nullable("string", format="date"),
            "area_km2": {"type": "number"},
            "latitude": _nullable("number"),
            "longitude": _nullable("number"),
            "postcode": {"type": "string"},
            "url": {"type": "string", "description": "Seite der Gemeinde im Atlas"},
        },
    },
    "County": {
        "type": "object",
        "required": ["key", "name", "display_name", "kind", "state_key", "population"],
        "properties": {
            "key": {"type": "string", "description": "Kreisschlüssel"},
            "name": {"type": "string"},
            "display_name": {"type": "string"},
            "kind": {"type": "string"},
            "district_key": _nullable("string"),
            "district_name": _nullable("string"),
            "state_key": {"type": "string"},
            "state_name": {"type": "string"},
            "population": {"type": "integer"},
            "population_date": _nullable("string", format="date"),
            "area_km2": {"type": "number"},
            "url": {"type": "string"},
        },
    },
}


def _page_schema(item, licence=False):
    schema = {
        "type": "object",
        "required": ["total", "page", "page_size", "num_pages", "links", "results"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "num_pages": {"type": "integer", "minimum": 1},
            "links": {
                "type": "object",
                "required": ["self", "next", "prev"],
                "properties": {
                    "self": {"type": "string", "format": "uri"},
                    "next": {"type": ["string", "null"], "format": "uri"},
                    "prev": {"type": ["string", "null"], "format": "uri"},
                },
            },
            "results": {"type": "array", "items": _ref(item)},
        },
    }
    if licence:
        schema["required"] += ["quelle", "lizenz"]
        schema["properties"].update(_LICENCE_PROPERTIES)
    return schema


SCHEMAS["ProfilePage"] = _page_schema("Profile")
SCHEMAS["MunicipalityPage"] = _page_schema("Municipality", licence=True)
SCHEMAS["CountyPage"] = _page_schema("County", licence=True)
SCHEMAS["MunicipalityWithLicence"] = {
    "allOf": [
        _ref("Municipality"),
        {"type": "object", "required": ["quelle", "lizenz"], "properties": _LICENCE_PROPERTIES},
    ]
}
SCHEMAS["CountyWithLicence"] = {
    "allOf": [
        _ref("County"),
        {"type": "object", "required": ["quelle", "lizenz"], "properties": _LICENCE_PROPERTIES},
    ]
}


def _json(schema):
    return {"application/json": {"schema": _ref(schema)}}


def _operation(operation_id, summary, parameters, schema, *, not_found=None):
    responses = {
        "200": {"description": "Erfolg", "content": _json(schema)},
        "400": {
            "description": "Ungültige Parameter, mit Begründung je Parameter",
            "content": _json("Error"),
        },
    }
    if not_found:
        responses["404"] = {"description": not_found, "content": _json("Error")}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["Offene Daten"],
            "parameters": parameters,
            "responses": responses,
        }
    }


def _path_param(name, description):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer"} if name == "id" else {"type": "string"},
    }


def paths():
    return {
        PROFILES_PATH: _operation(
            "steckbriefe", "Veröffentlichte Steckbriefe", PROFILE_PARAMETERS, "ProfilePage"
        ),
        PROFILES_PATH + "{id}/": _operation(
            "steckbrief",
            "Ein veröffentlichter Steckbrief",
            [_path_param("id", "ID des Steckbriefs")],
            "Profile",
            not_found="Kein veröffentlichter Steckbrief mit dieser ID",
        ),
        MUNICIPALITIES_PATH: _operation(
            "gemeinden",
            "Gemeinden des Gemeindeverzeichnisses",
            [
                LAND,
                KREIS,
                _query("q", "Anfang des Gemeindenamens (ohne Groß-/Kleinschreibung).", _string()),
                *PAGINATION_PARAMETERS,
            ],
            "MunicipalityPage",
        ),
        MUNICIPALITIES_PATH + "{ags}/": _operation(
            "gemeinde",
            "Eine Gemeinde",
            [_path_param("ags", "Amtlicher Gemeindeschlüssel (achtstellig)")],
            "MunicipalityWithLicence",
            not_found="Keine Gemeinde mit diesem Schlüssel",
        ),
        COUNTIES_PATH: _operation(
            "kreise",
            "Kreise und kreisfreie Städte",
            [
                LAND,
                _query("q", "Anfang des Anzeigenamens (z. B. „Kreis So“).", _string()),
                *PAGINATION_PARAMETERS,
            ],
            "CountyPage",
        ),
        COUNTIES_PATH + "{key}/": _operation(
            "kreis",
            "Ein Kreis",
            [_path_param("key", "Kreisschlüssel (fünfstellig)")],
            "CountyWithLicence",
            not_found="Kein Kreis mit diesem Schlüssel",
        ),
    }
