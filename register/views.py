from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from cooperations.models import CooperationPage

from .models import County, Municipality, State


def _published_profiles():
    return CooperationPage.objects.live().public().order_by("title")


def municipality_list(request):
    query = request.GET.get("q", "").strip()[:100]
    state_key = request.GET.get("land", "")
    municipalities = Municipality.objects.select_related("county", "state")
    if query:
        municipalities = municipalities.filter(name__icontains=query)
    if state_key:
        municipalities = municipalities.filter(state__key=state_key)
    page_obj = Paginator(municipalities.order_by("name", "ags"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "register/municipality_list.html",
        {"page_obj": page_obj, "query": query, "state_key": state_key, "states": State.objects.all()},
    )


def municipality_detail(request, ags):
    municipality = get_object_or_404(
        Municipality.objects.select_related("county", "district", "state"), ags=ags
    )
    borders = municipality.borders.select_related("neighbour").order_by("neighbour__name")
    profiles = _published_profiles().filter(partners__municipality=municipality).distinct()
    county_profiles = (
        _published_profiles().filter(partners__county=municipality.county).distinct()
        if not municipality.county.is_kreisfreie_stadt
        else CooperationPage.objects.none()
    )
    return render(
        request,
        "register/municipality_detail.html",
        {
            "municipality": municipality,
            "borders": borders,
            "profiles": profiles,
            "county_profiles": county_profiles,
        },
    )


def county_list(request):
    counties = County.objects.select_related("state", "district").order_by("state__key", "display_name")
    state_key = request.GET.get("land", "")
    if state_key:
        counties = counties.filter(state__key=state_key)
    return render(
        request,
        "register/county_list.html",
        {"counties": counties, "state_key": state_key, "states": State.objects.all()},
    )


def county_detail(request, key):
    county = get_object_or_404(County.objects.select_related("state", "district"), key=key)
    municipalities = county.municipalities.order_by("name")
    own_profiles = _published_profiles().filter(partners__county=county).distinct()
    member_profiles = (
        _published_profiles()
        .filter(partners__municipality__county=county)
        .exclude(pk__in=own_profiles.values("pk"))
        .distinct()
    )
    return render(
        request,
        "register/county_detail.html",
        {
            "county": county,
            "municipalities": municipalities,
            "own_profiles": own_profiles,
            "member_profiles": member_profiles,
        },
    )
