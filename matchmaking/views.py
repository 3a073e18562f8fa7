"""The partner search page (/partnersuche/); its JSON operations are in ``api.py``.

Both read the request only through ``PartnerSearchForm`` and score only through
``score.Scorer`` on the cached snapshot. Invalid input is a 400 with the reason per
parameter, never a 500.
"""

from functools import lru_cache

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from kooperationsatlas.templatetags.atlas import de_number
from register.models import register_url

from . import data, score
from .forms import (
    AREAS,
    DEFAULT_LIMIT,
    MAX_RADIUS_KM,
    PLACE,
    WEIGHT_PARAMS,
    PartnerSearchForm,
    task_areas,
)
from .maps import nrw_share, render_suggestion_map


def body_url(bodies, body):
    if bodies.level[body] == score.COUNTY:
        return register_url("register:county", bodies.keys[body])
    return register_url("register:municipality", bodies.keys[body])


def run(form, request=None):
    """(snapshot, query body, suggestions, existing partners) for a valid form.

    Existing partners are the query's partners in the chosen task areas (with their
    cooperations): listed apart, never among the suggestions."""
    snapshot = data.get_snapshot(request)
    query = snapshot.bodies.index.get(form.place.key)
    if query is None:
        raise score.ScoreError(f"{form.place.name} ist im Register nicht als Partner verzeichnet.")
    areas = [area.pk for area in form.selected_areas]
    scorer = score.Scorer(snapshot, query, areas, form.weights, form.radius_km)
    suggestions = [
        scorer.explain(b, rank) for rank, b in enumerate(scorer.top(form.limit, form.sort), 1)
    ]
    return snapshot, query, suggestions, scorer.existing_partners()


@lru_cache(maxsize=4096, typed=True)
def _number(value, places=None):
    """``{{ value|de_number:places }}`` as the template prints it (escaped)."""
    return escape(de_number(value, places))


def component_rows(components):
    """The table rows of one suggestion's components with a reason, as safe HTML.

    Built here rather than in the template: a page has up to a hundred suggestions with
    eight components each, and the template engine took most of the page's time for them.
    Same markup and escaping as ``{{ … }}`` in the template."""
    return [
        mark_safe(
            f'<tr><th scope="row">{escape(c.label)}</th>'
            f"<td>{_number(c.value, 2)} × {_number(c.weight)}</td>"
            f"<td>{_number(c.points, 2)}</td><td>{escape(c.reason)}</td></tr>"
        )
        for c in components
        if c.reason
    ]


def _score_error(form, error):
    form.add_error(PLACE, str(error))


@require_safe
def partner_page(request):
    form = PartnerSearchForm(request.GET or None, areas=tuple(task_areas()))
    context = {
        "form": form,
        "weight_fields": [form[WEIGHT_PARAMS[spec.name]] for spec in score.COMPONENTS],
        "components": score.COMPONENTS,
        "max_radius": MAX_RADIUS_KM,
        "default_limit": DEFAULT_LIMIT,
        "area_groups": _area_groups(form),
        "selected_slugs": set(request.GET.getlist(AREAS)),
        "weights_changed": any(request.GET.get(p) for p in WEIGHT_PARAMS.values()),
    }
    status = 200
    if form.is_bound:
        if form.is_valid():
            context["selected_slugs"] = set(form.cleaned_data[AREAS])  # names given as slugs
            try:
                snapshot, query, suggestions, partners = run(form, request)
            except score.ScoreError as error:
                _score_error(form, error)
            else:
                bodies = snapshot.bodies
                context.update(
                    query_name=bodies.names[query],
                    query_kind=bodies.kinds[query],
                    query_url=body_url(bodies, query),
                    suggestions=[
                        (s, body_url(bodies, s.body), component_rows(s.components))
                        for s in suggestions
                    ],
                    existing_partners=[
                        (bodies.names[b], bodies.kinds[b], body_url(bodies, b), km, titles)
                        for b, km, titles in partners
                    ],
                    sorted_by_distance=form.sort == score.SORT_DISTANCE,
                    partner_map=render_suggestion_map(
                        snapshot,
                        query,
                        suggestions,
                        f"Karte: Partnervorschläge für {bodies.names[query]}",
                        request,
                    ),
                    outside_map=nrw_share(snapshot, suggestions, request),
                    weights=form.weights,
                )
        if form.errors:
            status = 400
            context["error_items"] = [
                (f"id_{name}" if name in form.fields else "", message)
                for name, messages in form.errors.items()
                for message in messages
            ]
            context["candidate_links"] = [
                (place, _with_place(request, place.key)) for place in form.candidates
            ]
    return render(request, "matchmaking/partner_search.html", context, status=status)


def _with_place(request, key):
    params = request.GET.copy()
    params[PLACE] = key
    return f"{reverse('matchmaking:page')}?{params.urlencode()}"


def _area_groups(form):
    """Task areas as (top-level area, children) for grouped checkboxes."""
    children = {}
    for area in form.areas:
        children.setdefault(area.parent_id, []).append(area)
    return [(area, children.get(area.pk, [])) for area in children.get(None, [])]
