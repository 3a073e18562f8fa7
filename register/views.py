import math

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from cooperations.models import CooperationPage, CooperationPartner, profile_entries

from .geo import distance_km
from .models import County, Municipality, Neighbourhood, State
from .templatetags.register_maps import Point, boundaries, render_point_map

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


# Point maps outside NRW (no boundaries): a kreisfreie Stadt is shown with the
# municipalities within AROUND_KM, partners of its cooperations up to PARTNERS_KM away.
AROUND_KM = 25
PARTNERS_KM = 100
POINT_FIELDS = ("pk", "name", "latitude", "longitude")


def _near(municipality, km):
    """Municipalities whose centre lies within ``km`` of ``municipality``'s (a box query,
    then the exact distance)."""
    lat, lon = municipality.latitude, municipality.longitude
    box_lat, box_lon = km / 111.0, km / 111.0 / max(0.2, math.cos(math.radians(lat)))
    candidates = Municipality.objects.filter(
        latitude__range=(lat - box_lat, lat + box_lat),
        longitude__range=(lon - box_lon, lon + box_lon),
    ).only(*POINT_FIELDS)
    return [m for m in candidates if distance_km(lat, lon, m.latitude, m.longitude) <= km]


def municipality_point_map(municipality, profiles):
    """(svg, partners not on the map) for a municipality without a boundary: the
    municipalities of its Kreis (a kreisfreie Stadt: those within AROUND_KM) as points,
    the partners of its published cooperations marked."""
    if municipality.latitude is None or municipality.longitude is None:
        return "", []
    county = municipality.county
    if county.municipalities.count() > 1:
        # with the Kreis column: the related manager compares it on every row (a query
        # per municipality if deferred)
        context = list(county.municipalities.only(*POINT_FIELDS, "county"))
        area = f"die Gemeinden – {county.display_name}"
    else:
        context = _near(municipality, AROUND_KM)
        area = f"die Gemeinden im Umkreis von {AROUND_KM} km"
    partners = list(
        Municipality.objects.filter(
            pk__in=CooperationPartner.objects.filter(page__in=profiles).values("municipality")
        )
        .exclude(pk=municipality.pk)
        .only(*POINT_FIELDS)
        .order_by("name")
    )
    far = [
        m
        for m in partners
        if m.latitude is None
        or distance_km(municipality.latitude, municipality.longitude, m.latitude, m.longitude)
        > PARTNERS_KM
    ]
    shown = [m for m in partners if m not in far]
    partner_ids = {m.pk for m in shown}
    points = [Point(municipality.name, municipality.longitude, municipality.latitude, "self")]
    points += [Point(m.name, m.longitude, m.latitude, "partner") for m in shown]
    points += [
        Point(m.name, m.longitude, m.latitude)
        for m in context
        if m.pk != municipality.pk and m.pk not in partner_ids
    ]
    description = f"{municipality.name} und {area} als Punkte an ihren Mittelpunkten." + (
        " Partner in Kooperationen: " + ", ".join(m.name for m in shown) + "."
        if shown
        else " Keine Partner aus veröffentlichten Kooperationen in der Nähe."
    )
    title = f"Karte: {municipality.name} und {area}"
    return render_point_map(points, title, description, "gemeinde-punktkarte"), far


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
    point_map, partners_off_map = "", []
    if not boundaries(request, [municipality]):
        point_map, partners_off_map = municipality_point_map(municipality, profiles)
    return render(
        request,
        "register/municipality_detail.html",
        {
            "point_map": point_map,
            "partners_off_map": partners_off_map,
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


def county_point_map(request, county, municipalities):
    """A Kreis without boundaries: its municipalities as points, those that are partners
    in a published cooperation marked."""
    partner_ids = set(
        CooperationPartner.objects.filter(
            page__in=_published_profiles(request, municipality__county=county),
            municipality__county=county,
        ).values_list("municipality_id", flat=True)
    )
    points = [
        Point(m.name, m.longitude, m.latitude, "partner" if m.pk in partner_ids else "other")
        for m in municipalities
    ]
    marked = sorted(m.name for m in municipalities if m.pk in partner_ids)
    description = f"Die {len(municipalities)} Gemeinden als Punkte an ihren Mittelpunkten." + (
        " Partner in Kooperationen: " + ", ".join(marked) + "."
        if marked
        else " Keine ist Partner in einer veröffentlichten Kooperation."
    )
    return render_point_map(
        points, f"Karte: Gemeinden – {county.display_name}", description, "kreis-punktkarte"
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
    point_map = ""
    if not boundaries(request, municipalities):
        point_map = county_point_map(request, county, municipalities)
    return render(
        request,
        "register/county_detail.html",
        {
            "point_map": point_map,
            "county": county,
            "municipalities": municipalities,
            "surrounding": surrounding,
            "has_boundaries": bool(boundaries(request, municipalities)),
            "own_profiles": own_profiles,
            "member_profiles": member_profiles,
        },
    )
