"""The OpenAPI 3.1 document of the search API, built from FACETS, SORTS and the form limits
so it cannot drift from what the endpoint accepts."""

from copy import deepcopy
from functools import lru_cache

from .contract import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_RADIUS_KM, SORTS
from .facets import FACETS
from .forms import (
    DEFAULT_RADIUS_KM,
    MAX_PAGE_SIZE,
    MAX_TEXT_LENGTH,
    MAX_VALUES_PER_FACET,
    PAGE,
    PAGE_SIZE,
    PLACE,
    RADIUS,
    SORT,
    TEXT,
    YEAR_FROM,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_TO,
)

API_PATH = "/api/v1/suche/"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema_type):
    return {"type": [schema_type, "null"]}


def _string_list(description=""):
    schema = {"type": "array", "items": {"type": "string"}}
    if description:
        schema["description"] = description
    return schema


def _parameters():
    params = [
        {
            "name": TEXT,
            "in": "query",
            "description": (
                "Suchbegriff. Unicode wird NFKC-normalisiert; Steuerzeichen werden entfernt "
                "(mit Hinweis in `notices`). Länger als "
                f"{MAX_TEXT_LENGTH} Zeichen ergibt 400."
            ),
            "schema": {"type": "string"},
        }
    ]
    for facet in FACETS:
        description = (
            f"Filter „{facet.label}“ (wiederholbar: `?{facet.key}=a&{facet.key}=b`). "
            "Werte innerhalb eines Filters werden mit ODER, verschiedene Filter mit UND "
            "verknüpft. Unbekannte Werte werden ignoriert (Hinweis in `notices`); "
            f"höchstens {MAX_VALUES_PER_FACET} Werte. Gültige Werte liefert `facets`."
        )
        if facet.hierarchical:
            description += (
                " Hierarchisch: ein übergeordneter Wert findet auch alle untergeordneten."
            )
        if facet.key == "startjahr":
            description += f" Für einen freien Zeitraum `{YEAR_FROM}` und `{YEAR_TO}` verwenden."
        params.append(
            {
                "name": facet.key,
                "in": "query",
                "description": description,
                "style": "form",
                "explode": True,
                "schema": {"type": "array", "items": {"type": "string"}},
            }
        )
    params += [
        {
            "name": YEAR_FROM,
            "in": "query",
            "description": "Startjahr frühestens (einschließlich).",
            "schema": {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        },
        {
            "name": YEAR_TO,
            "in": "query",
            "description": f"Startjahr spätestens (einschließlich); nicht vor `{YEAR_FROM}`.",
            "schema": {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
        },
        {
            "name": PLACE,
            "in": "query",
            "description": (
                "Gemeinde für die Umkreissuche: genauer Name oder achtstelliger "
                "Gemeindeschlüssel (AGS). Ein mehrdeutiger Name ergibt 400 mit "
                "`candidates.ort` zur Auswahl."
            ),
            "schema": {"type": "string", "maxLength": 200},
        },
        {
            "name": RADIUS,
            "in": "query",
            "description": (
                f"Umkreis in km um `{PLACE}` (Standard {DEFAULT_RADIUS_KM}); nur zusammen mit "
                f"`{PLACE}` wirksam. Dezimalkomma oder -punkt erlaubt."
            ),
            "schema": {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_KM},
        },
        {
            "name": SORT,
            "in": "query",
            "description": (
                "Sortierung: "
                + "; ".join(f"`{key}` = {label}" for key, label in SORTS.items())
                + ". Ohne Suchbegriff sortiert `relevanz` nach `neueste`. "
                "Eine unbekannte Sortierung wird ignoriert (Hinweis in `notices`)."
            ),
            # no enum: an unknown value is not refused (see the description)
            "schema": {"type": "string", "default": "relevanz"},
        },
        {
            "name": PAGE,
            "in": "query",
            "description": (
                f"Seite (1 bis {MAX_PAGE}). Hinter der letzten Seite wird die letzte Seite "
                "geliefert (Hinweis in `notices`)."
            ),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        {
            "name": PAGE_SIZE,
            "in": "query",
            "description": "Treffer pro Seite.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
        },
    ]
    return params


_SCHEMAS = {
    "Geo": {
        "type": "object",
        "required": ["ags", "name", "latitude", "longitude", "radius_km"],
        "properties": {
            "ags": {"type": "string", "description": "Amtlicher Gemeindeschlüssel"},
            "name": {"type": "string"},
            "latitude": {"type": "number"},
            "longitude": {"type": "number"},
            "radius_km": {"type": "number"},
        },
    },
    "Query": {
        "type": "object",
        "description": "Die geprüfte Anfrage, wie sie ausgeführt wurde.",
        "required": [
            "text",
            "filters",
            "start_year_min",
            "start_year_max",
            "geo",
            "sort",
            "effective_sort",
            "page",
            "page_size",
        ],
        "properties": {
            "text": {"type": "string"},
            "filters": {
                "type": "object",
                "description": "Filter → gewählte (bekannte) Werte.",
                "propertyNames": {"enum": [facet.key for facet in FACETS]},
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "start_year_min": _nullable("integer"),
            "start_year_max": _nullable("integer"),
            "geo": {"oneOf": [_ref("Geo"), {"type": "null"}]},
            "sort": {"type": "string", "enum": list(SORTS)},
            "effective_sort": {"type": "string", "enum": list(SORTS)},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "url", "summary", "highlight"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "Absolute URL"},
            "summary": {"type": "string"},
            "highlight": {
                "type": "string",
                "description": (
                    "Textauszug als HTML: Text maskiert, Fundstellen in `<mark>`; "
                    "leer, wenn es keinen gibt."
                ),
            },
            "task_areas": _string_list(),
            "legal_form": _nullable("string"),
            "cooperation_model": _nullable("string"),
            "phase": _nullable("string"),
            "start_year": _nullable("integer"),
            "partners": _string_list("Namen der Partner (höchstens acht)"),
            "partner_count": _nullable("integer"),
            "distance_km": {
                "type": ["number", "null"],
                "description": "Entfernung zum nächsten Partner bei der Umkreissuche",
            },
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "label", "count", "selected", "depth", "parent"],
        "properties": {
            "value": {"type": "string", "description": "Wert für den URL-Parameter"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
            "depth": {"type": "integer", "minimum": 0},
            "parent": _nullable("string"),
        },
    },
    "Facet": {
        "type": "object",
        "required": ["key", "label", "hierarchical", "values"],
        "properties": {
            "key": {"type": "string", "enum": [facet.key for facet in FACETS]},
            "label": {"type": "string"},
            "hierarchical": {"type": "boolean"},
            "values": {"type": "array", "items": _ref("FacetValue")},
        },
    },
    "Links": {
        "type": "object",
        "required": ["self", "html", "next", "prev"],
        "properties": {
            "self": {"type": "string", "format": "uri"},
            "html": {"type": "string", "format": "uri", "description": "Die Suchseite"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "prev": {"type": ["string", "null"], "format": "uri"},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": [
            "query",
            "total",
            "page",
            "num_pages",
            "hits",
            "facets",
            "suggestion",
            "partial",
            "notices",
            "engine",
            "links",
        ],
        "properties": {
            "query": _ref("Query"),
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "num_pages": {"type": "integer", "minimum": 1},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "array", "items": _ref("Facet")},
            "suggestion": {
                "type": ["string", "null"],
                "description": "Korrekturvorschlag für den Suchbegriff („Meinten Sie …?“)",
            },
            "partial": {
                "type": ["object", "null"],
                "description": (
                    "Alle Suchwörter zusammen ergeben keinen Treffer: die Treffer gelten "
                    "für `matched`, ohne `missing` (die Wörter wie eingegeben)"
                ),
                "required": ["matched", "missing"],
                "properties": {
                    "matched": _string_list("Wörter, für die die Treffer gelten"),
                    "missing": _string_list("Wörter, die weggelassen wurden"),
                },
            },
            "notices": _string_list("Hinweise für die Nutzerin oder den Nutzer"),
            "engine": {"type": "string"},
            "links": _ref("Links"),
        },
    },
    "Candidate": {
        "type": "object",
        "required": ["ags", "name", "kreis", "land"],
        "properties": {
            "ags": {"type": "string"},
            "name": {"type": "string"},
            "kreis": {"type": "string"},
            "land": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": "Parameter → Fehlermeldungen (`__all__`: allgemein)",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "notices": _string_list(),
            "candidates": {
                "type": "object",
                "description": "Zur Auswahl bei mehrdeutiger Gemeinde",
                "additionalProperties": {"type": "array", "items": _ref("Candidate")},
            },
        },
    },
}


@lru_cache(maxsize=1)
def _document():
    # The partner search (matchmaking) documents its own endpoints; imported here, late,
    # because its form module needs the models.
    from matchmaking import openapi as matchmaking_openapi
    from opendata import openapi as opendata_openapi

    json_error = {"application/json": {"schema": _ref("Error")}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kooperationsatlas – API",
            "version": "1.0.0",
            "description": (
                "Steckbriefe interkommunaler Kooperationen durchsuchen und filtern. "
                "Dieselben Parameter wie die Suchseite `/suche/`."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            API_PATH: {
                "get": {
                    "operationId": "suche",
                    "summary": "Steckbriefe suchen",
                    "parameters": _parameters(),
                    "responses": {
                        "200": {
                            "description": "Treffer, Filter mit Anzahlen und Hinweise",
                            "content": {"application/json": {"schema": _ref("SearchResponse")}},
                        },
                        "400": {
                            "description": "Ungültige Parameter, mit Begründung je Parameter",
                            "content": json_error,
                        },
                        "503": {
                            "description": "Die Suche ist vorübergehend nicht verfügbar",
                            "content": json_error,
                        },
                    },
                }
            },
            **matchmaking_openapi.paths(),
            **opendata_openapi.paths(),
        },
        "components": {
            "schemas": {**_SCHEMAS, **matchmaking_openapi.SCHEMAS, **opendata_openapi.SCHEMAS}
        },
    }


def openapi_document():
    """A fresh copy (callers may modify it)."""
    return deepcopy(_document())


EMPTY_NUMBER = "Bitte eine Zahl angeben (der Parameter ist leer)."


def number_parameters(path):
    """Names of the integer and number query parameters of the GET operation at ``path``."""
    operation = _document()["paths"].get(path, {}).get("get", {})
    return {
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query"
        and parameter.get("schema", {}).get("type") in ("integer", "number")
    }


def empty_number_errors(path, params):
    """``{name: [reason]}`` for the number parameters of ``path`` that are present but
    empty. The HTML forms treat an empty field as not given; the JSON API, whose contract
    says "a number", refuses it (400)."""
    return {
        name: [EMPTY_NUMBER]
        for name in sorted(number_parameters(path))
        if name in params and any(not value.strip() for value in params.getlist(name))
    }
