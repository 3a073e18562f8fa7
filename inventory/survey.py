"""The published survey results on the Bestandsaufnahme: the matrix (task area ×
Regierungsbezirk × answer) and, per task area, the map of the Regierungsbezirke.

Everything shown comes from ``surveys.results.campaign_results`` (suppression included);
the pages take no filter that narrows the bodies counted.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from register.models import Municipality
from surveys.results import (
    SHOWN,
    SUPPRESSED_TEXT,
    SUPPRESSION_THRESHOLD,
    campaign_results,
    latest_campaign,
    result_campaigns,
)

from . import charts
from .maps import class_map

# Classes of the survey map: the share of answering bodies of a Regierungsbezirk that
# already cooperate in the task area; grey where the count is suppressed.
SURVEY_COLOURS = {
    "0": "#eef2f5",
    "1": "#a6cbe3",
    "2": "#4a8dbf",
    "3": "#0b3d6b",
    "x": "#c9c9c9",  # not shown (suppressed)
    "n": "#ffffff",  # not asked
}
SURVEY_LEGEND = (
    ("0", "0 %"),
    ("1", "unter 25 %"),
    ("2", "25 bis unter 50 %"),
    ("3", "50 % und mehr"),
    ("x", f"nicht gezeigt ({SUPPRESSED_TEXT} Körperschaften)"),
    ("n", "nicht befragt"),
)


def share_class(count, answered):
    share = 100 * count / answered
    if count == 0:
        return "0"
    if share < 25:
        return "1"
    if share < 50:
        return "2"
    return "3"


def results_url(campaign):
    return reverse("inventory:survey", args=[campaign.pk])


def area_url(campaign, slug):
    return reverse("inventory:survey_area", args=[campaign.pk, slug])


def cell_text(found, column):
    """What a table cell says: the count, "–" for a Regierungsbezirk with too few answers,
    else SUPPRESSED_TEXT for a suppressed count."""
    if column.too_few:
        return "–"
    if found.suppressed:
        return SUPPRESSED_TEXT
    return charts.de_number(found.count)


def matrix_context(results):
    """The three tables (one per published answer) as the templates show them."""
    tables = []
    for status, key, label in SHOWN:
        rows = [
            {
                "name": row.name,
                "depth": row.depth,
                "url": area_url(results.campaign, row.slug),
                "cells": [
                    cell_text(found, column)
                    for found, column in zip(row.cells[status], results.columns, strict=True)
                ],
            }
            for row in results.rows
        ]
        tables.append({"key": key, "label": label, "rows": rows})
    return {
        "results": results,
        "tables": tables,
        "threshold": SUPPRESSION_THRESHOLD,
        "suppressed_text": SUPPRESSED_TEXT,
        "results_url": results_url(results.campaign),
        "csv_url": reverse("opendata:survey_csv", args=[results.campaign.pk]),
        "json_url": reverse("opendata:survey_json", args=[results.campaign.pk]),
    }


def dashboard_context():
    """The survey section of the dashboard: the latest campaign with results, or None."""
    campaign = latest_campaign()
    if campaign is None:
        return None
    return matrix_context(campaign_results(campaign))


def _campaign_or_404(pk):
    return get_object_or_404(result_campaigns(), pk=pk)


@require_safe
def survey_latest(request):
    campaign = latest_campaign()
    context = {"campaigns": list(result_campaigns())}
    if campaign is not None:
        context.update(matrix_context(campaign_results(campaign)))
    return render(request, "inventory/survey_results.html", context)


@require_safe
def survey(request, pk):
    campaign = _campaign_or_404(pk)
    context = {"campaigns": list(result_campaigns())}
    context.update(matrix_context(campaign_results(campaign)))
    return render(request, "inventory/survey_results.html", context)


@require_safe
def survey_area(request, pk, aufgabe):
    campaign = _campaign_or_404(pk)
    results = campaign_results(campaign)
    row = results.row(aufgabe)
    if row is None:
        raise Http404("Dieser Aufgabenbereich wurde in der Erhebung nicht abgefragt.")
    joint = SHOWN[0][0]
    classes = {}
    districts = []
    for position, column in enumerate(results.columns):
        found = row.cells[joint][position]
        if column.too_few:
            suffix, text = "x", f"nicht gezeigt (weniger als {SUPPRESSION_THRESHOLD} Antworten)"
        elif found.suppressed:
            suffix, text = "x", f"nicht gezeigt ({SUPPRESSED_TEXT} Körperschaften)"
        else:
            suffix = share_class(found.count, column.answered)
            text = (
                f"{charts.de_number(found.count)} von {charts.de_number(column.answered)} "
                "antwortenden Körperschaften kooperieren"
            )
        classes[column.district_id] = (suffix, text)
        districts.append(
            {
                "name": column.name,
                "asked": column.asked,
                "answered": column.answered,
                "cells": [cell_text(row.cells[status][position], column) for status, _, _ in SHOWN],
            }
        )
    district_of = _district_by_ags()

    def classify(ags):
        district = district_of.get(ags)
        return classes.get(district, ("n", "nicht befragt"))

    chart = class_map(
        classify,
        SURVEY_COLOURS,
        map_id="karte-erhebung",
        title=f"Karte: Anteil der antwortenden Körperschaften, die bei „{row.name}“ bereits "
        "kooperieren, je Regierungsbezirk",
        description="Jede Gemeinde trägt die Farbe ihres Regierungsbezirks. Die Zahlen stehen "
        "in der Tabelle unter der Karte.",
    )
    context = matrix_context(results)
    context.update(
        row=row,
        chart=chart,
        legend=[(suffix, label, SURVEY_COLOURS[suffix]) for suffix, label in SURVEY_LEGEND],
        districts=districts,
        statuses=[label for _, _, label in SHOWN],
        potential_url=reverse("inventory:potential", args=[row.slug]),
    )
    return render(request, "inventory/survey_area.html", context)


def _district_by_ags():
    return dict(
        Municipality.objects.filter(boundary__isnull=False).values_list("ags", "district_id")
    )
