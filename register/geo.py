"""Geography on the register's centre coordinates, shared by search, Börse and alerts."""

import math

from django.db.models import Avg

EARTH_RADIUS_KM = 6371.0088  # mean radius, as Elasticsearch's arc distance uses


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine) between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def county_centre(county_id):
    """Mean centre of a Kreis's municipalities: where a Kreis "is" for distances (None
    without coordinates). The centres of all Kreise are read at once and kept per process
    and content generation."""
    from kooperationsatlas import caching

    return caching.in_process(("county-centres",), county_centres).get(county_id)


def county_centres():
    """{county pk: (lat, lon)} of every Kreis with coordinates: one query."""
    from .models import Municipality

    rows = (
        Municipality.objects.filter(latitude__isnull=False)
        .values("county_id")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
        .order_by()
    )
    return {
        row["county_id"]: (round(row["lat"], 5), round(row["lon"], 5))
        for row in rows
        if row["county_id"] is not None
    }
