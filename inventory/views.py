"""The Bestandsaufnahme (/bestandsaufnahme/) and its CSV downloads.

Filters are exactly the search's: the request is read through ``search.forms.SearchForm``
(same parameters, same validation, HTTP 400 with the reason), and the matching profiles
come from ``search.service.search`` (the configured engine, with its fallback). The
figures are then counted in the database over those profiles (figures.py).
"""

import csv
import logging
from dataclasses import replace

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from register.models import County, register_url
from search.contract import DEFAULT_PAGE_SIZE, MAX_RADIUS_KM
from search.forms import DEFAULT_RADIUS_KM, DEFAULT_SORT, SearchForm, query_string
from search.service import search
from search.views import (
    error_messages,
    facet_groups,
    invalid_form_context,
    selections,
    typed_values,
)

from . import charts, survey
from .figures import FIGURES, FIGURES_BY_KEY, NOT_KNOWN, NRW, load_dataset
from .maps import choropleth, cooperations_text, legend_items

logger = logging.getLogger(__name__)

CHUNK = 1000  # profiles per engine request when collecting all matches
MAX_MATCHES = 10_000  # Elasticsearch's default result window
UNAVAILABLE = (
    "Die Bestandsaufnahme ist gerade nicht verfügbar, weil die Suche nicht antwortet. "
    "Bitte versuchen Sie es in einigen Minuten erneut."
)


class InventoryUnavailable(Exception):
    pass


def dashboard_query(query):
    """The query without what only the result list uses (page, sort, page size)."""
    return replace(query, page=1, sort=DEFAULT_SORT, page_size=DEFAULT_PAGE_SIZE)


def matching_profiles(query):
    """(first SearchResults, ids of every matching profile) through the search service."""
    try:
        wanted = replace(query, sort="neueste", page=1, page_size=CHUNK)
        first = search(wanted)
        ids = [hit.page_id for hit in first.hits]
        page = 1
        while len(ids) < min(first.total, MAX_MATCHES) and page * CHUNK < MAX_MATCHES:
            page += 1
            hits = search(replace(wanted, page=page)).hits
            if not hits:
                break
            ids += [hit.page_id for hit in hits]
    except Exception as error:  # the user never sees an engine error
        logger.exception("Search failed for %r", query)
        raise InventoryUnavailable from error
    return first, ids


def dashboard_url(query, place=None, suffix=""):
    return reverse("inventory:dashboard") + query_string(dashboard_query(query), place) + suffix


def csv_url(key, query, place=None):
    return reverse("inventory:csv", args=[key]) + query_string(dashboard_query(query), place)


# --- what the template shows of each figure -----------------------------------------------


def _count_text(value):
    return charts.de_number(value)


def _bars(figure, table):
    items = [(row[0], row[1], _count_text(row[1])) for row in table.rows]
    return {
        "chart": charts.bar_chart(
            items, chart_id=f"chart-{figure.key}", title=f"Balkendiagramm: {figure.title}"
        )
    }


def _matrix(figure, table):
    # The heat colours compare the region cells only (not the totals).
    region_columns = len(table.columns) - 2
    maximum = max((max(row[1 : 1 + region_columns], default=0) for row in table.rows), default=0)
    rows = []
    for row in table.rows:
        cells = [
            (value, charts.heat_level(value, maximum)) for value in row[1 : 1 + region_columns]
        ]
        rows.append({"label": row[0], "cells": cells, "total": row[-1]})
    return {"matrix_rows": rows, "region_columns": table.columns[1 : 1 + region_columns]}


def _growth(figure, table):
    years = [row for row in table.rows if row[0] != NOT_KNOWN]
    unknown = next((row[1] for row in table.rows if row[0] == NOT_KNOWN), 0)
    context = {"unknown": unknown, "years": years}
    if years:
        context["chart"] = charts.column_chart(
            [(row[0], row[1]) for row in years],
            chart_id=f"chart-{figure.key}-neu",
            title="Säulendiagramm: neu gestartete Kooperationen je Startjahr",
        )
        context["chart_cumulative"] = charts.line_chart(
            [(row[0], row[2]) for row in years],
            chart_id=f"chart-{figure.key}-kumuliert",
            title="Liniendiagramm: Kooperationen insgesamt bis zum jeweiligen Startjahr",
        )
    return context


def _counties(figure, table):
    """Kreise as bars (share of their municipalities taking part); kreisfreie Städte apart,
    since a city that is its own Kreis has one municipality and its bar would only ever
    say "0 von 1" or "1 von 1 (100 %)"."""
    cities = set(
        County.objects.filter(state__key=NRW, kind=County.Kind.KREISFREIE_STADT).values_list(
            "key", flat=True
        )
    )
    counties = [row for row in table.rows if row[0] not in cities]
    items = [
        (
            row[1],
            row[5] or 0,
            f"{charts.de_number(row[4])} von {charts.de_number(row[3])} "
            f"({charts.de_number(row[5] or 0, 1)} %)",
        )
        for row in counties
    ]
    city_rows = [
        {
            "name": row[1],
            "url": register_url("register:county", row[0]),
            # The city as a municipality (row[4]) or as a Kreis (row[6]) in a profile.
            "taking_part": bool(row[4] or row[6]),
        }
        for row in table.rows
        if row[0] in cities
    ]
    return {
        "chart": charts.bar_chart(
            items,
            chart_id=f"chart-{figure.key}",
            title="Balkendiagramm: Anteil der Gemeinden mit mindestens einer Kooperation je "
            "Kreis (ohne kreisfreie Städte)",
            maximum=100,
        ),
        "county_count": len(counties),
        "cities_taking_part": [city for city in city_rows if city["taking_part"]],
        "cities_not_taking_part": [city for city in city_rows if not city["taking_part"]],
        "city_count": len(city_rows),
    }


def _map(figure, table):
    counts = {row[0]: row[3] for row in table.rows}
    taking_part = [row for row in table.rows if row[3]]
    return {
        "chart": choropleth(
            counts,
            map_id=f"chart-{figure.key}",
            title="Karte der Gemeinden in Nordrhein-Westfalen nach Zahl der Kooperationen",
            description=(
                f"{charts.de_number(len(taking_part))} von {charts.de_number(len(table.rows))} "
                "Gemeinden sind Partner in mindestens einer Kooperation. Die Gemeinden mit "
                "ihrer Zahl stehen in der Tabelle unter der Karte."
            ),
        ),
        "legend": legend_items(),
        "taking_part": [
            {
                "ags": row[0],
                "name": row[1],
                "county": row[2],
                "count": row[3],
                "text": cooperations_text(row[3]),
                "url": register_url("register:municipality", row[0]),
            }
            for row in sorted(taking_part, key=lambda row: (-row[3], row[1], row[0]))
        ],
    }


PRESENTERS = {
    "bars": _bars,
    "matrix": _matrix,
    "growth": _growth,
    "counties": _counties,
    "map": _map,
}


def figure_context(figure, data, query, place):
    table = figure.compute(data)
    context = {
        "key": figure.key,
        "title": figure.title,
        "definition": figure.definition,
        "kind": figure.chart,
        "table": table,
        "csv_url": csv_url(figure.key, query, place),
        "heading_id": f"abbildung-{figure.key}",
    }
    context.update(PRESENTERS[figure.chart](figure, table))
    return context


# --- views ------------------------------------------------------------------------------


def _base_context(form):
    return {
        "form": form,
        "values": typed_values(form),
        "notices": list(form.notices),
        "max_radius": MAX_RADIUS_KM,
        "default_radius": DEFAULT_RADIUS_KM,
    }


@require_safe
def dashboard(request):
    form = SearchForm(request.GET)
    context = _base_context(form)
    if not form.is_valid():
        context.update(invalid_form_context(request, form, reverse("inventory:dashboard")))
        return render(request, "inventory/dashboard.html", context, status=400)

    query = dashboard_query(form.search_query)
    place = form.place_input
    try:
        results, ids = matching_profiles(query)
    except InventoryUnavailable:
        context["unavailable"] = UNAVAILABLE
        return render(request, "inventory/dashboard.html", context, status=503)
    data = load_dataset(ids)
    items = selections(query, form.filter_labels, place)
    for item in items:
        item.url = dashboard_url(item.without, place, "#filter-heading")
    no_filters = replace(query, text="", filters={}, start_year_min=None, start_year_max=None)
    context.update(
        query=query,
        total=len(data.profiles),
        notices=context["notices"] + results.notices,
        facet_groups=facet_groups(results.facets),
        selections=items,
        clear_filters_url=dashboard_url(replace(no_filters, geo=None)),
        search_url=reverse("search:page") + query_string(query, place),
        figures=[figure_context(figure, data, query, place) for figure in FIGURES],
        survey=survey.dashboard_context(),
    )
    return render(request, "inventory/dashboard.html", context)


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    return "" if value is None else value


@require_safe
def figure_csv(request, key):
    figure = FIGURES_BY_KEY.get(key)
    if figure is None:
        raise Http404("Diese Abbildung gibt es nicht.")
    form = SearchForm(request.GET)
    if not form.is_valid():
        lines = ["Die Filter sind ungültig:"]
        lines += [f"- {message}" for _, _, message in error_messages(form)]
        return HttpResponse(
            "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    try:
        _, ids = matching_profiles(dashboard_query(form.search_query))
    except InventoryUnavailable:
        return HttpResponse(
            UNAVAILABLE + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
    table = figure.compute(load_dataset(ids))
    writer = csv.writer(_Echo())
    body = "\ufeff" + writer.writerow(table.columns)  # BOM: Excel reads UTF-8 correctly
    body += "".join(writer.writerow([_csv_cell(cell) for cell in row]) for row in table.csv_rows())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bestandsaufnahme-{key}.csv"'
    return response
