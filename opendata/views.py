"""Downloads (``/daten/*.csv|json``) and ``robots.txt``. Only GET; only published profiles.
The read-only JSON API is in ``api.py``."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from kooperationsatlas import links
from register.attribution import LICENCE_URL
from register.models import County, Municipality

from . import records

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


# --- robots.txt --------------------------------------------------------------------------

# Pages that are not for search engines: the admin, the accounts' own pages and forms.
ROBOTS_DISALLOW = ("/admin/", "/django-admin/", "/konto/", "/benachrichtigungen/")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {links.absolute_url(reverse('sitemap'), request)}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
