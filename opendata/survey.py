"""The published survey results as open data: CSV and JSON downloads (the API's operations
are in ``api.py``).

All of them read ``surveys.results.campaign_results`` (the suppression included) and take
no parameter that narrows the bodies counted.
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from kooperationsatlas import links
from surveys.results import (
    SUPPRESSION_THRESHOLD,
    campaign_results,
    result_campaigns,
)

from .views import _csv_response, _download

RULE = (
    f"Zahlen von 1 bis {SUPPRESSION_THRESHOLD - 1} Körperschaften sind unterdrückt (anzahl leer "
    f"bzw. null, unterdrueckt ja); ein Regierungsbezirk mit weniger als "
    f"{SUPPRESSION_THRESHOLD} Antworten zeigt keine Zahlen. Gezählt werden nur abgesendete "
    "Antworten."
)
CSV_COLUMNS = [
    "erhebung_id",
    "erhebung",
    "beginn",
    "frist",
    "stand",
    "ruecklaufquote_prozent",
    "aufgabenbereich",
    "aufgabenbereich_name",
    "regierungsbezirk",
    "regierungsbezirk_name",
    "befragt",
    "geantwortet",
    "antwort",
    "anzahl",
    "unterdrueckt",
]


def campaign_summary(results, request=None):
    campaign = results.campaign
    return {
        "id": campaign.pk,
        "titel": campaign.title,
        "beginn": campaign.starts_on.isoformat(),
        "frist": campaign.deadline.isoformat(),
        "stand": results.as_of.isoformat(),
        "laeuft": results.running,
        "befragt": results.asked,
        "geantwortet": results.answered,
        "ruecklaufquote_prozent": results.response_rate,
        "url": links.absolute_url(reverse("inventory:survey", args=[campaign.pk]), request),
    }


def campaign_document(results, request=None):
    return {
        "erhebung": campaign_summary(results, request),
        "unterdrueckung": {"schwelle": SUPPRESSION_THRESHOLD, "regel": RULE},
        "regierungsbezirke": [
            {
                "schluessel": column.key,
                "name": column.name,
                "befragt": column.asked,
                "geantwortet": column.answered,
            }
            for column in results.columns
        ],
        "ergebnisse": list(results.records()),
    }


def _results(pk):
    return campaign_results(get_object_or_404(result_campaigns(), pk=pk))


@require_safe
def survey_csv(request, pk):
    results = _results(pk)
    summary = campaign_summary(results, request)
    head = [
        summary["id"],
        summary["titel"],
        summary["beginn"],
        summary["frist"],
        summary["stand"],
        "" if summary["ruecklaufquote_prozent"] is None else summary["ruecklaufquote_prozent"],
    ]
    rows = (
        head
        + [
            record["aufgabenbereich"],
            record["aufgabenbereich_name"],
            record["regierungsbezirk"],
            record["regierungsbezirk_name"],
            record["befragt"],
            record["geantwortet"],
            record["antwort"],
            "" if record["anzahl"] is None else record["anzahl"],
            "ja" if record["unterdrueckt"] else "nein",
        ]
        for record in results.records()
    )
    return _csv_response(f"erhebung-{pk}-ergebnisse.csv", CSV_COLUMNS, rows)


def _json(payload):
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def survey_json(request, pk):
    response = _json(campaign_document(_results(pk), request))
    return _download(response, f"erhebung-{pk}-ergebnisse.json", register=False)
