"""Which named regions a municipality or Kreis belongs to.

A municipality belongs to a region if its Kreis is a member or it is a member itself
(regions that cover part of a Kreis list municipalities). One query per call.
"""

from django.db.models import Q

from register.models import Region


def regions_for(municipality):
    """The regions of a municipality, by name."""
    return list(
        Region.objects.filter(
            Q(counties=municipality.county_id) | Q(municipalities=municipality)
        ).distinct()
    )


def regions_for_county(county):
    """The regions that contain the whole Kreis."""
    return list(Region.objects.filter(counties=county))


def regions_by_municipality(municipalities):
    """{municipality pk: [Region, …] by name} for many municipalities, in two queries."""
    municipalities = list(municipalities)
    by_county, by_municipality = {}, {}
    county_rows = Region.counties.through.objects.filter(
        county__in={m.county_id for m in municipalities}
    ).select_related("region")
    for row in county_rows:
        by_county.setdefault(row.county_id, []).append(row.region)
    municipality_rows = Region.municipalities.through.objects.filter(
        municipality__in=[m.pk for m in municipalities]
    ).select_related("region")
    for row in municipality_rows:
        by_municipality.setdefault(row.municipality_id, []).append(row.region)
    result = {}
    for m in municipalities:
        found = {r.pk: r for r in by_county.get(m.county_id, []) + by_municipality.get(m.pk, [])}
        result[m.pk] = sorted(found.values(), key=lambda r: r.name)
    return result
