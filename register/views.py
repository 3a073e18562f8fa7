from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from cooperations.models import CooperationPage, CooperationPartner, profile_entries

from .models import County, Municipality, Neighbourhood, State
from .templatetags.register_maps import boundaries

# Columns the municipality list shows; the boundary (large JSON) only where a map is drawn.
LIST_FIELDS = (
    "ags", "name", "kind", "population", "county", "state",
    "county__key", "county__display_name", "county__kind", "state__key", "state__name",
)


def _published_profiles(request, **partner_filter):
    """Live, public profiles with a partner matching ``partner_filter`` (e.g.
    ``municipality=…``), by title (no drafts, no restricted pages), for
    ``profile_entries``. A subquery instead of a join with DISTINCT."""
    return (
        CooperationPage.objects.live()
        .public()
        .filter(pk__in=_partner_pages(**partner_filter))
        .order_by("title")
    )


def _partner_pages(**partner_filter):
    return CooperationPartner.objects.filter(**partner_filter).values("page_id")


def municipality_list(request):
    query = request.GET.get("q", "").strip()[:100]
    states = list(State.objects.all())
    state_key = request.GET.get("land", "")
    state = next((s for s in states if s.key == state_key), None)
    municipalities = Municipality.objects.select_related("county", "state").only(*LIST_FIELDS)
    if query:
        municipalities = municipalities.filter(name__icontains=query)
    if state:
        municipalities = municipalities.filter(state=state)
    paginator = Paginator(municipalities.order_by("name", "ags"), 50)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "register/municipality_list.html",
        {
            "page_obj": page_obj,
            "query": query,
            "state_key": state.key if state else "",
            "state": state,
            "states": states,
        },
    )


def municipality_detail(request, ags):
    municipality = get_object_or_404(
        Municipality.objects.select_related("county", "district", "state"), ags=ags
    )
    borders = list(
        municipality.borders.select_related("neighbour__county")
        .defer("neighbour__boundary")  # the map reads boundaries from its memo
        .order_by("neighbour__name")
    )
    profiles = _published_profiles(request, municipality=municipality)
    county_profiles = []
    if not municipality.county.is_kreisfreie_stadt:
        county_profiles = profile_entries(
            request,
            _published_profiles(request, county=municipality.county).exclude(
                pk__in=_partner_pages(municipality=municipality)
            ),
            heading="h3",
        )
    return render(
        request,
        "register/municipality_detail.html",
        {
            "municipality": municipality,
            "borders": borders,
            "neighbours": [border.neighbour for border in borders],
            "profiles": profile_entries(request, profiles, heading="h3"),
            "county_profiles": county_profiles,
        },
    )


def county_list(request):
    states = list(State.objects.all())
    state_key = request.GET.get("land", "")
    state = next((s for s in states if s.key == state_key), None)
    counties = (
        County.objects.select_related("state", "district")
        .annotate(municipality_count=Count("municipalities"))
        .order_by("state__key", "display_name")
    )
    if state:
        counties = counties.filter(state=state)
    return render(
        request,
        "register/county_list.html",
        {
            "counties": counties,
            "state_key": state.key if state else "",
            "state": state,
            "states": states,
        },
    )


def county_detail(request, key):
    county = get_object_or_404(County.objects.select_related("state", "district"), key=key)
    municipalities = list(county.municipalities.defer("boundary").order_by("name"))
    # Municipalities outside the Kreis that border it: context for the map.
    surrounding = list(
        Municipality.objects.filter(
            pk__in=Neighbourhood.objects.filter(neighbour__county=county).values("municipality")
        )
        .exclude(county=county)
        .defer("boundary")
        .order_by("name")
    )
    own_profiles = profile_entries(
        request, _published_profiles(request, county=county), heading="h3"
    )
    member_profiles = profile_entries(
        request,
        _published_profiles(request, municipality__county=county).exclude(
            pk__in=_partner_pages(county=county)
        ),
        heading="h3",
    )
    return render(
        request,
        "register/county_detail.html",
        {
            "county": county,
            "municipalities": municipalities,
            "surrounding": surrounding,
            "has_boundaries": bool(boundaries(request, municipalities)),
            "own_profiles": own_profiles,
            "member_profiles": member_profiles,
        },
    )
