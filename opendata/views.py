"""Downloads (``/daten/*.csv|json``) and the read-only JSON API (``/api/v1/steckbriefe/``,
``/api/v1/gemeinden/``, ``/api/v1/kreise/``). Only GET; only published profiles."""

import csv
import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from cooperations.models import CooperationModel, LegalForm, Phase, TaskArea
from kooperationsatlas import links
from register.attribution import LICENCE_URL
from register.models import County, Municipality, State, register_url

from . import records

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
YEAR_MIN, YEAR_MAX = 1800, 2200
MAX_QUERY_LENGTH = 100


# --- downloads ---------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def _csv_response(filename, columns, rows, *, register=False):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(columns)  # BOM: Excel reads UTF-8 correctly
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return _download(response, filename, register=register)


def _json_stream_response(filename, head, key, items, *, register=False):
    """``{…head, key: [items…]}`` streamed item by item."""

    def chunks():
        opening = json.dumps(head, ensure_ascii=False, cls=DjangoJSONEncoder)
        yield opening[:-1] + (", " if head else "") + json.dumps(key) + ": ["
        for number, item in enumerate(items):
            yield ("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False)
        yield "\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    return _download(response, filename, register=register)


def _download(response, filename, *, register):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    links = [f'<{reverse("data_sources")}>; rel="describedby"']
    if register:
        # The attribution text itself is on /daten/ (linked here) and in every JSON export;
        # an HTTP header cannot carry it faithfully (not Latin-1).
        links.insert(0, f'<{LICENCE_URL}>; rel="license"')
    response["Link"] = ", ".join(links)
    if register:
        # The register changes only with an import; profile exports are never cached, so an
        # unpublished profile does not linger in a proxy.
        response["Cache-Control"] = "public, max-age=3600"
    return response


def _profile_records(request):
    return [records.profile_record(page, request) for page in records.published_profiles()]


@require_safe
def profiles_csv(request):
    rows = (records.profile_row(record) for record in _profile_records(request))
    return _csv_response("steckbriefe.csv", records.PROFILE_CSV_COLUMNS, rows)


@require_safe
def profiles_json(request):
    items = _profile_records(request)
    return _json_stream_response("steckbriefe.json", {"count": len(items)}, "steckbriefe", items)


@require_safe
def municipalities_csv(request):
    columns = records.MUNICIPALITY_CSV_COLUMNS
    rows = (
        records.csv_row(records.municipality_record(values), columns)
        for values in records.municipality_values().iterator(chunk_size=2000)
    )
    return _csv_response("gemeinden.csv", columns, rows, register=True)


@require_safe
def municipalities_json(request):
    head = {**records.register_licence(), "count": Municipality.objects.count()}
    items = (
        records.municipality_record(values)
        for values in records.municipality_values().iterator(chunk_size=2000)
    )
    return _json_stream_response("gemeinden.json", head, "gemeinden", items, register=True)


@require_safe
def counties_csv(request):
    columns = records.COUNTY_CSV_COLUMNS
    rows = (records.csv_row(records.county_record(v), columns) for v in records.county_values())
    return _csv_response("kreise.csv", columns, rows, register=True)


@require_safe
def counties_json(request):
    head = {**records.register_licence(), "count": County.objects.count()}
    items = [records.county_record(values) for values in records.county_values()]
    return _json_stream_response("kreise.json", head, "kreise", items, register=True)


# --- API -----------------------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _error(errors, status=400):
    return JsonResponse(
        {"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _not_found(what):
    return _error({"__all__": [f"{what} nicht gefunden."]}, status=404)


def _int(params, name, errors, *, minimum, maximum, default=None):
    if name not in params:
        return default
    raw = params.get(name, "").strip()
    if not raw:  # present but empty: not a number (the contract says integer)
        errors[name] = ["Bitte eine ganze Zahl angeben (der Parameter ist leer)."]
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = ["Bitte eine ganze Zahl angeben."]
        return default
    if not minimum <= value <= maximum:
        errors[name] = [f"Erlaubt sind {minimum} bis {maximum}."]
        return default
    return value


def _single(params, name, errors):
    values = [value.strip() for value in params.getlist(name)]
    if len(values) > 1:
        errors[name] = ["Bitte nur einen Wert angeben."]
        return ""
    value = values[0] if values else ""
    if len(value) > MAX_QUERY_LENGTH:
        errors[name] = [f"Höchstens {MAX_QUERY_LENGTH} Zeichen."]
        return ""
    if any(not character.isprintable() for character in value):
        errors[name] = ["Steuerzeichen sind nicht erlaubt."]
        return ""
    return value


def _paginate(request, queryset, params, errors, serialize):
    """The page of ``queryset`` as the API's list envelope. A page behind the last one
    answers 200 with empty ``results`` and the correct ``total`` (``prev`` points back)."""
    page = _int(params, "page", errors, minimum=1, maximum=MAX_PAGE, default=1)
    page_size = _int(
        params, "page_size", errors, minimum=1, maximum=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )
    if errors:
        raise BadRequest(errors)
    total = queryset.count()
    num_pages = max(1, -(-total // page_size))
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size]) if start < total else []

    def link(number):
        query = params.copy()
        query["page"] = str(number)
        query["page_size"] = str(page_size)
        return links.absolute_url(
            request.path + "?" + urlencode(query.lists(), doseq=True), request
        )

    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "num_pages": num_pages,
        "links": {
            "self": link(page),
            "next": link(page + 1) if page < num_pages else None,
            "prev": link(min(page - 1, num_pages)) if page > 1 else None,
        },
        "results": [serialize(item) for item in items],
    }


def _api(view):
    def wrapped(request, *args, **kwargs):
        try:
            payload = view(request, *args, **kwargs)
        except BadRequest as error:
            return _error(error.errors)
        if isinstance(payload, JsonResponse):
            return payload
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
        response["Access-Control-Allow-Origin"] = "*"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_safe(wrapped)


def _term_filter(model, slug, name, errors, *, hierarchical):
    try:
        term = model.objects.get(slug=slug)
    except model.DoesNotExist:
        errors[name] = [f"Unbekannter Wert „{slug}“."]
        return None
    return term.descendants_and_self() if hierarchical else [term]


PROFILE_PARAMS = {
    "land",
    "kreis",
    "aufgabe",
    "rechtsform",
    "modell",
    "phase",
    "startjahr_von",
    "startjahr_bis",
    "geaendert_seit",
    "page",
    "page_size",
}


def _unknown_params(params, allowed, errors):
    for name in params:
        if name not in allowed:
            errors[name] = ["Unbekannter Parameter."]


def filter_profiles(params):
    """The published profiles matching the API filters; raises BadRequest with the reasons."""
    errors = {}
    _unknown_params(params, PROFILE_PARAMS, errors)
    queryset = records.published_profiles()
    land = _single(params, "land", errors)
    if land:
        if not State.objects.filter(key=land).exists():
            errors["land"] = [f"Unbekannter Landesschlüssel „{land}“."]
        else:
            queryset = queryset.filter(
                Q(partners__municipality__state__key=land) | Q(partners__county__state__key=land)
            )
    kreis = _single(params, "kreis", errors)
    if kreis:
        if not County.objects.filter(key=kreis).exists():
            errors["kreis"] = [f"Unbekannter Kreisschlüssel „{kreis}“."]
        else:
            queryset = queryset.filter(
                Q(partners__municipality__county__key=kreis) | Q(partners__county__key=kreis)
            )
    for name, model, field, hierarchical in (
        ("aufgabe", TaskArea, "task_areas__in", True),
        ("rechtsform", LegalForm, "legal_form__in", True),
        ("modell", CooperationModel, "cooperation_model__in", False),
    ):
        slug = _single(params, name, errors)
        if slug:
            terms = _term_filter(model, slug, name, errors, hierarchical=hierarchical)
            if terms:
                queryset = queryset.filter(**{field: terms})
    phase = _single(params, "phase", errors)
    if phase:
        if phase not in Phase.values:
            errors["phase"] = [f"Erlaubt: {', '.join(Phase.values)}."]
        else:
            queryset = queryset.filter(phase=phase)
    year_from = _int(params, "startjahr_von", errors, minimum=YEAR_MIN, maximum=YEAR_MAX)
    year_to = _int(params, "startjahr_bis", errors, minimum=YEAR_MIN, maximum=YEAR_MAX)
    if year_from is not None and year_to is not None and year_to < year_from:
        errors["startjahr_bis"] = ["Liegt vor „startjahr_von“."]
    if year_from is not None:
        queryset = queryset.filter(start_year__gte=year_from)
    if year_to is not None:
        queryset = queryset.filter(start_year__lte=year_to)
    since = _single(params, "geaendert_seit", errors)
    if since:
        try:
            day = datetime.date.fromisoformat(since)
        except ValueError:
            errors["geaendert_seit"] = ["Bitte ein Datum im Format JJJJ-MM-TT angeben."]
        else:
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
            queryset = queryset.filter(last_published_at__gte=start)
    if errors:
        raise BadRequest(errors)
    return queryset.distinct(), errors


@_api
def profile_list(request):
    """Published profiles, filtered and paginated."""
    queryset, errors = filter_profiles(request.GET)
    return _paginate(
        request, queryset, request.GET, errors, lambda page: records.profile_record(page, request)
    )


@_api
def profile_detail(request, pk):
    page = records.published_profiles().filter(pk=pk).first()
    if page is None:
        return _not_found("Steckbrief")
    return records.profile_record(page, request)


def _register_list(request, queryset, allowed, name_field):
    params = request.GET
    errors = {}
    _unknown_params(params, allowed, errors)
    land = _single(params, "land", errors)
    if land:
        if not State.objects.filter(key=land).exists():
            errors["land"] = [f"Unbekannter Landesschlüssel „{land}“."]
        queryset = queryset.filter(state__key=land)
    if "kreis" in allowed:
        kreis = _single(params, "kreis", errors)
        if kreis:
            if not County.objects.filter(key=kreis).exists():
                errors["kreis"] = [f"Unbekannter Kreisschlüssel „{kreis}“."]
            queryset = queryset.filter(county__key=kreis)
    prefix = _single(params, "q", errors)
    if prefix:
        queryset = queryset.filter(**{f"{name_field}__istartswith": prefix})
    return queryset, errors


def _with_licence(payload):
    return {**payload, **records.register_licence()}


@_api
def municipality_list(request):
    """Municipalities of the register, filtered and paginated."""
    queryset, errors = _register_list(
        request, records.municipality_values(), {"land", "kreis", "q", "page", "page_size"}, "name"
    )
    return _with_licence(_paginate(request, queryset, request.GET, errors, _municipality))


def _municipality(values):
    record = records.municipality_record(values)
    record["url"] = register_url("register:municipality", record["ags"])
    return record


@_api
def municipality_detail(request, ags):
    values = records.municipality_values().filter(ags=ags).first()
    if values is None:
        return _not_found("Gemeinde")
    return _with_licence(_municipality(values))


def _county(values):
    record = records.county_record(values)
    record["url"] = register_url("register:county", record["key"])
    return record


@_api
def county_list(request):
    """Kreise and kreisfreie Städte of the register, filtered and paginated."""
    queryset, errors = _register_list(
        request, records.county_values(), {"land", "q", "page", "page_size"}, "display_name"
    )
    return _with_licence(_paginate(request, queryset, request.GET, errors, _county))


@_api
def county_detail(request, key):
    values = records.county_values().filter(key=key).first()
    if values is None:
        return _not_found("Kreis")
    return _with_licence(_county(values))


# --- robots.txt --------------------------------------------------------------------------

# Pages that are not for search engines: the admin, the accounts' own pages and forms.
ROBOTS_DISALLOW = ("/admin/", "/django-admin/", "/konto/", "/benachrichtigungen/")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {links.absolute_url(reverse('sitemap'), request)}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
