"""The search operation (``/api/v1/suche/``): the parameters of the search page, JSON out.

The parameters are typed here for the OpenAPI document and checked by type and range
before the operation runs; what they mean (facet values, the place, notices) is decided
by ``SearchForm``, the same form the page uses, so page and API cannot drift apart.
"""

from dataclasses import replace
from typing import Literal

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from kooperationsatlas import links
from kooperationsatlas.api import (
    PAGE,
    ApiError,
    Error,
    Links,
    Number,
    canonical_query,
    check_parameters,
    get,
    number_field,
    page_field,
    page_size_field,
)

from .contract import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_RADIUS_KM, SORTS
from .facets import FACETS, FACETS_BY_KEY, labels_remembered
from .forms import (
    DEFAULT_RADIUS_KM,
    MAX_PAGE_SIZE,
    MAX_TEXT_LENGTH,
    MAX_VALUES_PER_FACET,
    PLACE,
    RADIUS,
    SORT,
    TEXT,
    YEAR_FROM,
    YEAR_MAX,
    YEAR_MIN,
    YEAR_TO,
    SearchForm,
    query_string,
)
from .views import UNAVAILABLE, SearchUnavailable, hit_data, page_url, run_search

API_MAX_AGE = 60

router = Router(tags=["Suche"])


def _facet_description(facet):
    description = (
        f"Filter „{facet.label}“ (wiederholbar: `?{facet.key}=a&{facet.key}=b`). Werte "
        "innerhalb eines Filters werden mit ODER, verschiedene Filter mit UND verknüpft. "
        "Unbekannte Werte werden ignoriert (Hinweis in `notices`); höchstens "
        f"{MAX_VALUES_PER_FACET} Werte. Gültige Werte liefert `facets`."
    )
    if facet.hierarchical:
        description += " Hierarchisch: ein übergeordneter Wert findet auch alle untergeordneten."
    if facet.key == "startjahr":
        description += f" Für einen freien Zeitraum `{YEAR_FROM}` und `{YEAR_TO}` verwenden."
    return description


SearchParameters = create_model(
    "SearchParameters",
    __base__=Schema,
    **{
        TEXT: (
            str,
            Field(
                "",
                title="Suchbegriff",
                description=(
                    "Suchbegriff. Unicode wird NFKC-normalisiert; Steuerzeichen werden entfernt "
                    f"(mit Hinweis in `notices`). Länger als {MAX_TEXT_LENGTH} Zeichen ergibt 400."
                ),
            ),
        ),
        **{
            facet.key: (
                list[str],
                Field([], title=facet.label, description=_facet_description(facet)),
            )
            for facet in FACETS
        },
        YEAR_FROM: (
            int | None,
            Field(
                None,
                ge=YEAR_MIN,
                le=YEAR_MAX,
                title="Startjahr von",
                description="Startjahr frühestens (einschließlich).",
            ),
        ),
        YEAR_TO: (
            int | None,
            Field(
                None,
                ge=YEAR_MIN,
                le=YEAR_MAX,
                title="Startjahr bis",
                description=f"Startjahr spätestens (einschließlich); nicht vor `{YEAR_FROM}`.",
            ),
        ),
        PLACE: (
            str,
            Field(
                "",
                max_length=200,
                title="Gemeinde",
                description=(
                    "Gemeinde für die Umkreissuche: Name, „Name (Kreis)“ oder achtstelliger "
                    "Gemeindeschlüssel (AGS). Ein mehrdeutiger Name ergibt 400 mit "
                    f"`candidates.{PLACE}` zur Auswahl."
                ),
            ),
        ),
        RADIUS: (
            Number,
            number_field(
                1,
                MAX_RADIUS_KM,
                "Umkreis in km",
                f"Umkreis in km um `{PLACE}` (Standard {DEFAULT_RADIUS_KM}); nur zusammen mit "
                f"`{PLACE}` wirksam. Dezimalkomma oder -punkt erlaubt.",
            ),
        ),
        SORT: (
            str,
            Field(
                "relevanz",
                title="Sortierung",
                # no enum: an unknown value is ignored with a notice, not refused
                description=(
                    "Sortierung: "
                    + "; ".join(f"`{key}` = {label}" for key, label in SORTS.items())
                    + ". Ohne Suchbegriff sortiert `relevanz` nach `neueste`. Eine unbekannte "
                    "Sortierung wird ignoriert (Hinweis in `notices`)."
                ),
            ),
        ),
        PAGE: (
            int,
            page_field(
                MAX_PAGE,
                f"Seite (1 bis {MAX_PAGE}). Hinter der letzten Seite wird die letzte Seite "
                "geliefert (Hinweis in `notices`).",
            ),
        ),
        "pro_seite": (int, page_size_field(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, "Treffer pro Seite.")),
    },
)


class Geo(Schema):
    ags: str = Field(description="Amtlicher Gemeindeschlüssel")
    name: str
    latitude: float
    longitude: float
    radius_km: float


class SearchQuery(Schema):
    """The checked query, as it was run."""

    text: str
    filters: dict[str, list[str]] = Field(description="Filter → gewählte (bekannte) Werte.")
    start_year_min: int | None
    start_year_max: int | None
    geo: Geo | None
    sort: str
    effective_sort: str
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


class Hit(Schema):
    id: int
    title: str
    url: str = Field(description="Absolute URL")
    summary: str
    highlight: str = Field(
        description=(
            "Textauszug als HTML: Text maskiert, Fundstellen in `<mark>`; "
            "leer, wenn es keinen gibt."
        )
    )
    task_areas: list[str]
    legal_form: str | None
    cooperation_model: str | None
    phase: str | None
    start_year: int | None
    partners: list[str] = Field(description="Namen der Partner (höchstens acht)")
    partner_count: int | None
    distance_km: float | None = Field(
        description="Entfernung zum nächsten Partner bei der Umkreissuche"
    )


class FacetValue(Schema):
    value: str = Field(description="Wert für den URL-Parameter")
    label: str
    count: int = Field(ge=0)
    selected: bool
    depth: int = Field(ge=0)
    parent: str | None


FacetKey = Literal[tuple(facet.key for facet in FACETS)]


class Facet(Schema):
    key: FacetKey
    label: str
    hierarchical: bool
    values: list[FacetValue]


class SearchLinks(Links):
    html: str = Field(description="Die Suchseite")


class Partial(Schema):
    matched: list[str] = Field(description="Wörter, für die die Treffer gelten")
    missing: list[str] = Field(description="Wörter, die weggelassen wurden")


class SearchResponse(Schema):
    query: SearchQuery
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    num_pages: int = Field(ge=1)
    hits: list[Hit]
    facets: list[Facet]
    suggestion: str | None = Field(
        description="Korrekturvorschlag für den Suchbegriff („Meinten Sie …?“)"
    )
    partial: Partial | None = Field(
        description=(
            "Alle Suchwörter zusammen ergeben keinen Treffer: die Treffer gelten für "
            "`matched`, ohne `missing` (die Wörter wie eingegeben)"
        )
    )
    notices: list[str] = Field(description="Hinweise für die Nutzerin oder den Nutzer")
    engine: str
    links: SearchLinks


class Candidate(Schema):
    ags: str
    name: str
    kreis: str
    land: str


class SearchError(Error):
    notices: list[str] = []
    candidates: dict[str, list[Candidate]] = Field(
        {}, description="Zur Auswahl bei mehrdeutiger Gemeinde"
    )


def _query_data(query):
    geo = None
    if query.geo is not None:
        geo = {
            "ags": query.geo.ags,
            "name": query.geo.name,
            "latitude": query.geo.latitude,
            "longitude": query.geo.longitude,
            "radius_km": query.geo.radius_km,
        }
    return {
        "text": query.text,
        "filters": {key: list(values) for key, values in query.filters.items()},
        "start_year_min": query.start_year_min,
        "start_year_max": query.start_year_max,
        "geo": geo,
        "sort": query.sort,
        "effective_sort": query.effective_sort,
        "page": query.page,
        "page_size": query.page_size,
    }


def _facet_data(facet):
    return {
        "key": facet.key,
        "label": facet.label,
        "hierarchical": facet.hierarchical,
        "values": [
            {
                "value": value.value,
                "label": value.label,
                "count": value.count,
                "selected": value.selected,
                "depth": value.depth,
                "parent": value.parent,
            }
            for value in facet.values
        ],
    }


@get(
    router,
    "/suche/",
    url_name="search",
    params=[SearchParameters],
    max_age=API_MAX_AGE,
    operation_id="suche",
    summary="Steckbriefe suchen",
    description="Dieselben Parameter wie die Suchseite `/suche/`.",
    response={200: SearchResponse, 400: SearchError, 503: Error},
)
def search(request, parameters: Query[SearchParameters]):
    check_parameters(request, SearchParameters, unknown=False)
    with labels_remembered(request):
        return _search(request)


def _search(request):
    form = SearchForm(canonical_query(request.GET))
    if not form.is_valid():
        extra = {"notices": form.notices}
        if form.place_candidates:
            extra["candidates"] = {PLACE: [c.as_dict() for c in form.place_candidates]}
        raise ApiError(form.error_dict(), **extra)
    query = form.search_query
    place = form.place_input
    try:
        results = run_search(query)
    except SearchUnavailable as error:
        raise ApiError({"__all__": [UNAVAILABLE]}, status=503) from error
    shown = results.query
    path = reverse("api:search")

    def api_url(page):
        return links.absolute_url(path + query_string(replace(shown, page=page), place), request)

    return {
        "query": _query_data(shown),
        "total": results.total,
        "page": shown.page,
        "page_size": shown.page_size,
        "num_pages": results.num_pages,
        "hits": [hit_data(hit, request) for hit in results.hits],
        "facets": [_facet_data(facet) for facet in results.facets if facet.key in FACETS_BY_KEY],
        "suggestion": results.suggestion or None,
        "partial": (
            {"matched": list(results.partial.matched), "missing": list(results.partial.missing)}
            if results.partial
            else None
        ),
        "notices": form.notices + results.notices,
        "engine": results.engine,
        "links": {
            "self": api_url(shown.page),
            "html": links.absolute_url(page_url(shown, place, anchor=""), request),
            "next": api_url(shown.page + 1) if shown.page < results.num_pages else None,
            "prev": api_url(shown.page - 1) if shown.page > 1 else None,
        },
    }
