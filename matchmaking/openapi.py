"""The partner search's part of the OpenAPI document (merged by ``search/openapi.py``).

Built from the form's limits and the score's components so it cannot drift."""

from . import score
from .forms import (
    AREAS,
    DEFAULT_LIMIT,
    LIMIT,
    MAX_AREAS,
    MAX_LIMIT,
    MAX_RADIUS_KM,
    PLACE,
    RADIUS,
    SORT,
    SORT_CHOICES,
    WEIGHT_PARAMS,
)

API_PATH = "/api/v1/partnersuche/"
PLACES_PATH = "/api/v1/partnersuche/orte/"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _parameters():
    params = [
        {
            "name": PLACE,
            "in": "query",
            "required": True,
            "description": (
                "Gemeinde oder Kreis, für den Partner gesucht werden: Name, achtstelliger "
                "Gemeindeschlüssel (AGS) oder fünfstelliger Kreisschlüssel. Ein mehrdeutiger "
                "Name ergibt 400 mit `candidates.q` zur Auswahl; ein unbekannter 400."
            ),
            "schema": {"type": "string", "maxLength": 200},
        },
        {
            "name": AREAS,
            "in": "query",
            "description": (
                f"Aufgabenbereich (Kürzel, wiederholbar, höchstens {MAX_AREAS}). Ein "
                "übergeordneter Bereich umfasst seine Unterbereiche. Unbekannte Kürzel ergeben "
                "400. Ohne Angabe zählt Erfahrung in allen Bereichen halb."
            ),
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_AREAS},
        },
        {
            "name": RADIUS,
            "in": "query",
            "description": "Nur Partner im Umkreis (km, Mittelpunkte). Ohne Angabe: alle.",
            "schema": {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_KM},
        },
        {
            "name": LIMIT,
            "in": "query",
            "description": f"Anzahl Vorschläge (Standard {DEFAULT_LIMIT}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        },
        {
            "name": SORT,
            "in": "query",
            "description": (
                "Reihenfolge der Vorschläge: `punkte` (Standard: die besten nach Punktzahl) "
                "oder `entfernung` (dieselben Vorschläge, nächste zuerst)."
            ),
            "schema": {"type": "string", "enum": [value for value, _ in SORT_CHOICES]},
        },
    ]
    for spec in score.COMPONENTS:
        params.append(
            {
                "name": WEIGHT_PARAMS[spec.name],
                "in": "query",
                "description": (
                    f"Gewicht des Bestandteils „{spec.label}“ (`{spec.name}`: {spec.help}). "
                    f"Standard {spec.default_weight:g}; 0 schaltet ihn ab."
                ),
                "schema": {"type": "number", "minimum": 0, "maximum": score.MAX_WEIGHT},
            }
        )
    return params


SCHEMAS = {
    "PartnerPlace": {
        "type": "object",
        "required": ["key", "name", "detail", "label"],
        "properties": {
            "key": {"type": "string", "description": "AGS (8 Ziffern) oder Kreisschlüssel (5)"},
            "name": {"type": "string"},
            "detail": {"type": "string", "description": "Art, Kreis, Land"},
            "label": {"type": "string"},
        },
    },
    "PartnerComponent": {
        "type": "object",
        "required": ["name", "label", "value", "weight", "points", "reason"],
        "properties": {
            "name": {"type": "string", "enum": list(score.COMPONENT_NAMES)},
            "label": {"type": "string"},
            "value": {"type": "number", "minimum": 0, "maximum": 1},
            "weight": {"type": "number"},
            "points": {"type": "number", "description": "value × weight"},
            "reason": {
                "type": ["string", "null"],
                "description": (
                    "Begründung aus Register, Steckbriefen oder Börse (null: trägt nichts bei)"
                ),
            },
        },
    },
    "PartnerSuggestion": {
        "type": "object",
        "required": ["rank", "key", "name", "kind", "level", "url", "distance_km", "score"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "key": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "level": {"type": "string", "enum": ["gemeinde", "kreis"]},
            "url": {"type": "string", "format": "uri"},
            "distance_km": {"type": "number"},
            "score": {"type": "number", "description": "Summe der Punkte aller Bestandteile"},
            "components": {"type": "array", "items": _ref("PartnerComponent")},
        },
    },
    "PartnerResponse": {
        "type": "object",
        "required": [
            "query",
            "task_areas",
            "radius_km",
            "sort",
            "weights",
            "results",
            "existing_partners",
        ],
        "properties": {
            "query": {
                "type": "object",
                "required": ["key", "name", "kind", "level"],
                "properties": {
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "level": {"type": "string", "enum": ["gemeinde", "kreis"]},
                },
            },
            "task_areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
                },
            },
            "radius_km": {"type": ["number", "null"]},
            "weights": {
                "type": "object",
                "properties": {name: {"type": "number"} for name in score.COMPONENT_NAMES},
            },
            "sort": {"type": "string", "enum": [value for value, _ in SORT_CHOICES]},
            "results": {"type": "array", "items": _ref("PartnerSuggestion")},
            "existing_partners": {
                "type": "array",
                "description": (
                    "Bereits Partner in den gewählten Aufgabenbereichen (gemeinsame "
                    "Kooperationen): nie unter den Vorschlägen. Leer ohne Aufgabenbereich."
                ),
                "items": {
                    "type": "object",
                    "required": ["key", "name", "kind", "url", "distance_km", "cooperations"],
                    "properties": {
                        "key": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "distance_km": {"type": "number"},
                        "cooperations": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "PartnerError": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": "Parameter → Fehlermeldungen (`__all__`: allgemein)",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "candidates": {
                "type": "object",
                "description": "Zur Auswahl bei mehrdeutigem Namen",
                "additionalProperties": {"type": "array", "items": _ref("PartnerPlace")},
            },
        },
    },
}


def paths():
    error = {"application/json": {"schema": _ref("PartnerError")}}
    return {
        API_PATH: {
            "get": {
                "operationId": "partnersuche",
                "summary": "Partner für eine Gemeinde oder einen Kreis vorschlagen",
                "description": (
                    "Dieselben Parameter wie die Seite `/partnersuche/`. Jeder Vorschlag nennt "
                    "die Bestandteile seiner Punktzahl mit Wert, Gewicht und Begründung."
                ),
                "parameters": _parameters(),
                "responses": {
                    "200": {
                        "description": "Vorschläge, beste zuerst",
                        "content": {"application/json": {"schema": _ref("PartnerResponse")}},
                    },
                    "400": {"description": "Ungültige Parameter, mit Begründung", "content": error},
                },
            }
        },
        PLACES_PATH: {
            "get": {
                "operationId": "partnersuche_orte",
                "summary": "Gemeinden und Kreise nach Namensanfang (Autovervollständigung)",
                "parameters": [
                    {
                        "name": PLACE,
                        "in": "query",
                        "description": "Namensanfang (mindestens 2 Zeichen) oder Schlüssel",
                        "schema": {"type": "string", "maxLength": 200},
                    }
                ],
                "responses": {
                    "400": {
                        "description": "Länger als 200 Zeichen, mit Begründung",
                        "content": {"application/json": {"schema": _ref("Error")}},
                    },
                    "200": {
                        "description": "Höchstens zehn Treffer",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "results": {
                                            "type": "array",
                                            "items": _ref("PartnerPlace"),
                                        }
                                    },
                                }
                            }
                        },
                    },
                },
            }
        },
    }
