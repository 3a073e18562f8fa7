"""What every JSON operation shares: the API class, the error envelope, German reasons for
invalid parameters, the pagination convention and the CORS policy.

The one ``NinjaAPI`` instance is built in ``urls.py`` from the routers of the apps
(``search/api.py``, ``matchmaking/api.py``, ``opendata/api.py``); its OpenAPI document is
generated from their typed schemas and served at ``/api/openapi.json``, the interactive
documentation at ``/api/docs`` (Swagger UI from django-ninja's own static files).

* Errors: every 4xx/5xx answer under ``/api/`` is ``{"errors": {parameter: [reasons]}}``
  (``__all__`` for the request as a whole), reasons in German. A parameter that does not
  fit its schema is a 400 (never django-ninja's 422), an unknown path a 404, another
  method than GET/HEAD a 405 (``ApiMiddleware``).
* Pagination: ``seite`` and ``pro_seite`` (``page`` and ``page_size`` are accepted as
  aliases); a list answers ``total``, ``page``, ``page_size``, ``num_pages`` and ``links``
  (``self``, ``next``, ``prev``).
* CORS: every GET/HEAD answer under ``/api/`` carries ``Access-Control-Allow-Origin: *``
  (read-only public data; no cookies are read, so no credentials are allowed).
"""

import math
from typing import Annotated

from django.http import Http404, JsonResponse, QueryDict
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from ninja import Field, NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator

from . import links
from .templatetags.atlas import de_number

API_PREFIX = "/api/"
ALLOW_ORIGIN = "*"
ALL = "__all__"
DOCUMENT_MAX_AGE = 3600

PAGE, PAGE_SIZE = "seite", "pro_seite"
PAGE_ALIAS, PAGE_SIZE_ALIAS = "page", "page_size"
# The pagination names of the open-data API (before version 1 had one convention).
ALIASES = {PAGE_ALIAS: PAGE, PAGE_SIZE_ALIAS: PAGE_SIZE}
ALIASES_OF = {canonical: alias for alias, canonical in ALIASES.items()}

EMPTY_NUMBER = "Bitte eine Zahl angeben (der Parameter ist leer)."
NOT_FOUND = "Unter dieser Adresse gibt es keine Ressource."
METHOD_NOT_ALLOWED = "Nur GET (und HEAD) ist erlaubt."
CONTROL_CHARACTERS = "Steuerzeichen sind nicht erlaubt."


class Error(Schema):
    """The one error envelope."""

    errors: dict[str, list[str]] = Field(
        description="Parameter → Fehlermeldungen auf Deutsch (`__all__`: die Anfrage als Ganzes)"
    )


class ApiError(Exception):
    """Answer ``status`` with ``{"errors": errors}`` (and ``extra`` keys, e.g. candidates)."""

    def __init__(self, errors, status=400, **extra):
        super().__init__(errors)
        self.errors, self.status, self.extra = errors, status, extra


def error_response(errors, status):
    response = JsonResponse(
        {"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    patch_cache_control(response, no_store=True)
    return response


# --- German reasons for parameters that do not fit their schema -------------------------------


def _number(value):
    return de_number(value) if isinstance(value, (int, float)) else str(value)


def _bounds(field):
    low = high = None
    for item in getattr(field, "metadata", ()):
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
    return low, high


def reason(error, field, given):
    """One pydantic error → a German sentence naming the parameter (``given``: its value)."""
    kind, context = error["type"], error.get("ctx") or {}
    title = (field.title if field is not None else None) or str(error["loc"][-1])
    name = f"„{title}“"
    if kind == "missing":
        return f"Bitte {name} angeben."
    if kind in ("int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"):
        if isinstance(given, str) and not given.strip():
            return f"{name}: {EMPTY_NUMBER}"
        whole = kind.startswith("int")
        return f"{name} muss {'eine ganze Zahl' if whole else 'eine Zahl'} sein."
    if kind == "finite_number":
        return f"{name} muss eine endliche Zahl sein."
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing_size"):
        low, high = _bounds(field)
        if low is not None and high is not None:
            return f"{name} muss zwischen {_number(low)} und {_number(high)} liegen."
        if low is not None:
            return f"{name} muss mindestens {_number(low)} sein."
        return f"{name} darf höchstens {_number(high)} sein."
    if kind == "string_too_long":
        return f"{name}: höchstens {context.get('max_length')} Zeichen."
    if kind == "too_long":
        return f"{name}: höchstens {context.get('max_length')} Werte."
    if kind in ("literal_error", "enum"):
        return f"{name}: erlaubt sind {context.get('expected', '')}."
    if kind.startswith("date"):
        return f"{name}: bitte ein Datum im Format JJJJ-MM-TT angeben."
    if kind == "value_error":
        return str(context.get("error", "")) or f"{name} ist ungültig."
    return f"{name} ist ungültig."


def german_errors(exc, request):
    """``{parameter: [reasons]}`` of a django-ninja ValidationError."""
    match = request.resolver_match
    schemas = PARAMETERS.get(match.url_name, ()) if match else ()
    errors = {}
    for error in exc.errors:
        location = [part for part in error["loc"] if isinstance(part, str)]
        parameter = location[-1] if location else ALL
        field = next(
            (s.model_fields[parameter] for s in schemas if parameter in s.model_fields), None
        )
        # The name the client used: an alias if it sent that one.
        alias = ALIASES_OF.get(parameter)
        if alias in request.GET and parameter not in request.GET:
            parameter = alias
        given = request.GET.get(parameter) if location else None
        errors.setdefault(parameter, []).append(reason(error, field, given))
    return errors


# --- parameters ----------------------------------------------------------------------------


def _no_control_characters(value):
    if isinstance(value, str) and any(not character.isprintable() for character in value):
        raise ValueError(CONTROL_CHARACTERS)
    return value


def _decimal_comma(value):
    return value.strip().replace(",", ".") if isinstance(value, str) else value


# A text parameter without control characters; a number that may be written "12,5".
PRINTABLE = BeforeValidator(_no_control_characters)
DECIMAL_COMMA = BeforeValidator(_decimal_comma)
Number = Annotated[float | None, DECIMAL_COMMA]


def number_field(low, high, title, description):
    """An optional finite ``Number`` from ``low`` to ``high``."""
    return Field(
        None, ge=low, le=high, allow_inf_nan=False, title=title, description=description
    )


def page_field(max_page, description=""):
    return Field(
        1,
        ge=1,
        le=max_page,
        title="Seite",
        description=(description or "Seite (ab 1).") + f" Auch als `{PAGE_ALIAS}`.",
    )


def page_size_field(default, maximum, description="Einträge pro Seite."):
    return Field(
        default,
        ge=1,
        le=maximum,
        title="Einträge pro Seite",
        description=f"{description} Auch als `{PAGE_SIZE_ALIAS}`.",
    )


def parameter_names(schema):
    names = set(schema.model_fields)
    return names | {alias for alias, canonical in ALIASES.items() if canonical in names}


def check_parameters(request, schema, *, unknown=True):
    """400 for a parameter given twice that takes one value, and (``unknown``) for a
    parameter the operation does not know. django-ninja would keep the last value and
    ignore unknown names silently."""
    errors = {}
    lists = {
        name
        for name, field in schema.model_fields.items()
        if getattr(field.annotation, "__origin__", None) is list
    }
    known = parameter_names(schema)
    for name, values in request.GET.lists():
        if name not in known:
            if unknown:
                errors[name] = ["Unbekannter Parameter."]
        elif name not in lists and len(values) > 1:
            errors[name] = ["Bitte nur einen Wert angeben."]
    if errors:
        raise ApiError(errors)


def canonical_query(querydict):
    """``querydict`` with the aliases (``page``, ``page_size``) renamed to the canonical
    names; a canonical name given as well wins."""
    data = QueryDict(mutable=True)
    for name, values in querydict.lists():
        canonical = ALIASES.get(name)
        if canonical is None:
            data.setlist(name, values)
        elif canonical not in querydict:
            data.setlist(canonical, values)
    return data


class AtlasParser(Parser):
    """Reads the query string with the aliases renamed (``canonical_query``)."""

    def parse_querydict(self, data, list_fields, request):
        return super().parse_querydict(canonical_query(data), list_fields, request)


# --- pagination ----------------------------------------------------------------------------


class Links(Schema):
    self: str = Field(description="Diese Seite (absolute URL)")
    next: str | None = Field(description="Die nächste Seite, `null` auf der letzten")
    prev: str | None = Field(description="Die vorige Seite, `null` auf der ersten")


def num_pages(total, page_size):
    return max(1, math.ceil(total / page_size))


def page_links(request, path, params, page, total_pages, page_size):
    """``links`` of a list answer: ``params`` (name → value or list) plus page and size."""

    def link(number):
        query = QueryDict(mutable=True)
        for name, value in params.items():
            if name in (PAGE, PAGE_SIZE, PAGE_ALIAS, PAGE_SIZE_ALIAS):
                continue
            query.setlist(name, value if isinstance(value, list) else [value])
        query[PAGE] = str(number)
        query[PAGE_SIZE] = str(page_size)
        return links.absolute_url(f"{path}?{query.urlencode()}", request)

    return {
        "self": link(page),
        "next": link(page + 1) if page < total_pages else None,
        "prev": link(min(page - 1, total_pages)) if page > 1 else None,
    }


# --- operations ----------------------------------------------------------------------------

# url name → the parameter schemas of its operation (for the titles in error messages)
PARAMETERS = {}


def cached(max_age):
    """A 200 may be kept ``max_age`` seconds by any cache; other answers are not kept."""

    def decorator(run):
        def wrapped(request, *args, **kwargs):
            response = run(request, *args, **kwargs)
            if response.status_code == 200 and max_age:
                patch_cache_control(response, public=True, max_age=max_age)
            elif response.status_code != 200:
                patch_cache_control(response, no_store=True)
            return response

        return wrapped

    return decorator


# What each status means, in the document's language.
STATUS_DESCRIPTIONS = {
    200: "Erfolg",
    400: "Ungültige Parameter, mit Begründung je Parameter",
    404: "Nicht gefunden",
    503: "Vorübergehend nicht verfügbar",
}


def get(router, path, *, url_name, params=(), max_age=0, **options):
    """Register ``view`` as the GET operation at ``path`` (HEAD answers the same, without
    its own entry in the document)."""

    def decorator(view):
        PARAMETERS[url_name] = tuple(params)
        decorate_view(cached(max_age))(view)
        options["openapi_extra"] = {
            "responses": {
                status: {"description": STATUS_DESCRIPTIONS[status]}
                for status in options.get("response", {})
            }
        }
        router.add_api_operation(path, ["GET"], view, url_name=url_name, **options)
        router.add_api_operation(
            path, ["HEAD"], view, url_name=url_name, include_in_schema=False, **options
        )
        return view

    return decorator


# --- the API -------------------------------------------------------------------------------


class AtlasRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # umlauts as they are


class AtlasAPI(NinjaAPI):
    """django-ninja's API with the site's error envelope."""

    def __init__(self, **kwargs):
        super().__init__(
            title="Kooperationsatlas – API",
            version="1.0.0",
            description=(
                "Steckbriefe interkommunaler Kooperationen durchsuchen, Partner vorschlagen "
                "lassen und die offenen Daten (Steckbriefe, Gemeinden, Kreise) abrufen. Nur "
                "GET; jede Antwort ist JSON und für jede Herkunft lesbar (CORS "
                "`Access-Control-Allow-Origin: *`). Fehler: `{\"errors\": {Parameter: "
                "[Gründe]}}` mit deutschen Gründen. Blättern: `seite` und `pro_seite` (auch "
                "`page` und `page_size`)."
            ),
            urls_namespace="api",
            docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": True}),
            docs_decorator=cache_control(public=True, max_age=DOCUMENT_MAX_AGE),
            parser=AtlasParser(),
            renderer=AtlasRenderer(),
            **kwargs,
        )
        self.add_exception_handler(ValidationError, self.invalid_parameters)
        self.add_exception_handler(ApiError, self.api_error)
        self.add_exception_handler(Http404, self.not_found)
        self.add_exception_handler(HttpError, self.http_error)

    def get_content_type(self):
        return "application/json"  # UTF-8 by definition (RFC 8259), as the error answers

    def invalid_parameters(self, request, exc):
        return error_response(german_errors(exc, request), 400)

    def api_error(self, request, exc):
        response = JsonResponse(
            {"errors": exc.errors, **exc.extra},
            status=exc.status,
            json_dumps_params={"ensure_ascii": False},
        )
        patch_cache_control(response, no_store=True)
        return response

    def not_found(self, request, exc):
        return error_response({ALL: [str(exc) or NOT_FOUND]}, 404)

    def http_error(self, request, exc):
        return error_response({ALL: [str(exc)]}, exc.status_code)


def is_api(request):
    return request.path.startswith(API_PREFIX)


class ApiMiddleware:
    """The CORS policy and the error envelope for what django-ninja answers itself
    (405 for another method)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api(request):
            return response
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = error_response({ALL: [METHOD_NOT_ALLOWED]}, 405)
            response["Allow"] = allowed
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = ALLOW_ORIGIN
        return response
