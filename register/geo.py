"""Geography on the register's centre coordinates, shared by search, Börse and alerts."""

import math
from functools import lru_cache

from django.db.models import Avg

EARTH_RADIUS_KM = 6371.0088  # mean radius, as Elasticsearch's arc distance uses


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine) between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=512)
def county_centre(county_id):
    """Mean centre of a Kreis's municipalities: where a Kreis "is" for distances."""
    from .models import Municipality

    centre = Municipality.objects.filter(county_id=county_id, latitude__isnull=False).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if centre["lat"] is None:
        return None
    return (round(centre["lat"], 5), round(centre["lon"], 5))
