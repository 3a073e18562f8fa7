from django.shortcuts import render

from register.attribution import GEOMETRY_ATTRIBUTION, REGISTER_ATTRIBUTION
from register.models import County, Municipality, Neighbourhood


def data_sources(request):
    """Where the register comes from, under which licence, and how to cite it."""
    return render(
        request,
        "kooperationsatlas/data_sources.html",
        {
            "register_attribution": REGISTER_ATTRIBUTION,
            "geometry_attribution": GEOMETRY_ATTRIBUTION,
            "municipality_count": Municipality.objects.count(),
            "county_count": County.objects.count(),
            "border_count": Neighbourhood.objects.count() // 2,
        },
    )
