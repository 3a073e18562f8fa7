"""The Förder-Check page (/foerderung/check/): a GET form, the result with reasons.

Invalid input re-renders the form with the reasons and what was typed, status 400.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from .check import (
    DISCLAIMER,
    FIXED_CROSS_BORDER,
    FIXED_PER_FURTHER_PARTNER,
    FIXED_TWO_PARTNERS,
    MAX_RATE_PERCENT,
    MIN_DURATION_YEARS,
    MIN_SAVINGS_PERCENT,
    RULES_DATE,
    run_check,
)
from .forms import PARAMS, FundingCheckForm
from .models import FundingIndexPage, FundingProgrammePage
from .related import partner_counts

PROFILE_PARAM = "steckbrief"


def _profile_prefill(request):
    """(profile, initial data) for a link "im Förder-Check prüfen" from a profile
    (?steckbrief=<page id>): the partner counts the profile's register partners give.
    The counts are computed here, never taken from the URL; an unknown, unpublished or
    protected profile gives (None, {})."""
    value = request.GET.get(PROFILE_PARAM, "")
    if not value.isdigit() or len(value) > 18:
        return None, {}
    from cooperations.models import CooperationPage

    profile = CooperationPage.objects.live().public().filter(pk=int(value)).first()
    if profile is None:
        return None, {}
    nrw, other = partner_counts(profile)
    return profile, {"nrw": nrw, "extern": other}


@require_safe
def check_page(request):
    bound = any(name in request.GET for name in PARAMS)
    profile, initial = (None, {}) if bound else _profile_prefill(request)
    form = FundingCheckForm(request.GET if bound else None, initial=initial)
    context = {
        "form": form,
        "profile": profile,
        "result": None,
        "disclaimer": DISCLAIMER,
        "rules": {
            "date": RULES_DATE,
            "fixed_two": FIXED_TWO_PARTNERS,
            "fixed_further": FIXED_PER_FURTHER_PARTNER,
            "fixed_cross_border": FIXED_CROSS_BORDER,
            "max_rate": MAX_RATE_PERCENT,
            "min_years": MIN_DURATION_YEARS,
            "min_savings": MIN_SAVINGS_PERCENT,
        },
        "funding_index": FundingIndexPage.objects.live().public().first(),
        "programme": FundingProgrammePage.objects.live().public().filter(has_check=True).first(),
    }
    status = 200
    if bound:
        if form.is_valid():
            context["result"] = run_check(form.check_input())
            context["named_partners"] = form.partners
        else:
            status = 400
            context["error_items"] = [
                (f"id_{name}" if name != "vor_beginn" else "id_vor_beginn_0", message)
                for name, errors in form.errors.items()
                for message in errors
            ]
    response = render(request, "funding/check.html", context, status=status)
    return response
