"""The read-only open-data operations: ``/api/v1/steckbriefe/``, ``/api/v1/gemeinden/``,
``/api/v1/kreise/`` and their details. Only published profiles; records built by
``records`` (the downloads use the same functions)."""

import datetime
from typing import Annotated, Literal

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from cooperations.models import CooperationModel, LegalForm, Phase, TaskArea
from cooperations.taxonomy import find_term
from kooperationsatlas import links
from kooperationsatlas.api import (
    PRINTABLE,
    ApiError,
    Error,
    Links,
    check_parameters,
    get,
    num_pages,
    page_field,
    page_links,
    page_size_field,
)
from register.lookup import find_places, find_state
from register.models import register_url
from surveys.results import SUPPRESSION_THRESHOLD, campaign_results, result_campaigns

from . import records, survey

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
YEAR_MIN, YEAR_MAX = 1800, 2200
MAX_QUERY_LENGTH = 100

router = Router(tags=["Offene Daten"])

Text = Annotated[str | None, PRINTABLE]


def _text(title, description):
    return Field(None, max_length=MAX_QUERY_LENGTH, title=title, description=description)


LAND = "Land: Landesschlüssel (zweistellig, z. B. `05`) oder Name (`Nordrhein-Westfalen`)."
KREIS = "Kreis: Kreisschlüssel (fünfstellig, z. B. `05974`) oder Name (`Kreis Soest`)."
PAGE_DESCRIPTION = (
    "Seite (ab 1). Hinter der letzten Seite: 200 mit leerem `results` und richtigem `total`."
)


class ProfileParameters(Schema):
    land: Text = _text("Land", LAND + " Steckbriefe mit einem Partner in diesem Land.")
    kreis: Text = _text("Kreis", KREIS + " Steckbriefe mit einem Partner in diesem Kreis.")
    aufgabe: Text = _text(
        "Aufgabenbereich",
        "Aufgabenbereich: Kürzel (`standesamt`) oder Name (`Standesamt`); findet auch "
        "untergeordnete Aufgabenbereiche.",
    )
    rechtsform: Text = _text(
        "Rechtsform", "Rechtsform: Kürzel oder Name; findet auch untergeordnete."
    )
    modell: Text = _text("Kooperationsmodell", "Kooperationsmodell: Kürzel oder Name.")
    phase: Literal[tuple(Phase.values)] | None = Field(None, title="Phase", description="Phase.")
    startjahr_von: int | None = Field(
        None,
        ge=YEAR_MIN,
        le=YEAR_MAX,
        title="Startjahr von",
        description="Startjahr frühestens (einschließlich).",
    )
    startjahr_bis: int | None = Field(
        None,
        ge=YEAR_MIN,
        le=YEAR_MAX,
        title="Startjahr bis",
        description="Startjahr spätestens (einschließlich); nicht vor `startjahr_von`.",
    )
    geaendert_seit: datetime.date | None = Field(
        None,
        title="Geändert seit",
        description="Nur Steckbriefe, die an oder nach diesem Tag (UTC) veröffentlicht wurden.",
    )
    seite: int = page_field(MAX_PAGE, PAGE_DESCRIPTION)
    pro_seite: int = page_size_field(
        DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, f"Einträge pro Seite (höchstens {MAX_PAGE_SIZE})."
    )


class MunicipalityParameters(Schema):
    land: Text = _text("Land", LAND)
    kreis: Text = _text("Kreis", KREIS)
    q: Text = _text("Name", "Anfang des Gemeindenamens (ohne Groß-/Kleinschreibung).")
    seite: int = page_field(MAX_PAGE, PAGE_DESCRIPTION)
    pro_seite: int = page_size_field(
        DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, f"Einträge pro Seite (höchstens {MAX_PAGE_SIZE})."
    )


class CountyParameters(Schema):
    land: Text = _text("Land", LAND)
    q: Text = _text("Name", "Anfang des Anzeigenamens (z. B. „Kreis So“).")
    seite: int = page_field(MAX_PAGE, PAGE_DESCRIPTION)
    pro_seite: int = page_size_field(
        DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, f"Einträge pro Seite (höchstens {MAX_PAGE_SIZE})."
    )


# --- records -------------------------------------------------------------------------------


class Term(Schema):
    slug: str
    name: str


class Partner(Schema):
    name: str
    kind: Literal["gemeinde", "kreis", "organisation"]
    ags: str | None
    county_key: str | None
    state_key: str | None
    role: str
    role_label: str
    role_source: str | None = Field(description="Kürzel der Quelle der Rolle")


class Figures(Schema):
    savings_percent: float | None
    savings_eur_per_year: float | None
    staff_fte: float | None
    population_served: int | None


class Section(Schema):
    text: str
    sources: list[str]


class KeyFigure(Schema):
    kind: str
    label: str
    value: float
    unit: str
    year: int | None
    source: str


class Source(Schema):
    key: str
    title: str
    publisher: str
    url: str
    document_reference: str
    published: str
    accessed: str | None = Field(description="Datum (JJJJ-MM-TT)")


class Contact(Schema):
    name: str
    function: str
    organisation: str
    email: str
    phone: str


class OfficeContact(Schema):
    office: str
    email: str
    phone: str
    url: str
    source: str | None


class Profile(Schema):
    """A published profile. What is not known is ``null`` or empty."""

    id: int
    title: str
    url: str | None
    summary: str
    start_year: int | None
    end_year: int | None
    phase: str | None
    phase_label: str | None
    status_note: str
    legal_form: Term | None
    legal_form_source: str | None = Field(description="Kürzel der Quelle")
    phase_source: str | None = Field(description="Kürzel der Quelle")
    start_year_source: str | None = Field(description="Kürzel der Quelle")
    cooperation_model: Term | None
    task_areas: list[Term]
    partners: list[Partner]
    figures: Figures
    sections: dict[str, Section] = Field(
        description="Die ausgefüllten Abschnitte (Anlass, Ziel, Umsetzung, Ergebnisse, "
        "Erfolgsfaktoren, Stolpersteine) mit den Kürzeln ihrer Quellen."
    )
    key_figures: list[KeyFigure] = Field(description="Kennzahlen mit Einheit, Bezugsjahr, Quelle.")
    facts: list[str]
    sources: list[Source]
    contacts: list[Contact] = Field(
        description="Nur Ansprechpersonen, die der Veröffentlichung zugestimmt haben."
    )
    office_contacts: list[OfficeContact] = Field(
        description="Öffentliche Kontakte von Dienststellen laut Quelle."
    )
    last_reviewed: str | None = Field(description="Datum (JJJJ-MM-TT)")
    review_note: str
    first_published_at: str | None = Field(description="Zeitpunkt (ISO 8601)")
    last_published_at: str | None = Field(description="Zeitpunkt (ISO 8601)")


class Licence(Schema):
    name: str
    url: str


class WithLicence(Schema):
    quelle: str = Field(description="Quellenangabe des Gemeindeverzeichnisses")
    lizenz: Licence


class Municipality(Schema):
    ags: str = Field(description="Amtlicher Gemeindeschlüssel")
    ars: str = Field(description="Amtlicher Regionalschlüssel")
    name: str
    name_official: str
    kind: str
    county_key: str
    county_name: str
    district_key: str | None
    district_name: str | None
    state_key: str
    state_name: str
    population: int
    population_date: str | None
    area_km2: float
    latitude: float | None
    longitude: float | None
    postcode: str
    url: str = Field(description="Seite der Gemeinde im Atlas")


class County(Schema):
    key: str = Field(description="Kreisschlüssel")
    name: str
    display_name: str
    kind: str
    district_key: str | None
    district_name: str | None
    state_key: str
    state_name: str
    population: int
    population_date: str | None
    area_km2: float
    url: str = Field(description="Seite des Kreises im Atlas")


class MunicipalityWithLicence(Municipality, WithLicence):
    pass


class CountyWithLicence(County, WithLicence):
    pass


class ListPage(Schema):
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    num_pages: int = Field(ge=1)
    links: Links


class ProfilePage(ListPage):
    results: list[Profile]


class MunicipalityPage(ListPage, WithLicence):
    results: list[Municipality]


class CountyPage(ListPage, WithLicence):
    results: list[County]


# --- filters -------------------------------------------------------------------------------


def _paginate(request, queryset, parameters, serialize):
    """The page of ``queryset`` as the list envelope. A page behind the last one answers
    200 with empty ``results`` and the correct ``total`` (``prev`` points back)."""
    page, page_size = parameters.seite, parameters.pro_seite
    total = queryset.count()
    pages = num_pages(total, page_size)
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size]) if start < total else []
    given = parameters.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "num_pages": pages,
        "links": page_links(request, request.path, given, page, pages, page_size),
        "results": [serialize(item) for item in items],
    }


def _state(text, errors):
    state = find_state(text)
    if state is None:
        errors["land"] = [f"Unbekanntes Land „{text}“ (Landesschlüssel oder Name)."]
    return state


def _county(text, errors):
    county = find_places(text, municipalities=False).single
    if county is None:
        errors["kreis"] = [f"Unbekannter Kreis „{text}“ (Kreisschlüssel oder Name)."]
    return county


def filter_profiles(parameters):
    """The published profiles matching the filters; ApiError (400) with the reasons."""
    errors = {}
    queryset = records.published_profiles()
    if parameters.land and (state := _state(parameters.land, errors)):
        queryset = queryset.filter(
            Q(partners__municipality__state=state) | Q(partners__county__state=state)
        )
    if parameters.kreis and (county := _county(parameters.kreis, errors)):
        queryset = queryset.filter(
            Q(partners__municipality__county=county) | Q(partners__county=county)
        )
    for name, model, field, hierarchical in (
        ("aufgabe", TaskArea, "task_areas__in", True),
        ("rechtsform", LegalForm, "legal_form__in", True),
        ("modell", CooperationModel, "cooperation_model__in", False),
    ):
        text = getattr(parameters, name)
        if text:
            term = find_term(model.objects.all(), text)
            if term is None:
                errors[name] = [f"Unbekannter Wert „{text}“ (Kürzel oder Name)."]
            else:
                terms = term.descendants_and_self() if hierarchical else [term]
                queryset = queryset.filter(**{field: terms})
    if parameters.phase:
        queryset = queryset.filter(phase=parameters.phase)
    year_from, year_to = parameters.startjahr_von, parameters.startjahr_bis
    if year_from is not None and year_to is not None and year_to < year_from:
        errors["startjahr_bis"] = ["Liegt vor „startjahr_von“."]
    if year_from is not None:
        queryset = queryset.filter(start_year__gte=year_from)
    if year_to is not None:
        queryset = queryset.filter(start_year__lte=year_to)
    if parameters.geaendert_seit:
        start = datetime.datetime.combine(
            parameters.geaendert_seit, datetime.time.min, tzinfo=datetime.UTC
        )
        queryset = queryset.filter(last_published_at__gte=start)
    if errors:
        raise ApiError(errors)
    return queryset.distinct()


@get(
    router,
    "/steckbriefe/",
    url_name="profile_list",
    params=[ProfileParameters],
    operation_id="steckbriefe",
    summary="Veröffentlichte Steckbriefe",
    response={200: ProfilePage, 400: Error},
)
def profile_list(request, parameters: Query[ProfileParameters]):
    """Published profiles, filtered and paginated."""
    check_parameters(request, ProfileParameters)
    queryset = filter_profiles(parameters)
    return _paginate(
        request, queryset, parameters, lambda page: records.profile_record(page, request)
    )


@get(
    router,
    "/steckbriefe/{int:id}/",
    url_name="profile_detail",
    operation_id="steckbrief",
    summary="Ein veröffentlichter Steckbrief",
    response={200: Profile, 404: Error},
)
def profile_detail(request, id: int = Path(..., description="ID des Steckbriefs")):  # noqa: A002
    page = records.published_profiles().filter(pk=id).first() if 0 < id < 2**63 else None
    if page is None:
        raise Http404("Steckbrief nicht gefunden.")
    return records.profile_record(page, request)


def _register_list(parameters, queryset, name_field, errors):
    if parameters.land and (state := _state(parameters.land, errors)):
        queryset = queryset.filter(state__key=state.key)
    kreis = getattr(parameters, "kreis", None)
    if kreis and (county := _county(kreis, errors)):
        queryset = queryset.filter(county__key=county.key)
    if parameters.q:
        queryset = queryset.filter(**{f"{name_field}__istartswith": parameters.q})
    if errors:
        raise ApiError(errors)
    return queryset


def _municipality(values):
    record = records.municipality_record(values)
    record["url"] = register_url("register:municipality", record["ags"])
    return record


def _county_record(values):
    record = records.county_record(values)
    record["url"] = register_url("register:county", record["key"])
    return record


@get(
    router,
    "/gemeinden/",
    url_name="municipality_list",
    params=[MunicipalityParameters],
    operation_id="gemeinden",
    summary="Gemeinden des Gemeindeverzeichnisses",
    response={200: MunicipalityPage, 400: Error},
)
def municipality_list(request, parameters: Query[MunicipalityParameters]):
    """Municipalities of the register, filtered and paginated."""
    check_parameters(request, MunicipalityParameters)
    queryset = _register_list(parameters, records.municipality_values(), "name", {})
    page = _paginate(request, queryset, parameters, _municipality)
    return {**page, **records.register_licence()}


@get(
    router,
    "/gemeinden/{ags}/",
    url_name="municipality_detail",
    operation_id="gemeinde",
    summary="Eine Gemeinde",
    response={200: MunicipalityWithLicence, 404: Error},
)
def municipality_detail(
    request, ags: str = Path(..., description="Amtlicher Gemeindeschlüssel (achtstellig)")
):
    values = records.municipality_values().filter(ags=ags).first()
    if values is None:
        raise Http404("Gemeinde nicht gefunden.")
    return {**_municipality(values), **records.register_licence()}


@get(
    router,
    "/kreise/",
    url_name="county_list",
    params=[CountyParameters],
    operation_id="kreise",
    summary="Kreise und kreisfreie Städte",
    response={200: CountyPage, 400: Error},
)
def county_list(request, parameters: Query[CountyParameters]):
    """Kreise and kreisfreie Städte of the register, filtered and paginated."""
    check_parameters(request, CountyParameters)
    queryset = _register_list(parameters, records.county_values(), "display_name", {})
    page = _paginate(request, queryset, parameters, _county_record)
    return {**page, **records.register_licence()}


@get(
    router,
    "/kreise/{key}/",
    url_name="county_detail",
    operation_id="kreis",
    summary="Ein Kreis",
    response={200: CountyWithLicence, 404: Error},
)
def county_detail(request, key: str = Path(..., description="Kreisschlüssel (fünfstellig)")):
    values = records.county_values().filter(key=key).first()
    if values is None:
        raise Http404("Kreis nicht gefunden.")
    return {**_county_record(values), **records.register_licence()}


# --- survey results (Erhebungen) -------------------------------------------------------------


class Suppression(Schema):
    schwelle: int = Field(description="Zahlen unter dieser Schwelle sind unterdrückt")
    regel: str


class CampaignSummary(Schema):
    id: int
    titel: str
    beginn: str = Field(description="Datum (JJJJ-MM-TT)")
    frist: str = Field(description="Datum (JJJJ-MM-TT)")
    stand: str = Field(description="Datum (JJJJ-MM-TT)")
    laeuft: bool
    befragt: int
    geantwortet: int
    ruecklaufquote_prozent: float | None
    url: str = Field(description="Die Ergebnisseite im Atlas")


class CampaignListItem(CampaignSummary):
    ergebnisse: str = Field(description="Die Ergebnisse dieser Erhebung in der API")


class CampaignList(Schema):
    unterdrueckung: Suppression
    results: list[CampaignListItem]


class District(Schema):
    schluessel: str
    name: str
    befragt: int
    geantwortet: int


class SurveyRecord(Schema):
    aufgabenbereich: str
    aufgabenbereich_name: str
    regierungsbezirk: str
    regierungsbezirk_name: str
    antwort: str
    antwort_text: str
    anzahl: int | None = Field(description="`null`: unterdrückt")
    unterdrueckt: bool
    befragt: int
    geantwortet: int


class CampaignResults(Schema):
    erhebung: CampaignSummary
    unterdrueckung: Suppression
    regierungsbezirke: list[District]
    ergebnisse: list[SurveyRecord]


@get(
    router,
    "/erhebungen/",
    url_name="survey_list",
    operation_id="erhebungen",
    summary="Erhebungen mit veröffentlichten Ergebnissen",
    response={200: CampaignList},
)
def survey_list(request):
    """Campaigns with published results, newest first, with their response rates."""
    campaigns = [
        {
            **survey.campaign_summary(campaign_results(campaign), request),
            "ergebnisse": links.absolute_url(
                reverse("api:survey_detail", args=[campaign.pk]), request
            ),
        }
        for campaign in result_campaigns()
    ]
    return {
        "unterdrueckung": {"schwelle": SUPPRESSION_THRESHOLD, "regel": survey.RULE},
        "results": campaigns,
    }


@get(
    router,
    "/erhebungen/{int:pk}/",
    url_name="survey_detail",
    operation_id="erhebung",
    summary="Die Ergebnisse einer Erhebung",
    response={200: CampaignResults, 404: Error},
)
def survey_detail(request, pk: int = Path(..., description="ID der Erhebung")):
    campaign = result_campaigns().filter(pk=pk).first() if 0 < pk < 2**63 else None
    if campaign is None:
        raise Http404("Erhebung nicht gefunden.")
    return survey.campaign_document(campaign_results(campaign), request)
