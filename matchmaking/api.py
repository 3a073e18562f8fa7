"""The partner search operations (``/api/v1/partnersuche/`` and ``…/orte/``).

The parameters are typed here for the OpenAPI document and checked by type and range
first; what they mean (the place, the task areas) is decided by ``PartnerSearchForm``,
the form of the page ``/partnersuche/``.
"""

from typing import Literal

from ninja import Field, Query, Router, Schema
from pydantic import create_model

from kooperationsatlas import links
from kooperationsatlas.api import (
    ApiError,
    Error,
    Number,
    canonical_query,
    check_parameters,
    get,
    number_field,
)

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
    PartnerSearchForm,
    find_places,
    task_areas,
)
from .views import body_url, run

API_MAX_AGE = 60
MAX_AUTOCOMPLETE = 10
MAX_PLACE_LENGTH = 200

router = Router(tags=["Partnersuche"])

Level = Literal["gemeinde", "kreis"]
Sort = Literal[tuple(value for value, _ in SORT_CHOICES)]


PartnerParameters = create_model(
    "PartnerParameters",
    __base__=Schema,
    **{
        PLACE: (
            str,
            Field(
                ...,
                max_length=MAX_PLACE_LENGTH,
                title="Gemeinde oder Kreis",
                description=(
                    "Gemeinde oder Kreis, für den Partner gesucht werden: Name, achtstelliger "
                    "Gemeindeschlüssel (AGS) oder fünfstelliger Kreisschlüssel. Ein "
                    f"mehrdeutiger Name ergibt 400 mit `candidates.{PLACE}` zur Auswahl; ein "
                    "unbekannter 400."
                ),
            ),
        ),
        AREAS: (
            list[str],
            Field(
                [],
                max_length=MAX_AREAS,
                title="Aufgabenbereiche",
                description=(
                    f"Aufgabenbereich: Kürzel oder Name (wiederholbar, höchstens {MAX_AREAS}). "
                    "Ein übergeordneter Bereich umfasst seine Unterbereiche. Unbekannte "
                    "ergeben 400. Ohne Angabe zählt Erfahrung in allen Bereichen halb."
                ),
            ),
        ),
        RADIUS: (
            Number,
            number_field(
                1,
                MAX_RADIUS_KM,
                "Umkreis in km",
                "Nur Partner im Umkreis (km, Mittelpunkte). Ohne Angabe: alle.",
            ),
        ),
        LIMIT: (
            int | None,
            Field(
                None,
                ge=1,
                le=MAX_LIMIT,
                title="Anzahl Vorschläge",
                description=f"Anzahl Vorschläge (Standard {DEFAULT_LIMIT}).",
            ),
        ),
        SORT: (
            Sort | None,
            Field(
                None,
                title="Reihenfolge",
                description=(
                    "Reihenfolge der Vorschläge: `punkte` (Standard: die besten nach "
                    "Punktzahl) oder `entfernung` (dieselben Vorschläge, nächste zuerst)."
                ),
            ),
        ),
        **{
            WEIGHT_PARAMS[spec.name]: (
                Number,
                number_field(
                    0,
                    score.MAX_WEIGHT,
                    f"Gewicht „{spec.label}“",
                    f"Gewicht des Bestandteils „{spec.label}“ (`{spec.name}`: {spec.help}). "
                    f"Standard {spec.default_weight:g}; 0 schaltet ihn ab.",
                ),
            )
            for spec in score.COMPONENTS
        },
    },
)


class PlacesParameters(Schema):
    q: str = Field(
        "",
        max_length=MAX_PLACE_LENGTH,
        title="Namensanfang",
        description="Namensanfang (mindestens 2 Zeichen) oder Schlüssel",
    )


class PartnerPlace(Schema):
    key: str = Field(description="AGS (8 Ziffern) oder Kreisschlüssel (5)")
    name: str
    detail: str = Field(description="Art, Kreis, Land")
    label: str


class Component(Schema):
    name: Literal[score.COMPONENT_NAMES]
    label: str
    value: float = Field(ge=0, le=1)
    weight: float
    points: float = Field(description="value × weight")
    reason: str | None = Field(
        description="Begründung aus Register, Steckbriefen oder Börse (null: trägt nichts bei)"
    )


class Suggestion(Schema):
    rank: int = Field(ge=1)
    key: str
    name: str
    kind: str
    level: Level
    url: str
    distance_km: float
    score: float = Field(description="Summe der Punkte aller Bestandteile")
    components: list[Component]


class QueryBody(Schema):
    key: str
    name: str
    kind: str
    level: Level


class TaskAreaRef(Schema):
    slug: str
    name: str


class ExistingPartner(Schema):
    key: str
    name: str
    kind: str
    url: str
    distance_km: float
    cooperations: list[str]


Weights = create_model(
    "Weights", __base__=Schema, **{name: (float, ...) for name in score.COMPONENT_NAMES}
)


class PartnerResponse(Schema):
    query: QueryBody
    task_areas: list[TaskAreaRef]
    radius_km: float | None
    sort: Sort
    weights: Weights
    results: list[Suggestion]
    existing_partners: list[ExistingPartner] = Field(
        description=(
            "Bereits Partner in den gewählten Aufgabenbereichen (gemeinsame Kooperationen): "
            "nie unter den Vorschlägen. Leer ohne Aufgabenbereich."
        )
    )


class PartnerError(Error):
    candidates: dict[str, list[PartnerPlace]] = Field(
        {}, description="Zur Auswahl bei mehrdeutigem Namen"
    )


class Places(Schema):
    results: list[PartnerPlace]


def _level(bodies, body):
    return "kreis" if bodies.level[body] == score.COUNTY else "gemeinde"


def suggestion_data(bodies, suggestion, request):
    return {
        "rank": suggestion.rank,
        "key": suggestion.key,
        "name": suggestion.name,
        "kind": suggestion.kind,
        "level": _level(bodies, suggestion.body),
        "url": links.absolute_url(body_url(bodies, suggestion.body), request),
        "distance_km": suggestion.distance_km,
        "score": suggestion.score,
        "components": [
            {
                "name": c.name,
                "label": c.label,
                "value": c.value,
                "weight": c.weight,
                "points": round(c.points, 3),
                "reason": c.reason or None,
            }
            for c in suggestion.components
        ],
    }


def _place_data(place):
    return {"key": place.key, "name": place.name, "detail": place.detail, "label": place.label}


@get(
    router,
    "/partnersuche/",
    url_name="partner_search",
    params=[PartnerParameters],
    max_age=API_MAX_AGE,
    operation_id="partnersuche",
    summary="Partner für eine Gemeinde oder einen Kreis vorschlagen",
    description=(
        "Dieselben Parameter wie die Seite `/partnersuche/`. Jeder Vorschlag nennt die "
        "Bestandteile seiner Punktzahl mit Wert, Gewicht und Begründung."
    ),
    response={200: PartnerResponse, 400: PartnerError},
)
def partner_search(request, parameters: Query[PartnerParameters]):
    check_parameters(request, PartnerParameters, unknown=False)
    form = PartnerSearchForm(canonical_query(request.GET), areas=tuple(task_areas()))
    if form.is_valid():
        try:
            snapshot, query, suggestions, partners = run(form, request)
        except score.ScoreError as error:
            form.add_error(PLACE, str(error))
    if form.errors:
        extra = {}
        if form.candidates:
            extra["candidates"] = {PLACE: [_place_data(p) for p in form.candidates]}
        raise ApiError(form.error_dict(), **extra)
    bodies = snapshot.bodies
    return {
        "query": {
            "key": bodies.keys[query],
            "name": bodies.names[query],
            "kind": bodies.kinds[query],
            "level": _level(bodies, query),
        },
        "task_areas": [{"slug": a.slug, "name": a.name} for a in form.selected_areas],
        "radius_km": form.radius_km,
        "sort": form.sort,
        "weights": form.weights,
        "results": [suggestion_data(bodies, s, request) for s in suggestions],
        "existing_partners": [
            {
                "key": bodies.keys[body],
                "name": bodies.names[body],
                "kind": bodies.kinds[body],
                "url": links.absolute_url(body_url(bodies, body), request),
                "distance_km": km,
                "cooperations": titles,
            }
            for body, km, titles in partners
        ],
    }


@get(
    router,
    "/partnersuche/orte/",
    url_name="partner_places",
    params=[PlacesParameters],
    max_age=API_MAX_AGE,
    operation_id="partnersuche_orte",
    summary="Gemeinden und Kreise nach Namensanfang (Autovervollständigung)",
    response={200: Places, 400: Error},
)
def partner_places(request, parameters: Query[PlacesParameters]):
    """Municipalities and Kreise whose name starts with ?q= (at most ten)."""
    check_parameters(request, PlacesParameters, unknown=False)
    text = " ".join(parameters.q.split())
    if len(text) < 2:
        return {"results": []}
    places, _ = find_places(text, limit=MAX_AUTOCOMPLETE)
    return {"results": [_place_data(p) for p in places[:MAX_AUTOCOMPLETE]]}
